// The five buttons of a satisfaction survey: the ticket and the score (1-5).
import { z } from 'zod';
import { createCallbackCodec, rowId } from './codec.js';

export const ratingData = createCallbackCodec(
  'rate',
  z.object({
    ticketId: rowId,
    score: z.coerce.number().int().min(1).max(5),
  }),
);
