// The ticket card: the bot's first message for each ticket in a topic. It
// tells managers who the user is, the ticket and its status (the buttons are
// the bot layer's, see bot/keyboards/ticket-card.ts). Names are user input, so
// everything user-supplied is HTML-escaped.
import type { Texts } from '../i18n/index.js';
import { escapeHtml } from '../lib/html.js';
import { displayName, fullName } from './people.js';
import { banInfo, type BanInfo } from './bans.js';
import { categoryTag } from './categories.js';
import type { Desk } from './desk.js';
import { formatStamp } from './working-hours.js';
import type { TicketStatus } from './status.js';

export interface CardUser {
  id: bigint;
  firstName: string;
  lastName: string | null;
  username: string | null;
  languageCode: string | null;
}

export interface CardChange {
  to: TicketStatus;
  actor: { firstName: string; lastName: string | null; username: string | null } | null;
  at: Date;
}

export interface CardInput {
  ticketId: number;
  status: TicketStatus;
  user: CardUser;
  earlierTickets: number;
  lastChange: CardChange | null;
  /** "🧾 Billing", if the ticket has a category. */
  category: string | null;
  /** The group's time zone: times are shown in it, named, so every manager reads the same time whatever the server's zone. */
  timeZone: string;
  topicLost?: boolean;
  /** The user's satisfaction rating of the ticket, once given. */
  rating?: number | null;
  /** Who has the ticket (📝 Take, the first reply, /assign). */
  assignee?: string | null;
  /** Set while the user is banned: who, when, why. */
  ban?: BanInfo | null;
}

export function renderCard(t: Texts, c: CardInput): string {
  const u = c.user;
  const name = escapeHtml(fullName({ first_name: u.firstName, last_name: u.lastName }));
  const lines = [
    `👤 <a href="tg://user?id=${u.id}">${name}</a>${u.username ? ` @${escapeHtml(u.username)}` : ''}`,
    `🆔 <code>${u.id}</code> · ${t.card.language}: ${escapeHtml(u.languageCode ?? '—')}`,
    `🎫 <b>${t.card.ticket(c.ticketId)}</b> · ${t.card.earlierTickets(c.earlierTickets)}`,
    `${t.card.status}: <b>${t.statusName[c.status]}</b>`,
  ];
  if (c.category) lines.push(`${t.card.category}: ${escapeHtml(c.category)}`);
  if (c.rating) lines.push(t.rating.card(c.rating));
  if (c.assignee && c.status !== 'RESOLVED') lines.push(t.assign.card(escapeHtml(c.assignee)));
  if (c.lastChange?.actor) {
    const who = escapeHtml(
      displayName({ first_name: c.lastChange.actor.firstName, last_name: c.lastChange.actor.lastName, username: c.lastChange.actor.username }),
    );
    lines.push(`<i>${t.card.changedBy(t.statusName[c.lastChange.to], who, `${formatStamp(c.lastChange.at, c.timeZone)} ${c.timeZone}`)}</i>`);
  }
  if (c.ban) {
    const at = `${formatStamp(c.ban.at, c.timeZone)} ${c.timeZone}`;
    lines.push(t.ban.card(escapeHtml(c.ban.by), at, c.ban.reason === null ? null : escapeHtml(c.ban.reason)));
  }
  if (c.topicLost) lines.push('', t.card.topicLost);
  return lines.join('\n');
}

/** Reads what the card of a ticket shows now. */
export async function cardInput(desk: Pick<Desk, 'store' | 'settings'>, ticketId: number, opts: { topicLost?: boolean } = {}): Promise<CardInput> {
  const ticket = await desk.store.ticket(ticketId);
  if (!ticket) throw new Error(`ticket ${ticketId} vanished`);
  const [earlier, last] = await Promise.all([desk.store.countTicketsBefore(Number(ticket.userId), ticketId), desk.store.lastStatusChange(ticketId)]);
  // Who banned is read only for a banned user: most cards are not.
  const banned = ticket.user.bannedAt ? await desk.store.userWithBan(Number(ticket.userId)) : null;
  return {
    ticketId,
    // From the same row as «changed by»: read apart, the ticket and its last
    // change can straddle a commit (PostgreSQL gives each statement its own
    // snapshot), and the card would say «📝» beside «🏁 resolved by Mary».
    status: last?.to ?? ticket.status,
    user: ticket.user,
    earlierTickets: earlier,
    lastChange: last ? { to: last.to, actor: last.actor, at: last.at } : null,
    category: categoryTag(desk, ticket.categoryId) ?? null,
    rating: ticket.rating?.score ?? null,
    assignee: ticket.assignee ? fullName({ first_name: ticket.assignee.firstName, last_name: ticket.assignee.lastName }) : null,
    timeZone: desk.settings.get('timeZone'),
    ban: banned ? banInfo(banned) : null,
    ...(opts.topicLost ? { topicLost: true } : {}),
  };
}
