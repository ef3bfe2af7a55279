// Queries behind satisfaction surveys (CSAT): one Rating row per surveyed ticket.
import type { Queryable } from '../client.js';

export function ratingQueries(db: Queryable) {
  return {
    rating(ticketId: number) {
      return db.rating.findUnique({ where: { ticketId } });
    },

    /** The latest survey sent to a user since a time (at most one a day per user). */
    surveySince(userId: number, since: Date) {
      return db.rating.findFirst({ where: { userId: BigInt(userId), sentAt: { gte: since } }, select: { ticketId: true } });
    },

    /** The score is given once: only a survey not answered yet takes it (returns false otherwise). */
    async rate(ticketId: number, userId: number, score: number, now: Date): Promise<boolean> {
      const r = await db.rating.updateMany({ where: { ticketId, userId: BigInt(userId), score: null }, data: { score, ratedAt: now } });
      if (r.count !== 1) return false;
      await db.user.updateMany({ where: { id: BigInt(userId) }, data: { lastScore: score } });
      return true;
    },

    setRatingComment(ticketId: number, comment: string) {
      return db.rating.updateMany({ where: { ticketId }, data: { comment } });
    },

    /** The user's next message is the comment on this ticket's rating (null: none awaited). */
    awaitRatingComment(userId: number, ticketId: number | null) {
      return db.user.updateMany({ where: { id: BigInt(userId) }, data: { ratingCommentFor: ticketId } });
    },
  };
}
