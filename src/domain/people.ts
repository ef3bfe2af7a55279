// How people are named in topic names and cards.
import { statusEmoji, type TicketStatus } from './status.js';

export interface Person {
  id: number;
  first_name: string;
  last_name?: string | undefined;
  username?: string | undefined;
  language_code?: string | undefined;
}

/** Telegram's limit for a forum topic's name. */
export const TOPIC_NAME_LIMIT = 128;

export function fullName(p: { first_name: string; last_name?: string | undefined | null }): string {
  return [p.first_name, p.last_name].filter(Boolean).join(' ').trim() || '—';
}

export function displayName(p: { first_name: string; last_name?: string | undefined | null; username?: string | undefined | null }): string {
  return p.username ? `${fullName(p)} @${p.username}` : fullName(p);
}

/**
 * "❗️ Anna Smith @anna", or with the ticket's category as a tag after the
 * status, "❗️ [🧾 Billing] Anna Smith @anna". Whitespace is collapsed
 * (Telegram does that too, so the stored name matches what Telegram shows)
 * and the whole is cut to 128 characters without splitting a surrogate pair;
 * the user's name is what gets shortened, never the status or the tag.
 */
export function topicName(status: TicketStatus, p: Parameters<typeof displayName>[0], tag?: string): string {
  const clean = (s: string) => s.replace(/\s+/g, ' ').trim();
  const prefix = `${statusEmoji[status]} ${tag ? `[${cutToUtf16(clean(tag), 40)}] ` : ''}`;
  const name = clean(prefix + displayName(p));
  return name.length <= TOPIC_NAME_LIMIT ? name : cutToUtf16(name, TOPIC_NAME_LIMIT);
}

function cutToUtf16(text: string, limit: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > limit) break;
    out += ch;
  }
  return out.trimEnd();
}
