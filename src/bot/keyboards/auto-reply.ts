// The user's two buttons under an automatic answer: it solved it, or they
// still need a person.
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Texts } from '../../i18n/index.js';
import { autoReplyVerdictData } from '../callback-data/answers.js';

export function autoReplyVerdictKeyboard(t: Texts, ticketId: number): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      [{ text: t.answers.solvedButton, callback_data: autoReplyVerdictData.pack({ ticketId, solved: '1' }) }],
      [{ text: t.answers.needPersonButton, callback_data: autoReplyVerdictData.pack({ ticketId, solved: '0' }) }],
    ],
  };
}
