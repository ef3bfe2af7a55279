// The list /assign offers: a press hands the ticket to that manager (their
// Telegram id; checked against the managers the desk knows, whatever the
// data says).
import { z } from 'zod';
import { createCallbackCodec, rowId } from './codec.js';

/** The card's «👤 Assign»: the list for this ticket. */
export const assignListData = createCallbackCodec(
  'asgl',
  z.object({
    ticketId: rowId,
  }),
);

export const assignData = createCallbackCodec('asg', z.object({ managerId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }));
