// Category buttons, two to a row so that names stay readable on a phone.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { categoryLabel } from '../../domain/categories.js';
import type { Category } from '../../domain/settings.js';
import { ticketCategoryData, userPickData } from '../callback-data/categories.js';

function rows(buttons: InlineKeyboardButton[]): InlineKeyboardButton[][] {
  const out: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) out.push(buttons.slice(i, i + 2));
  return out;
}

/** For the user: on the greeting (ticketId 0) or on the question about a new ticket. */
export function userCategoryKeyboard(categories: Category[], ticketId: number): InlineKeyboardMarkup {
  return { inline_keyboard: rows(categories.map((c) => ({ text: categoryLabel(c), callback_data: userPickData.pack({ ticketId, categoryId: c.id }) }))) };
}

/** For managers, under "choose a category" in the topic. */
export function ticketCategoryKeyboard(categories: Category[], ticketId: number, current: number | null): InlineKeyboardMarkup {
  return {
    inline_keyboard: rows(
      categories.map((c) => ({
        text: `${c.id === current ? '✅ ' : ''}${categoryLabel(c)}`,
        callback_data: ticketCategoryData.pack({ ticketId, categoryId: c.id }),
      })),
    ),
  };
}
