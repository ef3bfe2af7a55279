// A satisfaction survey's buttons: 1 to 5, in one row (they fit on a phone).
import type { InlineKeyboardMarkup } from 'grammy/types';
import { ratingData } from '../callback-data/rating.js';

export function ratingKeyboard(ticketId: number): InlineKeyboardMarkup {
  return { inline_keyboard: [[1, 2, 3, 4, 5].map((score) => ({ text: `${score} ⭐`, callback_data: ratingData.pack({ ticketId, score }) }))] };
}
