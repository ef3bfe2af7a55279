// The ticket card: the bot's first message for each ticket in a topic. It
// tells managers who the user is and carries the status buttons. Names are
// user input, so everything user-supplied is HTML-escaped.
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Texts } from '../i18n/index.js';
import { escapeHtml } from '../lib/html.js';
import { displayName, fullName } from './people.js';
import { allStatuses, type TicketStatus } from './status.js';

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
  topicLost?: boolean;
}

export function renderCard(t: Texts, c: CardInput): { html: string; keyboard: InlineKeyboardMarkup } {
  const u = c.user;
  const name = escapeHtml(fullName({ first_name: u.firstName, last_name: u.lastName }));
  const lines = [
    `👤 <a href="tg://user?id=${u.id}">${name}</a>${u.username ? ` @${escapeHtml(u.username)}` : ''}`,
    `🆔 <code>${u.id}</code> · ${t.card.language}: ${escapeHtml(u.languageCode ?? '—')}`,
    `🎫 <b>${t.card.ticket(c.ticketId)}</b> · ${t.card.earlierTickets(c.earlierTickets)}`,
    `${t.card.status}: <b>${t.statusName[c.status]}</b>`,
  ];
  if (c.lastChange?.actor) {
    const who = escapeHtml(displayName({ first_name: c.lastChange.actor.firstName, last_name: c.lastChange.actor.lastName, username: c.lastChange.actor.username }));
    lines.push(`<i>${t.card.changedBy(t.statusName[c.lastChange.to], who, formatTime(c.lastChange.at))}</i>`);
  }
  if (c.topicLost) lines.push('', t.card.topicLost);
  return { html: lines.join('\n'), keyboard: statusKeyboard(t, c.ticketId, c.status) };
}

/** Buttons for every status but the current one. */
export function statusKeyboard(t: Texts, ticketId: number, current: TicketStatus): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      allStatuses
        .filter((s) => s !== current)
        .map((s) => ({ text: t.button[s], callback_data: statusCallbackData(ticketId, s) })),
    ],
  };
}

const CALLBACK_PREFIX = 'status';

export function statusCallbackData(ticketId: number, status: TicketStatus): string {
  return `${CALLBACK_PREFIX}:${ticketId}:${status}`;
}

export function parseStatusCallback(data: string): { ticketId: number; status: TicketStatus } | undefined {
  const m = /^status:(\d+):(WAITING|IN_WORK|RESOLVED)$/.exec(data);
  if (!m) return undefined;
  return { ticketId: Number(m[1]), status: m[2] as TicketStatus };
}

/** UTC, so every manager reads the same time whatever the server's zone. */
function formatTime(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
