// Queries about people: the users who write to support and the managers who
// answer them. Plain functions over a Prisma client or transaction.
import type { Queryable } from '../client.js';
import type { Person } from '../../domain/people.js';

const personFields = (p: Person) => ({
  firstName: p.first_name,
  lastName: p.last_name ?? null,
  username: p.username ?? null,
});

export function peopleQueries(db: Queryable) {
  return {
    /** Creates or refreshes the user; counts one more message when asked. */
    touchUser(p: Person, now: Date, countMessage: boolean) {
      const fields = { ...personFields(p), languageCode: p.language_code ?? null, lastSeenAt: now };
      return db.user.upsert({
        where: { id: BigInt(p.id) },
        create: { id: BigInt(p.id), ...fields, firstSeenAt: now, messageCount: countMessage ? 1 : 0 },
        update: { ...fields, ...(countMessage ? { messageCount: { increment: 1 } } : {}) },
      });
    },

    user(userId: number) {
      return db.user.findUnique({ where: { id: BigInt(userId) } });
    },

    /** Returns true when the flag actually changed. */
    async setUserBlocked(userId: number, blocked: boolean): Promise<boolean> {
      const r = await db.user.updateMany({ where: { id: BigInt(userId), blocked: !blocked }, data: { blocked } });
      return r.count > 0;
    },

    touchManager(p: Person, now: Date) {
      const fields = { ...personFields(p), lastSeenAt: now };
      return db.manager.upsert({
        where: { id: BigInt(p.id) },
        create: { id: BigInt(p.id), ...fields, firstSeenAt: now },
        update: fields,
      });
    },
  };
}
