// Banning a user: any manager decides that the desk no longer takes the
// user's messages as requests (spam, abuse). Nothing is hidden from the
// managers: a banned user's messages are still stored and copied to their
// topic, marked, but they open no ticket, change no status and get none of
// the bot's ticket messages (greeting, category question, off-hours notice).
// The user is told once per ban, and that is remembered in the database
// (User.banNoticeAt), so neither a burst nor a restart repeats it. Who
// banned, when and why is on the user's row; the topic gets a line at ban
// and unban time, and the card shows the ban while it lasts.
import type { NewJob } from '../delivery/outbox.js';
import type { Store } from '../db/queries/index.js';
import { noticeToTopic, noticeToUser } from '../delivery/jobs/notice.js';
import { openTopic } from '../delivery/jobs/open-topic.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import { languageOf, textsFor } from '../i18n/index.js';
import { escapeHtml } from '../lib/html.js';
import { decide, topicQueue, type Desk } from './desk.js';
import { copyIntoTopic, type FloodPace } from './flood.js';
import { displayName, type Person } from './people.js';
import type { Actor } from './settings-changes.js';
import { inboundRow, type IncomingUserMessage } from './user-to-topic.js';

/** A reason is for the card and a line in the topic: a sentence, not an essay. */
export const BAN_REASON_LIMIT = 200;

/** Where the manager acted: the topic line answers their command there. */
export interface BanSpot {
  /** The group the manager acted in; the user's current topic when not given (the /settings panel). */
  chatId?: number | undefined;
  replyTo?: number | undefined;
}

export interface BanInfo {
  by: string;
  at: Date;
  reason: string | null;
}

export type BanResult = { outcome: 'banned' } | { outcome: 'already'; ban: BanInfo } | { outcome: 'unknown-user' };
export type UnbanResult = { outcome: 'unbanned' } | { outcome: 'not-banned' } | { outcome: 'unknown-user' };

type BanRow = { bannedAt: Date | null; banReason: string | null; bannedBy: { firstName: string; lastName: string | null; username: string | null } | null };

/** Who banned (a name), when and why, for a banned user's row. */
export function banInfo(u: BanRow): BanInfo | null {
  if (!u.bannedAt) return null;
  const by = u.bannedBy ? displayName({ first_name: u.bannedBy.firstName, last_name: u.bannedBy.lastName, username: u.bannedBy.username }) : '—';
  return { by, at: u.bannedAt, reason: u.banReason };
}

/** Cuts a reason to BAN_REASON_LIMIT characters, never inside a surrogate pair; blank is no reason. */
export function cleanReason(text: string | undefined): string | null {
  const clean = (text ?? '').replace(/\s+/g, ' ').trim();
  if (!clean) return null;
  const chars = [...clean];
  return chars.length <= BAN_REASON_LIMIT ? clean : `${chars.slice(0, BAN_REASON_LIMIT - 1).join('')}…`;
}

export function banUser(desk: Desk, p: { userId: number; manager: Person; reason: string | null; at: BanSpot }): Promise<BanResult> {
  return decide(desk, async (store, send) => {
    const user = await store.userWithBan(p.userId);
    if (!user) return { outcome: 'unknown-user' } as const;
    const already = banInfo(user);
    if (already) return { outcome: 'already', ban: already } as const;
    const now = desk.now();
    await store.touchManager(p.manager, now);
    // Conditional: of two managers banning at once, one bans and the other hears "already".
    if (!(await store.banUser(p.userId, p.manager.id, p.reason, now))) {
      const row = await store.userWithBan(p.userId);
      const ban = row && banInfo(row);
      return ban ? ({ outcome: 'already', ban } as const) : ({ outcome: 'unknown-user' } as const);
    }
    const t = desk.managerTexts.ban;
    send(noticeToTopic(p.userId, t.banned(escapeHtml(displayName(p.manager)), p.reason === null ? null : escapeHtml(p.reason)), p.at.replyTo, p.at.chatId));
    await refreshLatestCard(store, send, p.userId);
    return { outcome: 'banned' } as const;
  });
}

