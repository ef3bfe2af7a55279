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

    /** Bans the user unless they are banned already; true when this call banned them. */
    async banUser(userId: number, managerId: number, reason: string | null, now: Date): Promise<boolean> {
      const r = await db.user.updateMany({
        where: { id: BigInt(userId), bannedAt: null },
        data: { bannedAt: now, bannedById: BigInt(managerId), banReason: reason, banNoticeAt: null },
      });
      return r.count > 0;
    },

    /** Lifts the ban; true when the user was banned. */
    async unbanUser(userId: number): Promise<boolean> {
      const r = await db.user.updateMany({
        where: { id: BigInt(userId), bannedAt: { not: null } },
        data: { bannedAt: null, bannedById: null, banReason: null, banNoticeAt: null },
      });
      return r.count > 0;
    },

    /** Records that the banned user has been told; true only for the first call of a ban. */
    async markBanNotice(userId: number, now: Date): Promise<boolean> {
      const r = await db.user.updateMany({ where: { id: BigInt(userId), bannedAt: { not: null }, banNoticeAt: null }, data: { banNoticeAt: now } });
      return r.count > 0;
    },

    /** The user with who banned them, if anyone did. */
    userWithBan(userId: number) {
      return db.user.findUnique({ where: { id: BigInt(userId) }, include: { bannedBy: true } });
    },

    /** Everyone banned now, the latest ban first. */
    bannedUsers() {
      return db.user.findMany({ where: { bannedAt: { not: null } }, include: { bannedBy: true }, orderBy: [{ bannedAt: 'desc' }, { id: 'asc' }] });
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
