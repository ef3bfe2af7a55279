// Queries of the durable inbox: every fetched update, stored before Telegram
// is told it was received, and marked when it has been handled.
import type { Update } from 'grammy/types';
import type { Queryable } from '../client.js';
import { directSql } from '../direct-sql.js';

export function inboxQueries(db: Queryable) {
  return {
    /** Stores new updates; returns only those not stored before (Telegram re-sends unconfirmed ones). Direct SQL: every batch. */
    async storeUpdates(updates: Update[], now = new Date()): Promise<Update[]> {
      if (updates.length === 0) return [];
      const rows = updates.map(() => '(?, ?, ?)').join(', ');
      const args = updates.flatMap((u) => [BigInt(u.update_id), JSON.stringify(u), now]);
      const stored = await directSql(db).query<{ updateId: bigint }>(
        `INSERT INTO "InboxUpdate" ("updateId", "payload", "receivedAt") VALUES ${rows} ON CONFLICT ("updateId") DO NOTHING RETURNING "updateId"`,
        args,
      );
      const fresh = new Set(stored.map((r) => Number(r.updateId)));
      return updates.filter((u) => fresh.has(u.update_id));
    },

    unhandledUpdates() {
      return db.inboxUpdate.findMany({ where: { handledAt: null }, orderBy: { updateId: 'asc' } });
    },

    /** In chunks: marks held back through an outage can be many, and SQLite takes a bounded number of parameters. */
    async markHandled(updateIds: bigint[], at: Date): Promise<void> {
      const sql = directSql(db);
      for (let i = 0; i < updateIds.length; i += 500) {
        const ids = updateIds.slice(i, i + 500);
        await sql.execute(`UPDATE "InboxUpdate" SET "handledAt" = ? WHERE "updateId" IN (${ids.map(() => '?').join(', ')})`, [at, ...ids]);
      }
    },

    /** Handled updates older than `before` (they hold message texts; kept only to recognise re-sent ones). */
    pruneHandled(before: Date) {
      return db.inboxUpdate.deleteMany({ where: { handledAt: { lt: before } } });
    },
  };
}
