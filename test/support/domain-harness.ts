// A real Desk over a fresh SQLite database, for testing the domain's use
// cases without Telegram: the real store, the real decide() transactions and
// a real Outbox that is not started, so the jobs a decision queues are only
// written to the OutboxJob table, where a test reads them. Nothing is mocked
// but the courier, which throws: the domain must never send directly, only
// through the outbox.
//
// One deviation from production, on purpose: a decision hands its committed
// jobs to `outbox.accept`, which (even while the outbox is stopped) drops a
// job whose coalesce key matches one still waiting in memory and deletes its
// row in the background. With nothing ever sent here, every later decision
// would lose rows that way, at a moment nobody controls. So while `holdJobs`
// is on (the default), accepted jobs are only recorded in `accepted`, and the
// table keeps exactly what each decision wrote. Tests of the outbox engine
// itself pass `holdJobs: false` and get the outbox untouched.
import { createDb, type Database } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { createStore } from '../../src/db/queries/index.js';
import type { Courier } from '../../src/delivery/courier.js';
import { Outbox, type Job, type OutboxOptions } from '../../src/delivery/outbox.js';
import { createDeskSettings } from '../../src/domain/settings.js';
import { createFloodGuard } from '../../src/domain/flood.js';
import type { Desk } from '../../src/domain/desk.js';
import type { Person } from '../../src/domain/people.js';
import type { IncomingUserMessage } from '../../src/domain/user-to-topic.js';
import { textsFor } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import { freshDatabase, type TestDatabase } from './databases.js';

export const SUPPORT_CHAT_ID = -1001000000001;

/** A row of OutboxJob with its payload parsed. */
export interface JobRow {
  id: number;
  queue: string;
  kind: string;
  payload: unknown;
  coalesceKey: string | null;
  state: string;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
}

export interface DomainHarness {
  desk: Desk;
  database: Database;
  outbox: Outbox;
  /** Jobs handed to the outbox after each commit, in order (see holdJobs above). */
  accepted: Job[];
  /** Every call the domain made on the courier (each one also threw). Must stay empty. */
  courierCalls: string[];
  clock: { set(at: Date): void; advance(ms: number): Date };
  /** OutboxJob rows in id order, optionally only those after a mark (see lastJobId) or of one queue. */
  jobs(filter?: { after?: number; queue?: string }): Promise<JobRow[]>;
  /** The highest OutboxJob id so far (0 when none): a mark before an action. */
  lastJobId(): Promise<number>;
  /** What the openTopic job records once Telegram created the topic: its thread and its name. */
  topicCreated(userId: number, threadId: number, name: string): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Options of the real Outbox (onFailed, ...). */
  outbox?: OutboxOptions;
  /** Record accepted jobs instead of taking them into the outbox's memory (default true). */
  holdJobs?: boolean;
  /** The clock's first reading. */
  now?: Date;
}

export async function createDomainHarness(options: HarnessOptions = {}): Promise<DomainHarness> {
  const testDb: TestDatabase = await freshDatabase('sqlite');
  const database = createDb(testDb.url);
  try {
    await migrateDatabase(database);
    await database.tune();
  } catch (error) {
    await database.close().catch(() => undefined);
    await testDb.drop();
    throw error;
  }
  const logger = createLogger('silent');
  const outbox = new Outbox(database.prisma, logger, options.outbox ?? {});
  const accepted: Job[] = [];
  if (options.holdJobs ?? true) {
    outbox.accept = (jobs: Job[]) => {
      accepted.push(...jobs);
    };
  }

  const courierCalls: string[] = [];
  const forbidden = (method: string) => () => {
    courierCalls.push(method);
    throw new Error(`the domain called courier.${method} directly; it must queue an outbox job`);
  };
  const courier: Courier = {
    createTopic: forbidden('createTopic'),
    renameTopic: forbidden('renameTopic'),
    reopenTopic: forbidden('reopenTopic'),
    closeTopic: forbidden('closeTopic'),
    deleteTopic: forbidden('deleteTopic'),
    post: forbidden('post'),
    pin: forbidden('pin'),
    unpin: forbidden('unpin'),
    edit: forbidden('edit'),
    copy: forbidden('copy'),
    editCopy: forbidden('editCopy'),
    clearButtons: forbidden('clearButtons'),
    upload: forbidden('upload'),
    react: forbidden('react'),
  };

  let now = options.now ?? new Date('2026-01-15T10:00:00.000Z');
  const desk: Desk = {
    db: database.prisma,
    store: createStore(database.prisma),
    outbox,
    courier,
    supportChatId: SUPPORT_CHAT_ID,
    managerTexts: textsFor('en'),
    logger,
    now: () => new Date(now.getTime()),
    albumWaitMs: 0,
    boardPeriodMs: 60_000,
    queueChanged: () => {},
    flood: createFloodGuard(60),
    broadcasts: { progressPeriodMs: 30_000, changed: () => {} },
    mayCommit: () => true,
    settings: createDeskSettings({ managerLanguage: 'en', greetings: {} }, logger),
  };

  return {
    desk,
    database,
    outbox,
    accepted,
    courierCalls,
    clock: {
      set(at) {
        now = new Date(at.getTime());
      },
      advance(ms) {
        now = new Date(now.getTime() + ms);
        return new Date(now.getTime());
      },
    },
    async jobs(filter = {}) {
      const rows = await database.prisma.outboxJob.findMany({
        where: { ...(filter.after !== undefined ? { id: { gt: filter.after } } : {}), ...(filter.queue !== undefined ? { queue: filter.queue } : {}) },
        orderBy: { id: 'asc' },
      });
      return rows.map((r) => ({
        id: r.id,
        queue: r.queue,
        kind: r.kind,
        payload: JSON.parse(r.payload) as unknown,
        coalesceKey: r.coalesceKey,
        state: r.state,
        attempts: r.attempts,
        nextAttemptAt: r.nextAttemptAt,
        lastError: r.lastError,
      }));
    },
    async lastJobId() {
      const last = await database.prisma.outboxJob.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
      return last?.id ?? 0;
    },
    async topicCreated(userId, threadId, name) {
      await database.prisma.topic.updateMany({ where: { userId: BigInt(userId), current: true }, data: { threadId, name, closed: false } });
    },
    async close() {
      await outbox.stop(2_000);
      await database.close();
      await testDb.drop();
    },
  };
}

/** A Telegram user or manager. */
export function person(id: number, first_name: string, extra: Partial<Person> = {}): Person {
  return { id, first_name, language_code: 'en', ...extra };
}

/** A user's message to the bot, as the bot layer hands it to the domain. */
export function userMessage(from: Person, messageId: number, extra: Partial<IncomingUserMessage> = {}): IncomingUserMessage {
  return { from, messageId, sentAt: new Date('2026-01-15T09:59:00.000Z'), kind: 'text', ...extra };
}

/** Polls a condition (a database query, a counter) until it holds; fails after timeoutMs. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
