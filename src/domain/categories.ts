// A ticket's request type: picked by the user (from the greeting, or from
// the question their first message of a ticket gets), changed by a manager
// from the card, or set to the default when the user does not pick in time.
// It shows on the card and as a tag in the topic's name.
import { askCategory } from '../delivery/jobs/ask-category.js';
import { defaultCategory } from '../delivery/jobs/default-category.js';
import { editMessage } from '../delivery/jobs/edit-message.js';
import { noticeToTopic, noticeToUser } from '../delivery/jobs/notice.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import { syncTopicName } from '../delivery/jobs/sync-topic-name.js';
import type { NewJob } from '../delivery/outbox.js';
import type { Store } from '../db/queries/index.js';
import { escapeHtml } from '../lib/html.js';
import { languageOf, textsFor } from '../i18n/index.js';
import { decide, topicQueue, userQueue, type Desk } from './desk.js';
import { displayName, type Person } from './people.js';
import { followCategory } from './ticket-moves.js';
import type { Category } from './settings.js';

/** "🧾 Billing": how a category is shown on buttons, cards and in topic names. */
export const categoryLabel = (c: Pick<Category, 'emoji' | 'name'>) => `${c.emoji} ${c.name}`.trim();

/** The tag for a topic's name, if the ticket has a category. */
export function categoryTag(desk: Pick<Desk, 'settings'>, categoryId: number | null | undefined): string | undefined {
  const c = desk.settings.category(categoryId);
  return c ? categoryLabel(c) : undefined;
}

/**
 * What a new ticket needs about its category, inside the decision that opens
 * it: the user's earlier pick from the greeting, or the question (and the
 * default's timer). Returns the category the ticket starts with.
 */
export async function categorizeNewTicket(
  desk: Desk,
  store: Store,
  send: (job: NewJob) => void,
  t: { ticketId: number; userId: number; chosenCategoryId: number | null; languageCode: string | null },
): Promise<number | null> {
  const chosen = desk.settings.category(t.chosenCategoryId);
  if (t.chosenCategoryId !== null) await store.setChosenCategory(t.userId, null);
  if (chosen && !chosen.archived) {
    await store.setTicketCategory(t.ticketId, chosen.id);
    return chosen.id;
  }
  if (desk.settings.activeCategories().length === 0) return null;
  send(askCategory.make(userQueue(t.userId), { userId: t.userId, ticketId: t.ticketId }));
  const fallback = desk.settings.category(desk.settings.get('defaultCategoryId'));
  if (fallback && !fallback.archived) {
    const wait = desk.settings.get('categoryWaitMinutes') * 60_000;
    // Its own queue: waiting there holds up nothing else.
    send(defaultCategory.make(`category:${t.ticketId}`, { ticketId: t.ticketId, userId: t.userId }, { notBefore: new Date(desk.now().getTime() + wait) }));
  }
  return null;
}

export type PickOutcome = { outcome: 'set'; category: Category } | { outcome: 'unchanged'; category: Category } | { outcome: 'refused' };

/**
 * The user pressed a category button: on the question about a ticket
 * (`ticketId`), or on the greeting (`ticketId` 0: for the open ticket if
 * there is one, else for the next one).
 */
