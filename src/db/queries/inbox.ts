// Queries of the durable inbox: every fetched update, stored before Telegram
// is told it was received, and marked when it has been handled.
import type { Update } from 'grammy/types';
import type { Queryable } from '../client.js';

export function inboxQueries(db: Queryable) {
  return {
    /** Stores new updates; returns only those not stored before (Telegram re-sends unconfirmed ones). */
    async storeUpdates(updates: Update[]): Promise<Update[]> {
      const ids = updates.map((u) => BigInt(u.update_id));
      const known = new Set((await db.inboxUpdate.findMany({ where: { updateId: { in: ids } }, select: { updateId: true } })).map((r) => r.updateId));
      const fresh = updates.filter((u) => !known.has(BigInt(u.update_id)));
      if (fresh.length) await db.inboxUpdate.createMany({ data: fresh.map((u) => ({ updateId: BigInt(u.update_id), payload: JSON.stringify(u) })) });
      return fresh;
    },

    unhandledUpdates() {
      return db.inboxUpdate.findMany({ where: { handledAt: null }, orderBy: { updateId: 'asc' } });
    },

    markHandled(updateIds: bigint[], at: Date) {
      return db.inboxUpdate.updateMany({ where: { updateId: { in: updateIds } }, data: { handledAt: at } });
    },

    /** Handled updates older than `before` (they hold message texts; kept only to recognise re-sent ones). */
    pruneHandled(before: Date) {
      return db.inboxUpdate.deleteMany({ where: { handledAt: { lt: before } } });
    },
  };
}
