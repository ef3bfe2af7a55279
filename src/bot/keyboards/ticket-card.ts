// The ticket card's buttons: every status but the current one, the
// category when there are categories to choose from, «assign» while the
// ticket is open, and ban or unban.
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { TicketStatus } from '../../domain/status.js';
import { allStatuses } from '../../domain/status.js';
import type { Texts } from '../../i18n/index.js';
import { assignListData } from '../callback-data/assign.js';
import { banData } from '../callback-data/ban.js';
import { ticketCategoryData } from '../callback-data/categories.js';
import { ticketStatusData } from '../callback-data/ticket-status.js';

export function ticketCardKeyboard(t: Texts, ticketId: number, current: TicketStatus, withCategory: boolean, banned = false): InlineKeyboardMarkup {
  const statuses = allStatuses
    .filter((s) => s !== current)
    .map((status) => ({ text: t.button[status], callback_data: ticketStatusData.pack({ ticketId, status }) }));
  // When the admins defined categories, a manager can set or change the ticket's.
  const category = withCategory ? [[{ text: t.categoryButton, callback_data: ticketCategoryData.pack({ ticketId, categoryId: 0 }) }]] : [];
  const ban = banned
    ? { text: t.ban.unbanButton, callback_data: banData.pack({ ticketId, action: 'unban' }) }
    : { text: t.ban.button, callback_data: banData.pack({ ticketId, action: 'ban' }) };
  // Handing an open ticket to a colleague: the list of those who answered lately.
  const assign = current === 'RESOLVED' ? [] : [{ text: t.assign.button, callback_data: assignListData.pack({ ticketId }) }];
  return { inline_keyboard: [statuses, ...category, [...assign, ban]] };
}
