// Queries about tickets and their status history.
import type { Queryable } from '../client.js';
import type { Manager, Rating, StatusChange, Ticket, Topic, User } from '../../generated/sqlite/client.js';
import { directSql } from '../direct-sql.js';
import { MANAGER_COLUMNS, RATING_COLUMNS, STATUS_CHANGE_COLUMNS, TICKET_COLUMNS, TOPIC_COLUMNS, USER_COLUMNS } from './columns.js';

export type TicketWithPeople = Ticket & { user: User; topic: Topic; assignee: Manager | null; rating: Rating | null };
import type { TicketStatus } from '../../domain/status.js';

export function ticketQueries(db: Queryable) {
  return {
    /** On every manager's reply: direct SQL (db/direct-sql.ts). */
    async latestTicket(userId: number): Promise<Ticket | null> {
      const [ticket] = await directSql(db).query<Ticket>(`SELECT ${TICKET_COLUMNS} FROM "Ticket" WHERE "userId" = ? ORDER BY "id" DESC LIMIT 1`, [
        BigInt(userId),
      ]);
      return ticket ?? null;
    },

    /** A ticket with its user, topic, assignee and rating: every card reads it (direct SQL, db/direct-sql.ts). */
    async ticket(ticketId: number): Promise<TicketWithPeople | null> {
      const sql = directSql(db);
      const [ticket] = await sql.query<Ticket>(`SELECT ${TICKET_COLUMNS} FROM "Ticket" WHERE "id" = ?`, [ticketId]);
      if (!ticket) return null;
      // One after another: inside a PostgreSQL transaction they share one connection, which takes one query at a time.
      const users = await sql.query<User>(`SELECT ${USER_COLUMNS} FROM "User" WHERE "id" = ?`, [ticket.userId]);
      const topics = await sql.query<Topic>(`SELECT ${TOPIC_COLUMNS} FROM "Topic" WHERE "id" = ?`, [ticket.topicId]);
      const assignees =
        ticket.assigneeId === null ? [] : await sql.query<Manager>(`SELECT ${MANAGER_COLUMNS} FROM "Manager" WHERE "id" = ?`, [ticket.assigneeId]);
      const ratings = await sql.query<Rating>(`SELECT ${RATING_COLUMNS} FROM "Rating" WHERE "ticketId" = ?`, [ticketId]);
      return { ...ticket, user: users[0]!, topic: topics[0]!, assignee: assignees[0] ?? null, rating: ratings[0] ?? null };
    },

    /** How many tickets the user had before this one (every card: direct SQL). */
    async countTicketsBefore(userId: number, ticketId: number): Promise<number> {
      const [row] = await directSql(db).query<{ n: number | bigint }>(`SELECT COUNT(*) AS "n" FROM "Ticket" WHERE "userId" = ? AND "id" < ?`, [
        BigInt(userId),
        ticketId,
      ]);
      return Number(row?.n ?? 0);
    },

    /** A new ticket, waiting, with the first entry of its status history (every new ticket: direct SQL). */
    async openTicket(userId: number, topicId: number, now: Date): Promise<Ticket> {
      const sql = directSql(db);
      const [ticket] = await sql.query<Ticket>(
        `INSERT INTO "Ticket" ("userId", "topicId", "status", "openedAt") VALUES (?, ?, ?, ?) RETURNING ${TICKET_COLUMNS}`,
        [BigInt(userId), topicId, 'WAITING', now],
      );
      await sql.execute(`INSERT INTO "StatusChange" ("ticketId", "from", "to", "actorId", "at", "via") VALUES (?, NULL, ?, NULL, ?, NULL)`, [
        ticket!.id,
        'WAITING',
        now,
      ]);
      return ticket!;
    },

    /** The ticket now lives in another topic (its category's group): its card there is yet to be posted. */
    moveTicket(ticketId: number, topicId: number) {
      return db.ticket.update({ where: { id: ticketId }, data: { topicId, cardMessageId: null } });
    },

    /** The last delivered messages of a ticket, oldest first (what a new topic is shown when the ticket moves). */
    async lastMessagesOfTicket(ticketId: number, count: number) {
      const rows = await db.message.findMany({ where: { ticketId, state: 'DELIVERED' }, orderBy: { id: 'desc' }, take: count });
      return rows.reverse();
    },

    /** Every new ticket's card (direct SQL); with `inTopic`, only while the ticket is still in that topic. */
    async setCardMessage(ticketId: number, cardMessageId: number, inTopic?: number): Promise<void> {
      await directSql(db).execute(
        `UPDATE "Ticket" SET "cardMessageId" = ? WHERE "id" = ?${inTopic === undefined ? '' : ' AND "topicId" = ?'}`,
        inTopic === undefined ? [cardMessageId, ticketId] : [cardMessageId, ticketId, inTopic],
      );
    },

    /**
     * Moves a ticket from `from` to `to` and records who did it. Conditional
     * on the current status, so a stale decision changes nothing (returns
     * false). Call inside a transaction.
     */
    async changeStatus(
      ticketId: number,
      from: TicketStatus,
      to: TicketStatus,
      actorId: number | null,
      now: Date,
      /** How, when no person did it directly: autoReply. */
      via?: string,
    ): Promise<boolean> {
      // Every first answer and every user's message to a ticket in work: direct SQL (db/direct-sql.ts).
      const actor = actorId === null ? null : BigInt(actorId);
      const sets = ['"status" = ?'];
      const args: unknown[] = [to];
      if (to === 'RESOLVED') {
        sets.push('"resolvedAt" = ?');
        args.push(now);
      } else if (from === 'RESOLVED') sets.push('"resolvedAt" = NULL');
      // "Who took it": the manager who last moved it into work.
      if (to === 'IN_WORK' && actor !== null) {
        sets.push('"assigneeId" = ?');
        args.push(actor);
      }
      const sql = directSql(db);
      const changed = await sql.execute(`UPDATE "Ticket" SET ${sets.join(', ')} WHERE "id" = ? AND "status" = ?`, [...args, ticketId, from]);
      if (changed === 0) return false;
      await sql.execute(`INSERT INTO "StatusChange" ("ticketId", "from", "to", "actorId", "at", "via") VALUES (?, ?, ?, ?, ?, ?)`, [
        ticketId,
        from,
        to,
        actor,
        now,
        via ?? null,
      ]);
      return true;
    },

    /** The first manager answer on a ticket: first-response time and, if nobody took it yet, the assignee. */
    /** The first answer's time and its manager as the assignee, each unless set already (every reply: direct SQL). */
    async markFirstResponse(ticketId: number, managerId: number, now: Date) {
      await directSql(db).execute(
        `UPDATE "Ticket" SET "firstResponseAt" = COALESCE("firstResponseAt", ?), "assigneeId" = COALESCE("assigneeId", ?) WHERE "id" = ?`,
        [now, BigInt(managerId), ticketId],
      );
    },

    /** Hands a ticket to a manager (/assign). */
    setAssignee(ticketId: number, managerId: number) {
      return db.ticket.updateMany({ where: { id: ticketId }, data: { assigneeId: BigInt(managerId) } });
    },

    manager(managerId: number) {
      return db.manager.findUnique({ where: { id: BigInt(managerId) } });
    },

    /** Managers who answered users lately, the latest first: whom a ticket is usually handed to. */
    async recentManagers(since: Date, count: number) {
      const rows = await db.message.groupBy({
        by: ['managerId'],
        where: { direction: 'OUTBOUND', managerId: { not: null }, sentAt: { gte: since } },
        _max: { sentAt: true },
        orderBy: { _max: { sentAt: 'desc' } },
        take: count,
      });
      const ids = rows.flatMap((r) => (r.managerId === null ? [] : [r.managerId]));
      const managers = await db.manager.findMany({ where: { id: { in: ids } } });
      return ids.flatMap((id) => managers.filter((m) => m.id === id));
    },

    /** The ticket's latest status change and who made it (every card: direct SQL, db/direct-sql.ts). */
    async lastStatusChange(ticketId: number): Promise<(StatusChange & { actor: Manager | null }) | null> {
      const sql = directSql(db);
      const [change] = await sql.query<StatusChange>(`SELECT ${STATUS_CHANGE_COLUMNS} FROM "StatusChange" WHERE "ticketId" = ? ORDER BY "id" DESC LIMIT 1`, [
        ticketId,
      ]);
      if (!change) return null;
      const [actor] = change.actorId === null ? [] : await sql.query<Manager>(`SELECT ${MANAGER_COLUMNS} FROM "Manager" WHERE "id" = ?`, [change.actorId]);
      return { ...change, actor: actor ?? null };
    },
  };
}
