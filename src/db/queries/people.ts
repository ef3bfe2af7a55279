// Queries about people: the users who write to support and the managers who
// answer them. Plain functions over a Prisma client or transaction.
import type { Queryable } from '../client.js';
import type { Person } from '../../domain/people.js';
import type { Manager, User } from '../../generated/sqlite/client.js';
import { directSql } from '../direct-sql.js';
import { MANAGER_COLUMNS, USER_COLUMNS } from './columns.js';

export function peopleQueries(db: Queryable) {
  return {
    /** Creates or refreshes the user; counts one more message when asked. */
    touchUser(p: Person, now: Date, countMessage: boolean): Promise<User> {
      // On every message's path: direct SQL (db/direct-sql.ts).
      return directSql(db)
        .query<User>(
          `INSERT INTO "User" ("id", "firstName", "lastName", "username", "languageCode", "firstSeenAt", "lastSeenAt", "messageCount", "blocked")
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, false)
           ON CONFLICT ("id") DO UPDATE SET "firstName" = excluded."firstName", "lastName" = excluded."lastName", "username" = excluded."username",
             "languageCode" = excluded."languageCode", "lastSeenAt" = excluded."lastSeenAt", "messageCount" = "User"."messageCount" + ?
           RETURNING ${USER_COLUMNS}`,
          [BigInt(p.id), p.first_name, p.last_name ?? null, p.username ?? null, p.language_code ?? null, now, now, countMessage ? 1 : 0, countMessage ? 1 : 0],
        )
        .then(([user]) => user!);
    },

    /** Cards, topic names and signatures read it (direct SQL, db/direct-sql.ts). */
    async user(userId: number): Promise<User | null> {
      const [user] = await directSql(db).query<User>(`SELECT ${USER_COLUMNS} FROM "User" WHERE "id" = ?`, [BigInt(userId)]);
      return user ?? null;
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

    /** On every manager's reply: direct SQL (db/direct-sql.ts). */
    touchManager(p: Person, now: Date): Promise<Manager> {
      return directSql(db)
        .query<Manager>(
          `INSERT INTO "Manager" ("id", "firstName", "lastName", "username", "firstSeenAt", "lastSeenAt") VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT ("id") DO UPDATE SET "firstName" = excluded."firstName", "lastName" = excluded."lastName", "username" = excluded."username",
             "lastSeenAt" = excluded."lastSeenAt"
           RETURNING ${MANAGER_COLUMNS}`,
          [BigInt(p.id), p.first_name, p.last_name ?? null, p.username ?? null, now, now],
        )
        .then(([manager]) => manager!);
    },
  };
}
