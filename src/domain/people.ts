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
 * "❗️ Anna Smith @anna", with whitespace collapsed (Telegram does that too, so
 * the stored name matches what Telegram shows) and cut to 128 characters
 * without splitting a surrogate pair.
 */
export function topicName(status: TicketStatus, p: Parameters<typeof displayName>[0]): string {
  const name = `${statusEmoji[status]} ${displayName(p)}`.replace(/\s+/g, ' ').trim();
  return Array.from(name).length <= TOPIC_NAME_LIMIT && name.length <= TOPIC_NAME_LIMIT ? name : cutToUtf16(name, TOPIC_NAME_LIMIT);
}

function cutToUtf16(text: string, limit: number): string {
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > limit) break;
    out += ch;
  }
  return out.trimEnd();
}
