// Queries behind the queue board (domain/queue-board.ts): the open tickets
// it shows, and what it showed last.
import type { Queryable } from '../client.js';

const person = { select: { firstName: true, lastName: true, username: true } } as const;

export function boardQueries(db: Queryable) {
  return {
    /**
     * Every ticket waiting or in work, with whose it is, where its topic is,
     * and its latest status change (for a waiting ticket: since when it waits).
     */
    openTickets() {
      return db.ticket.findMany({
        where: { status: { in: ['WAITING', 'IN_WORK'] } },
        select: {
          id: true,
          status: true,
          openedAt: true,
          assigneeId: true,
          user: person,
          assignee: person,
          topic: { select: { chatId: true, threadId: true } },
          statusChanges: { orderBy: { id: 'desc' }, take: 1, select: { at: true } },
        },
        orderBy: { id: 'asc' },
      });
    },

    queueBoard(chatId: number) {
      return db.queueBoard.findUnique({ where: { chatId: BigInt(chatId) } });
    },
  };
}
