// Broadcasts' inline keyboards: the panel under the preview (audiences, the
// NPS question, confirm), the progress message's (pause, resume, cancel),
// /broadcasts' (cancel each), and the users' NPS question (0 to 10, in two
// rows that fit a phone).
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { type Audience, encodeAudience, LANGUAGES, RATING_MAX, RECENT_DAYS } from '../../domain/broadcasts.js';
import { categoryLabel } from '../../domain/categories.js';
import type { Category } from '../../domain/settings.js';
import type { Texts } from '../../i18n/index.js';
import { broadcastData, npsData } from '../callback-data/broadcasts.js';

type Action = Parameters<typeof broadcastData.pack>[0]['action'];

const button = (text: string, action: Action, broadcastId: number, arg = ''): InlineKeyboardButton => ({
  text,
  callback_data: broadcastData.pack({ action, broadcastId, arg }),
});

/** Categories on the panel: at most this many (the rest are reached by their users' other traits). */
const PANEL_CATEGORIES = 8;

export function draftKeyboard(
  t: Texts,
  b: { id: number; audience: string; nps: boolean; scheduled: boolean },
  count: number,
  categories: readonly Category[],
): InlineKeyboardMarkup {
  const w = t.broadcast.audienceButton;
  const choice = (text: string, a: Audience) => {
    const code = encodeAudience(a);
    return button(code === b.audience ? `• ${text}` : text, 'aud', b.id, code);
  };
  const rows: InlineKeyboardButton[][] = [
    [choice(w.all, { kind: 'all' }), choice(w.open, { kind: 'open' })],
    RECENT_DAYS.map((days) => choice(w.recent(days), { kind: 'recent', days })),
    LANGUAGES.map((language) => choice(w.language[language], { kind: 'language', language })),
    RATING_MAX.map((max) => choice(w.rating(max), { kind: 'rating', max })),
  ];
  const shown = categories.slice(0, PANEL_CATEGORIES).map((c) => choice(categoryLabel(c), { kind: 'category', categoryId: c.id }));
  for (let i = 0; i < shown.length; i += 2) rows.push(shown.slice(i, i + 2));
  const x = t.broadcast.button;
  rows.push([button(b.nps ? x.removeNps : x.addNps, 'nps', b.id)]);
  rows.push([button(b.scheduled ? x.schedule(count) : x.send(count), 'ok', b.id), button(x.cancel, 'no', b.id)]);
  return { inline_keyboard: rows };
}

export function scheduledKeyboard(t: Texts, broadcastId: number): InlineKeyboardMarkup {
  return { inline_keyboard: [[button(t.broadcast.button.cancel, 'no', broadcastId)]] };
}

export function progressKeyboard(t: Texts, broadcastId: number, paused: boolean): InlineKeyboardMarkup {
  const x = t.broadcast.button;
  return { inline_keyboard: [[paused ? button(x.resume, 'resume', broadcastId) : button(x.pause, 'pause', broadcastId), button(x.stop, 'stop', broadcastId)]] };
}

export function listKeyboard(t: Texts, broadcastIds: number[]): InlineKeyboardMarkup {
  return { inline_keyboard: broadcastIds.map((id) => [button(t.broadcast.button.cancelOne(id), 'drop', id)]) };
}

export function npsKeyboard(broadcastId: number): InlineKeyboardMarkup {
  const row = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => ({ text: String(from + i), callback_data: npsData.pack({ broadcastId, score: from + i }) }));
  return { inline_keyboard: [row(0, 5), row(6, 10)] };
}
