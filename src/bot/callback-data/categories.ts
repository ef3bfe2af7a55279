// Category buttons. `pick`: a user's choice, on the question about a ticket
// or on the greeting (ticket 0). `tcat`: a manager's, from the card (category
// 0 asks for the list).
import { z } from 'zod';
import { createCallbackCodec, idOrZero } from './codec.js';

// 0 stands for «none» here (the greeting's ticket, «show the list»).
const id = idOrZero;

export const userPickData = createCallbackCodec('pick', z.object({ ticketId: id, categoryId: id.min(1) }));
export const ticketCategoryData = createCallbackCodec('tcat', z.object({ ticketId: id.min(1), categoryId: id }));
