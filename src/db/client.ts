// Opens the database named by DATABASE_URL: SQLite (better-sqlite3) for
// `file:` URLs, PostgreSQL (pg) for `postgres(ql)://` URLs. Both generated
// clients come from the same models (prisma/schema.prisma), so everything
// above this module uses one client type and never asks which database it is.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient as SqliteClient, type Prisma as SqlitePrisma } from '../generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.js';
import { capturingAdapter, inTransaction, isSingleConnection, registerClient } from './direct-sql.js';
import { isTransientDbError } from './errors.js';
import { withStatementCache } from './statement-cache.js';

export type Provider = 'sqlite' | 'postgresql';

/** The Prisma client the whole app uses; the models are identical for both providers. */
export type Db = SqliteClient;
/** The client inside an interactive transaction. */
export type Tx = SqlitePrisma.TransactionClient;
/** Either: queries that can run inside or outside a transaction take this. */
export type Queryable = Db | Tx;

/** SQLite runs one transaction at a time; under a burst the wait for a turn can exceed Prisma's 2 s default. */
export const TX_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

/**
 * Every write goes through here (or another interactive transaction). With
 * better-sqlite3 there is one connection, and Prisma serialises only
 * interactive transactions on it: a plain write issued while one is open
 * would run inside it, and vanish if it rolls back.
 */
export function write<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  // Registered for direct SQL (direct-sql.ts): its statements run in this transaction.
  return inTransaction<Tx, T>(db, (f) => db.$transaction(f, TX_OPTIONS), fn);
}

interface SharedWrite {
  fn: (tx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Writes through a group: they may share their transaction with others (see writeGroup). */
export type WriteGroup = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

/**
 * Group commit: writes issued in the same turn of the event loop, or while
 * one of the group's transactions is being written, go together in the next,
 * one after another, with one commit (at most `max` in one). A commit and Prisma's work around a
 * transaction cost as much as a small write itself (npm run bench).
 *
 * Each `fn` must be safe to run again (as for write(): a failed transaction
 * is tried again by the caller). When a shared transaction fails for
 * anything but the database (a unique key, a bug), each of its writes runs
 * again alone, so that each gets its own result or error; when the database
 * fails, every one of them gets that error.
 */
export function writeGroup(db: Db, max: number): WriteGroup {
  const waiting: SharedWrite[] = [];
  let running = false;
  let scheduled = false;

  async function writeWaiting(): Promise<void> {
    running = true;
    try {
      while (waiting.length > 0) {
        const batch = waiting.splice(0, max);
        if (batch.length > 1) {
          try {
            const results = await write(db, async (tx) => {
              const out: unknown[] = [];
              for (const w of batch) out.push(await w.fn(tx));
              return out;
            });
            for (const [i, w] of batch.entries()) w.resolve(results[i]);
            continue;
          } catch (error) {
            if (isTransientDbError(error)) {
              for (const w of batch) w.reject(error);
              continue;
            }
          }
        }
        for (const w of batch) await write(db, w.fn).then(w.resolve, w.reject);
      }
    } finally {
      running = false;
    }
  }

  return <T>(fn: (tx: Tx) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (running || scheduled) return;
      // The first write waits for the rest of this turn of the event loop: the
      // answers and updates that came in with it are handled in the same turn,
      // and their writes join it. Started at once, a write on SQLite (where a
      // statement does not wait for I/O) was done before the next one came,
      // and nearly every delivery had a transaction of its own: about half the
      // commits of a relayed message (npm run bench).
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        void writeWaiting();
      });
    });
}

/** Decisions that share one transaction at most (a bound on its length, and on what one failure undoes). */
const SHARED_MAX = 32;
/** Per client, the group its decisions share transactions in (made on the first one). */
const decisionGroups = new WeakMap<Db, WriteGroup>();

/**
 * A decision's write, shared with the decisions taken at the same moment
 * (writeGroup) on SQLite, where they would wait for their turn anyway (one
 * connection, one transaction at a time). On PostgreSQL every decision keeps
 * its own transaction: sharing them there lowered the CPU but queued every
 * decision behind the one being written (p50 at 200 msg/s from 28 to 362 ms
 * in npm run bench).
 */
export function writeShared<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (!isSingleConnection(db)) return write(db, fn);
  let group = decisionGroups.get(db);
  if (!group) {
    group = writeGroup(db, SHARED_MAX);
    decisionGroups.set(db, group);
  }
  return group(fn);
}

export interface Database {
  readonly provider: Provider;
  readonly prisma: Db;
  /** A fresh adapter factory for the schema engine (migrations). */
  adapterFactory(): SqlMigrationAwareDriverAdapterFactory;
  /** Connection settings for serving; call after migrating. */
  tune(): Promise<void>;
  close(): Promise<void>;
}

/** The adapter a client connected, for direct SQL; a client not yet connected connects first. */
function connection() {
  let adapter: SqlDriverAdapter | undefined;
  return {
    set: (a: SqlDriverAdapter) => {
      adapter = a;
    },
    get: (client: { $connect(): Promise<void> }) => async () => {
      if (!adapter) await client.$connect();
      if (!adapter) throw new Error('the database client did not connect its adapter');
      return adapter;
    },
  };
}

export function providerOf(url: string): Provider {
  if (url.startsWith('file:')) return 'sqlite';
  if (url.startsWith('postgresql://') || url.startsWith('postgres://')) return 'postgresql';
  throw new Error(`DATABASE_URL must start with file:, postgresql:// or postgres://`);
}

/** `file:./data/topic.db`, `file:data/topic.db`, `file:/abs/topic.db` or `file:///abs/topic.db` → absolute path. */
export function sqlitePath(url: string): string {
  if (url.startsWith('file://')) return fileURLToPath(url.split('?')[0] ?? url);
  return resolve(url.slice('file:'.length).split('?')[0] ?? '');
}

export function createDb(url: string): Database {
  const provider = providerOf(url);
  const connected = connection();
  if (provider === 'sqlite') {
    const path = sqlitePath(url);
    // A folder that cannot be made is reported by startup-check.ts, in words.
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch {}
    const factory = () => withStatementCache(new PrismaBetterSqlite3({ url: path }));
    const prisma = new SqliteClient({ adapter: capturingAdapter(factory(), connected.set) });
    registerClient(prisma, connected.get(prisma), true);
    return {
      provider,
      prisma,
      adapterFactory: factory,
      // WAL lets readers and the writer overlap, and with synchronous=NORMAL a
      // commit does not wait for the disk: a killed process loses nothing
      // committed (only a power cut can lose the last moments). About twice
      // the throughput of SQLite's defaults here.
      tune: async () => {
        await prisma.$queryRawUnsafe('PRAGMA journal_mode=WAL');
        await prisma.$executeRawUnsafe('PRAGMA synchronous=NORMAL');
      },
      close: () => prisma.$disconnect(),
    };
  }
  const factory = () => new PrismaPg({ connectionString: url });
  // Same models, different provider: the client's API is identical.
  // The generated PostgreSQL client's types are not assignable to the SQLite
  // client's (each model delegate is a deep generic of its own generated
  // namespace), though both come from one schema and behave the same; the
  // e2e suites run every query on both providers.
  const prisma = new PostgresClient({ adapter: capturingAdapter(factory(), connected.set) }) as unknown as Db;
  registerClient(prisma, connected.get(prisma), false);
  return {
    provider,
    prisma,
    adapterFactory: factory,
    tune: async () => {},
    close: () => prisma.$disconnect(),
  };
}
