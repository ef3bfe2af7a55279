// The models' columns as Prisma returns them, for the direct SQL of the hot
// path (db/direct-sql.ts): built from Prisma's own field lists, so a column
// added to the schema is never left out.
import { Prisma } from '../../generated/sqlite/client.js';
import { columnsOf } from '../direct-sql.js';

export const USER_COLUMNS = columnsOf(Prisma.UserScalarFieldEnum);
export const MANAGER_COLUMNS = columnsOf(Prisma.ManagerScalarFieldEnum);
export const TOPIC_COLUMNS = columnsOf(Prisma.TopicScalarFieldEnum);
export const TICKET_COLUMNS = columnsOf(Prisma.TicketScalarFieldEnum, ['status']);
export const RATING_COLUMNS = columnsOf(Prisma.RatingScalarFieldEnum);
export const MESSAGE_COLUMNS = columnsOf(Prisma.MessageScalarFieldEnum, ['direction', 'state']);
export const STATUS_CHANGE_COLUMNS = columnsOf(Prisma.StatusChangeScalarFieldEnum, ['from', 'to']);
/** For the topic joined with its latest ticket: the topic's columns, and the ticket's named `ticket.` + field. */
export const TOPIC_COLUMNS_OF_TOPIC = columnsOf(Prisma.TopicScalarFieldEnum, [], 'Topic');
export const TICKET_ALIAS = 'ticket.';
export const TICKET_COLUMNS_AS_JOINED = columnsOf(Prisma.TicketScalarFieldEnum, ['status'], 'Ticket', TICKET_ALIAS);
