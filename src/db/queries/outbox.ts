// Queries of the durable outbox: jobs written with a decision, loaded at
// start, removed when their result is recorded, kept as FAILED for a person.
import type { Queryable } from '../client.js';
import { directSql } from '../direct-sql.js';

export interface OutboxRow {
  queue: string;
  kind: string;
  payload: string;
  coalesceKey: string | null;
  nextAttemptAt?: Date;
}

export function outboxQueries(db: Queryable) {
  return {
    /** Every decision writes one or more (direct SQL, db/direct-sql.ts). */
    async addJob(row: OutboxRow, now: Date): Promise<number> {
      const [job] = await directSql(db).query<{ id: number }>(
        `INSERT INTO "OutboxJob" ("queue", "kind", "payload", "coalesceKey", "state", "attempts", "nextAttemptAt", "createdAt")
         VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?) RETURNING "id"`,
        [row.queue, row.kind, row.payload, row.coalesceKey, row.nextAttemptAt ?? now, now],
      );
      return job!.id;
    },

    pendingJobs() {
      return db.outboxJob.findMany({ where: { state: 'PENDING' }, orderBy: { id: 'asc' } });
    },

    /** A delivered (or coalesced) job goes (direct SQL: every relay's record ends with it). */
    removeJob(id: number) {
      return directSql(db).execute(`DELETE FROM "OutboxJob" WHERE "id" = ?`, [id]);
    },

    rescheduleJob(id: number, attempts: number, nextAttemptAt: Date, lastError: string) {
      return db.outboxJob.update({ where: { id }, data: { attempts, nextAttemptAt, lastError: lastError.slice(0, 1000) } });
    },

    failJob(id: number, lastError: string) {
      return db.outboxJob.update({ where: { id }, data: { state: 'FAILED', attempts: { increment: 1 }, lastError: lastError.slice(0, 1000) } });
    },
  };
}
