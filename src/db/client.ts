// Opens the database named by DATABASE_URL: SQLite (better-sqlite3) for
// `file:` URLs, PostgreSQL (pg) for `postgres(ql)://` URLs. Both generated
// clients come from the same models (prisma/schema.prisma), so everything
// above this module uses one client type and never asks which database it is.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaClient as SqliteClient, type Prisma as SqlitePrisma } from '../generated/sqlite/client.js';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.js';
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
  return db.$transaction(fn, TX_OPTIONS);
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
  if (provider === 'sqlite') {
    const path = sqlitePath(url);
    // A folder that cannot be made is reported by startup-check.ts, in words.
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch {}
    const factory = () => withStatementCache(new PrismaBetterSqlite3({ url: path }));
    const prisma = new SqliteClient({ adapter: factory() });
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
  const prisma = new PostgresClient({ adapter: factory() }) as unknown as Db;
  return {
    provider,
    prisma,
    adapterFactory: factory,
    tune: async () => {},
    close: () => prisma.$disconnect(),
  };
}
