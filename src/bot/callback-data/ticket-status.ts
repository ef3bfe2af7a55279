// The card's status buttons: which ticket, and the status it asks for.
import { z } from 'zod';
import { allStatuses } from '../../domain/status.js';
import { createCallbackCodec, rowId } from './codec.js';

export const ticketStatusData = createCallbackCodec(
  'status',
  z.object({
    ticketId: rowId,
    status: z.enum(allStatuses),
  }),
);
