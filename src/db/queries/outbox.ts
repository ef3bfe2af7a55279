// Queries of the durable outbox: jobs written with a decision, loaded at
// start, removed when their result is recorded, kept as FAILED for a person.
import type { Queryable } from '../client.js';

export interface OutboxRow {
  queue: string;
  kind: string;
  payload: string;
  coalesceKey: string | null;
  nextAttemptAt?: Date;
}

export function outboxQueries(db: Queryable) {
  return {
    addJob(row: OutboxRow) {
      return db.outboxJob.create({ data: row });
    },

    pendingJobs() {
      return db.outboxJob.findMany({ where: { state: 'PENDING' }, orderBy: { id: 'asc' } });
    },

    removeJob(id: number) {
      return db.outboxJob.deleteMany({ where: { id } });
    },

    rescheduleJob(id: number, attempts: number, nextAttemptAt: Date, lastError: string) {
      return db.outboxJob.update({ where: { id }, data: { attempts, nextAttemptAt, lastError: lastError.slice(0, 1000) } });
    },

    failJob(id: number, lastError: string) {
      return db.outboxJob.update({ where: { id }, data: { state: 'FAILED', attempts: { increment: 1 }, lastError: lastError.slice(0, 1000) } });
    },
  };
}
