// Queries behind the queue board (domain/queue-board.ts): the open tickets
// it shows, and what it showed last.
import type { Queryable } from '../client.js';

const person = { select: { firstName: true, lastName: true, username: true } } as const;
const OPEN_PAGE = 500;

export function boardQueries(db: Queryable) {
  return {
    /**
     * Every ticket waiting or in work, with whose it is, where its topic is,
     * and its latest status change (for a waiting ticket: since when it waits).
     * Read a page at a time: Prisma loads each ticket's latest change with one
     * IN list of the page's ids, and on SQLite a list of more than 999 fails.
     */
    async openTickets() {
      const rows = [];
      for (let after = 0; ; ) {
        const page = await db.ticket.findMany({
          where: { status: { in: ['WAITING', 'IN_WORK'] }, id: { gt: after } },
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
          take: OPEN_PAGE,
        });
        rows.push(...page);
        if (page.length < OPEN_PAGE) return rows;
        after = page.at(-1)!.id;
      }
    },

    queueBoard(chatId: number) {
      return db.queueBoard.findUnique({ where: { chatId: BigInt(chatId) } });
    },
  };
}
