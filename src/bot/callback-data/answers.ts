// Buttons of canned answers and auto-replies. `can`: a manager picks a
// canned answer in a user's topic (after /a with a partial name). `auto`:
// the user's verdict on an automatic answer about a ticket (1: it solved
// it, 0: they still need a person).
import { z } from 'zod';
import { createCallbackCodec, rowId } from './codec.js';

export const cannedPickData = createCallbackCodec('can', z.object({ answerId: rowId }));
export const autoReplyVerdictData = createCallbackCodec('auto', z.object({ ticketId: rowId, solved: z.enum(['0', '1']) }));
