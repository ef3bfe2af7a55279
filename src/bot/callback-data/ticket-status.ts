// The card's status buttons: which ticket, and the status it asks for.
import { z } from 'zod';
import { allStatuses } from '../../domain/status.js';
import { createCallbackCodec } from './codec.js';

export const ticketStatusData = createCallbackCodec(
  'status',
  z.object({
    ticketId: z.coerce
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1),
    status: z.enum(allStatuses),
  }),
);