export function userPicksCategory(
  desk: Desk,
  p: { user: Person; ticketId: number; categoryId: number; questionMessageId?: number | undefined },
): Promise<PickOutcome> {
  const userId = p.user.id;
  return decide(desk, async (store, send) => {
    const category = desk.settings.category(p.categoryId);
    if (!category || category.archived) return { outcome: 'refused' } as const;
    // A banned user's choice would be ticket activity (a move, a rename): see domain/bans.ts.
    if ((await store.user(userId))?.bannedAt) return { outcome: 'refused' } as const;
    const latest = await store.latestTicket(userId);
    const open = latest && latest.status !== 'RESOLVED' ? latest : null;
    const ticketId = p.ticketId === 0 ? open?.id : p.ticketId;
    const ut = textsFor(languageOf(p.user.language_code));
    if (p.ticketId !== 0 && (!latest || latest.id !== p.ticketId || latest.status === 'RESOLVED')) {
      // A question about a ticket that is over: the choice would change nothing.
      return { outcome: 'refused' } as const;
    }
    // An old greeting's button does not override what the open ticket already has (a manager's choice, say).
    if (p.ticketId === 0 && open?.categoryId != null) {
      const has = desk.settings.category(open.categoryId);
      return has ? ({ outcome: 'unchanged', category: has } as const) : ({ outcome: 'refused' } as const);
    }
    if (p.questionMessageId) {
      // The question is answered: its buttons go, the choice stays visible.
      send(editMessage.make(userQueue(userId), { to: 'user', userId, messageId: p.questionMessageId, text: ut.categoryChosen(categoryLabel(category)) }));
    }
    if (ticketId === undefined) {
      // A user who only pressed /start has no row yet: the choice is the first thing we keep about them.
      await store.touchUser(p.user, desk.now(), false);
      await store.setChosenCategory(userId, category.id);
    } else {
      if (latest?.categoryId === category.id) return { outcome: 'unchanged', category } as const;
      await store.setTicketCategory(ticketId, category.id);
      send(noticeToTopic(userId, desk.managerTexts.categoryByUser(escapeHtml(categoryLabel(category)))));
      // Where the ticket lives first: the card and the name then go to the right topic.
      if (!(await followCategory(desk, store, send, userId, ticketId, category.id))) onCategoryChanged(send, userId, ticketId);
    }
    if (category.prompt) send(noticeToUser(userId, category.prompt));
    return { outcome: 'set', category } as const;
  });
}

/** A manager sets the category from the card. */
export function managerSetsCategory(desk: Desk, p: { manager: Person; userId: number; ticketId: number; categoryId: number }): Promise<PickOutcome> {
  return decide(desk, async (store, send) => {
    const category = desk.settings.category(p.categoryId);
    const ticket = await store.ticket(p.ticketId);
    if (!category || category.archived || !ticket || Number(ticket.userId) !== p.userId) return { outcome: 'refused' } as const;
    if (ticket.categoryId === category.id) return { outcome: 'unchanged', category } as const;
    await store.setTicketCategory(p.ticketId, category.id);
    send(noticeToTopic(p.userId, desk.managerTexts.categoryByManager(escapeHtml(categoryLabel(category)), escapeHtml(displayName(p.manager)))));
    if (!(await followCategory(desk, store, send, p.userId, p.ticketId, category.id))) onCategoryChanged(send, p.userId, p.ticketId);
    return { outcome: 'set', category } as const;
  });
}

/** The card and the topic's name show the category. */
export function onCategoryChanged(send: (job: NewJob) => void, userId: number, ticketId: number): void {
  const queue = topicQueue(userId);
  send(refreshCard.make(queue, { ticketId }, { coalesceKey: `card:${ticketId}` }));
  send(syncTopicName.make(queue, { userId }, { coalesceKey: `name:${userId}` }));
}

/** The user did not pick in time: the default applies, unless somebody chose meanwhile (a choice made at this very moment wins). */
export function applyDefaultCategory(desk: Desk, ticketId: number, userId: number): Promise<void> {
  return decide(desk, async (store, send) => {
    const fallback = desk.settings.category(desk.settings.get('defaultCategoryId'));
    if (!fallback || fallback.archived) return;
    // A ticket resolved meanwhile stays where it was resolved.
    const ticket = await store.ticket(ticketId);
    if (!ticket || ticket.status === 'RESOLVED') return;
    if (!(await store.setTicketCategoryIfNone(ticketId, fallback.id))) return;
    if (!(await followCategory(desk, store, send, userId, ticketId, fallback.id))) onCategoryChanged(send, userId, ticketId);
  });
}
