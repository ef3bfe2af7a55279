// One running instance per database. Two instances would both send what the
// outbox holds (duplicates) and fight over Telegram's long poll. The lock is
// held by a connection of its own, so the operating system (SQLite) or the
// server (PostgreSQL) releases it the moment the process dies, however it
// dies: a restart after a crash never waits for it.
//   PostgreSQL: a session advisory lock.
//   SQLite: an exclusive transaction held open on a small file beside the database.
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqlitePath, providerOf } from './client.js';

export interface InstanceLock {
  /** Tries once; true when this process now holds the lock. */
  tryAcquire(): Promise<boolean>;
  release(): Promise<void>;
}

/** An arbitrary constant: the advisory lock's key for Topic. */
const PG_LOCK_KEY = 0x70_71_63_31;

export function createInstanceLock(url: string): InstanceLock {
  if (providerOf(url) === 'sqlite') {
    const path = `${sqlitePath(url)}.instance-lock`;
    let db: Database.Database | undefined;
    return {
      async tryAcquire() {
        db ??= new Database(path, { timeout: 0 });
        try {
          db.exec('BEGIN EXCLUSIVE');
          return true;
        } catch (error) {
          if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) return false;
          throw error;
        }
      },
      async release() {
        db?.close();
        db = undefined;
      },
    };
  }
  let client: pg.Client | undefined;
  return {
    async tryAcquire() {
      if (!client) {
        client = new pg.Client({ connectionString: url });
        await client.connect();
      }
      const r = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [PG_LOCK_KEY]);
      return r.rows[0]?.locked === true;
    },
    async release() {
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
