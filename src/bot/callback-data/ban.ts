// The card's ban button: which ticket's card was pressed (it must be of the
// topic the press came from) and what it asks for. The ban is the user's, not
// the ticket's; the ticket only proves the card belongs to this topic.
import { z } from 'zod';
import { createCallbackCodec, rowId } from './codec.js';

export const banData = createCallbackCodec(
  'ban',
  z.object({
    ticketId: rowId,
    action: z.enum(['ban', 'unban']),
  }),
);
