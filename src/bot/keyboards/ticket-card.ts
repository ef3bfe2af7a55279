// The ticket card's buttons: every status but the current one.
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { TicketStatus } from '../../domain/status.js';
import { allStatuses } from '../../domain/status.js';
import type { Texts } from '../../i18n/index.js';
import { ticketStatusData } from '../callback-data/ticket-status.js';

export function ticketCardKeyboard(t: Texts, ticketId: number, current: TicketStatus): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      allStatuses.filter((s) => s !== current).map((status) => ({ text: t.button[status], callback_data: ticketStatusData.pack({ ticketId, status }) })),
    ],
  };
}
