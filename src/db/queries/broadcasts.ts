// Queries behind broadcasts (domain/broadcasts.ts): the broadcast itself, its
// recipients (one row per broadcast and user, with a state), who an audience
// is, and the NPS answers.
import { Prisma } from '../../generated/sqlite/client.js';
import type { Queryable } from '../client.js';

export type BroadcastStateName = 'DRAFT' | 'SCHEDULED' | 'RUNNING' | 'PAUSED' | 'DONE' | 'CANCELLED';
export type RecipientStateName = 'PENDING' | 'SENDING' | 'SENT' | 'BLOCKED' | 'FAILED' | 'SKIPPED';

/** Users a broadcast may go to at all: never the banned, nor those known to have blocked the bot. */
export const reachable: Prisma.UserWhereInput = { bannedAt: null, blocked: false };

/**
 * Recipients are written this many at a time, two parameters each (under
 * SQLite's 32,766 and PostgreSQL's 65,535 parameters a statement).
 */
const CHUNK = 5_000;

export function broadcastQueries(db: Queryable) {
  return {
    createBroadcast(data: Prisma.BroadcastUncheckedCreateInput) {
      return db.broadcast.create({ data });
    },

    broadcast(id: number) {
      return db.broadcast.findUnique({ where: { id } });
    },

    /** Moves a broadcast from one of `from` to `to` (with `data`); false when it was in none of them (someone else moved it first). */
    async moveBroadcast(id: number, from: BroadcastStateName[], to: BroadcastStateName, data: Prisma.BroadcastUpdateManyMutationInput = {}): Promise<boolean> {
      const r = await db.broadcast.updateMany({ where: { id, state: { in: from } }, data: { ...data, state: to } });
      return r.count === 1;
    },

    countAudience(where: Prisma.UserWhereInput) {
      return db.user.count({ where: { AND: [reachable, where] } });
    },

    /**
     * Writes a recipient row for every user of the audience; returns how many.
     * Plain multi-row INSERTs, not createMany: it runs inside the decision's
     * transaction (on SQLite, while the relay waits for its turn to write),
     * and createMany builds each row through the query compiler, about 90 µs
     * a row: 100,000 recipients took 9 s, these statements well under one.
     */
    async addRecipients(broadcastId: number, where: Prisma.UserWhereInput): Promise<number> {
      const users = await db.user.findMany({ where: { AND: [reachable, where] }, select: { id: true }, orderBy: { id: 'asc' } });
      for (let i = 0; i < users.length; i += CHUNK) {
        const rows = users.slice(i, i + CHUNK).map((u) => Prisma.sql`(${broadcastId}, ${u.id})`);
        await db.$executeRaw`INSERT INTO "BroadcastRecipient" ("broadcastId", "userId") VALUES ${Prisma.join(rows)}`;
      }
      return users.length;
    },

    /** Recipients by state, for the progress message. */
    async recipientCounts(broadcastId: number): Promise<Record<RecipientStateName, number>> {
      const counts: Record<RecipientStateName, number> = { PENDING: 0, SENDING: 0, SENT: 0, BLOCKED: 0, FAILED: 0, SKIPPED: 0 };
      const rows = await db.broadcastRecipient.groupBy({ by: ['state'], where: { broadcastId }, _count: { _all: true } });
      for (const r of rows) counts[r.state] = r._count._all;
      return counts;
    },

    /** How many were tried since a time (the rate). */
    triedSince(broadcastId: number, since: Date) {
      return db.broadcastRecipient.count({ where: { broadcastId, sentAt: { gte: since } } });
    },

    /** The recipient whose copy of a broadcast (or its NPS question) is this message in the user's chat. */
    recipientByMessage(userId: number, messageId: number) {
      return db.broadcastRecipient.findFirst({
        where: { userId: BigInt(userId), OR: [{ messageId }, { questionMessageId: messageId }] },
        include: { broadcast: { select: { id: true, excerpt: true } } },
      });
    },

    recipient(broadcastId: number, userId: number) {
      return db.broadcastRecipient.findUnique({ where: { broadcastId_userId: { broadcastId, userId: BigInt(userId) } } });
    },

    npsAnswer(broadcastId: number, userId: number) {
      return db.npsAnswer.findUnique({ where: { broadcastId_userId: { broadcastId, userId: BigInt(userId) } } });
    },

    addNpsAnswer(broadcastId: number, userId: number, score: number, at: Date) {
      return db.npsAnswer.create({ data: { broadcastId, userId: BigInt(userId), score, answeredAt: at } });
    },

    /** Scores answered in a period (the scoreboard) or to one broadcast. */
    npsScores(where: { answeredAt?: { gte: Date; lt: Date }; broadcastId?: number | { in: number[] } }) {
      return db.npsAnswer.findMany({ where, select: { broadcastId: true, score: true } });
    },

    /** Broadcasts scheduled or under way, then the latest finished ones (/broadcasts). */
    async broadcastList(recent: number) {
      const [active, finished] = await Promise.all([
        db.broadcast.findMany({ where: { state: { in: ['SCHEDULED', 'RUNNING', 'PAUSED'] } }, orderBy: { id: 'asc' } }),
        db.broadcast.findMany({ where: { state: { in: ['DONE', 'CANCELLED'] }, startedAt: { not: null } }, orderBy: { id: 'desc' }, take: recent }),
      ]);
      return { active, finished };
    },
  };
}