/** `logged`: an unban from the /settings panel goes in its change log too, like every change made there. */
export function unbanUser(desk: Desk, p: { userId: number; manager: Person; at: BanSpot; logged?: { actor: Actor; summary: string } }): Promise<UnbanResult> {
  return decide(desk, async (store, send) => {
    const user = await store.user(p.userId);
    if (!user) return { outcome: 'unknown-user' } as const;
    if (!(await store.unbanUser(p.userId))) return { outcome: 'not-banned' } as const;
    const now = desk.now();
    await store.touchManager(p.manager, now);
    if (p.logged) await store.logChange(p.logged.summary, p.logged.actor, now);
    send(noticeToTopic(p.userId, desk.managerTexts.ban.unbanned(escapeHtml(displayName(p.manager))), p.at.replyTo, p.at.chatId));
    await refreshLatestCard(store, send, p.userId);
    return { outcome: 'unbanned' } as const;
  });
}

/** The card managers look at is the latest ticket's; older cards keep their buttons, and a press there is answered from the state. */
async function refreshLatestCard(store: Store, send: (job: NewJob) => void, userId: number): Promise<void> {
  const ticket = await store.latestTicket(userId);
  if (ticket) send(refreshCard.make(topicQueue(userId), { ticketId: ticket.id }, { coalesceKey: `card:${ticket.id}` }));
}

/**
 * A banned user wrote: part of relayUserMessage's decision, after the user's
 * row was touched. The message is recorded without a ticket and copied to the
 * user's current topic as it is (a closed topic stays closed: the bot may post
 * there). The first message of a ban gets the user their one notice; a mark
 * follows the first of each run of the user's messages in the topic (the
 * first of the ban, or the first after anything else was written there), so
 * a burst costs one line, not one per message.
 */
export async function relayFromBanned(
  desk: Desk,
  store: Store,
  send: (job: NewJob) => void,
  user: { blocked: boolean; languageCode: string | null },
  msg: IncomingUserMessage,
  pace: FloodPace,
): Promise<{ outcome: 'banned'; messageId: number }> {
  const userId = msg.from.id;
  const queue = topicQueue(userId);
  const now = desk.now();
  if (!(await store.topicOfUser(userId))) {
    // Only to show the message: a user banned from their topic always has one, unless the row was removed by hand.
    await store.createTopic(userId, desk.supportChatId);
    send(openTopic.make(queue, { userId }));
  }
  // A user who writes has evidently unblocked the bot.
  if (user.blocked && (await store.setUserBlocked(userId, false))) send(noticeToTopic(userId, desk.managerTexts.userIsBack));
  const previous = await store.lastMessageOf(userId);
  // Stored like anyone's message (the transcript too), only without a ticket.
  const message = await store.addMessage(inboundRow(msg, null));
  // A banned user's flood is slowed like anyone's.
  for (const job of copyIntoTopic(desk, { userId, messageRowId: message.id, mediaGroupId: msg.mediaGroupId, now, pace })) send(job);
  const firstOfBan = await store.markBanNotice(userId, now);
  if (firstOfBan) send(noticeToUser(userId, textsFor(languageOf(user.languageCode)).ban.toUser));
  // Only a banned user's messages have no ticket.
  const inARow = previous?.direction === 'INBOUND' && previous.ticketId === null;
  if (firstOfBan || !inARow) send(noticeToTopic(userId, desk.managerTexts.ban.marker));
  return { outcome: 'banned', messageId: message.id };
}

/** A banned user sent /start: no greeting, only their one notice if they have not had it. */
export function answerBannedStart(desk: Desk, userId: number, languageCode: string | null | undefined): Promise<void> {
  return decide(desk, async (store, send) => {
    if (await store.markBanNotice(userId, desk.now())) send(noticeToUser(userId, textsFor(languageOf(languageCode)).ban.toUser));
  });
}
