// Queries of auto-close: when the managers last answered a ticket while its
// user stayed silent (Ticket.awaitingUserSince), and the sweep that resolves
// tickets silent for too long.
import type { Queryable } from '../client.js';
import { directSql } from '../direct-sql.js';

export function autoCloseQueries(db: Queryable) {
  return {
    /** The managers answered: the user's silence counts from now (until they write). */
    /** On every manager's reply: direct SQL (db/direct-sql.ts). */
    markAwaitingUser(ticketId: number, now: Date) {
      return directSql(db).execute(`UPDATE "Ticket" SET "awaitingUserSince" = ? WHERE "id" = ?`, [now, ticketId]);
    },

    /** The user wrote: nobody waits for them any more. */
    clearAwaitingUser(ticketId: number) {
      return db.ticket.updateMany({ where: { id: ticketId, awaitingUserSince: { not: null } }, data: { awaitingUserSince: null } });
    },

    /** 📝 tickets whose user has been silent since before `cutoff`, the longest silent first (on the index [status, awaitingUserSince]). */
    silentTickets(cutoff: Date, limit: number) {
      return db.ticket.findMany({
        where: { status: 'IN_WORK', awaitingUserSince: { lte: cutoff } },
        orderBy: { awaitingUserSince: 'asc' },
        take: limit,
        select: { id: true, userId: true },
      });
    },

    /**
     * Resolves a ticket found silent, recorded as auto-closed (no person, via
     * autoClose). Conditional on what made it due, so a ticket whose user
     * wrote or whose manager answered again meanwhile is left alone (false).
     * Call inside a transaction.
     */
    async autoCloseTicket(ticketId: number, cutoff: Date, now: Date): Promise<boolean> {
      const changed = await db.ticket.updateMany({
        where: { id: ticketId, status: 'IN_WORK', awaitingUserSince: { lte: cutoff } },
        data: { status: 'RESOLVED', resolvedAt: now },
      });
      if (changed.count === 0) return false;
      await db.statusChange.create({ data: { ticketId, from: 'IN_WORK', to: 'RESOLVED', actorId: null, at: now, via: 'autoClose' } });
      return true;
    },
  };
}
