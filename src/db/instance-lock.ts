// One running instance per database. Two instances would both send what the
// outbox holds (duplicates) and fight over Telegram's long poll. The lock is
// held by a connection of its own, so the operating system (SQLite) or the
// server (PostgreSQL) releases it the moment the process dies, however it
// dies: a restart after a crash never waits for it.
//   PostgreSQL: a session advisory lock. It is released when its session
//     ends, which can also happen while this process runs (the server
//     restarts, the connection is cut): `check` tells, and lease.ts turns
//     that into "stop sending" before another instance may start.
//   SQLite: an exclusive transaction held open on a small file beside the
//     database; only the process's death releases it.
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerOf, sqlitePath } from './client.js';

export interface InstanceLock {
  /** Tries once; true when this process now holds the lock. Throws when the database cannot be reached. */
  tryAcquire(): Promise<boolean>;
  /** True while the lock is known to be held (the session that holds it answers). */
  check(): Promise<boolean>;
  release(): Promise<void>;
  /**
   * Whether the last instance that served here stopped cleanly (or none ever
   * served): then nobody can still be sending, and the new holder need not
   * wait out a lease. Asked right after the lock is taken.
   */
  releasedCleanly(): Promise<boolean>;
  /** Records that this instance serves now (before it polls or sends). */
  markServing(): Promise<void>;
  /** Records a clean stop (after the last send, before the lock goes). */
  markReleased(): Promise<void>;
}

/** An arbitrary constant: the advisory lock's key for Topic. */
const PG_LOCK_KEY = 0x70_71_63_31;
/** The last server's state, in the InstanceLease table. */
const SERVING = 'serving';
const RELEASED = 'released';
/** The lock connection must answer within this, or the lock counts as lost. */
const PG_TIMEOUT_MS = 1000;

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
      async check() {
        return db !== undefined;
      },
      async release() {
        db?.close();
        db = undefined;
      },
      // SQLite's lock goes only with its process: there is never a lease to wait out.
      releasedCleanly: async () => true,
      markServing: async () => {},
      markReleased: async () => {},
    };
  }

  let client: pg.Client | undefined;
  let held = false;
  const drop = () => {
    const c = client;
    client = undefined;
    held = false;
    void c?.end().catch(() => undefined);
  };
  return {
    async tryAcquire() {
      if (!client) {
        const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_TIMEOUT_MS * 3, query_timeout: PG_TIMEOUT_MS });
        // A server that ends the session (restart, failover, a terminated
        // backend) emits 'error' on the client; unhandled, it would end the
        // process. Here it only means the lock is gone.
        c.on('error', () => {
          if (client === c) drop();
        });
        client = c;
        try {
          await c.connect();
        } catch (error) {
          if (client === c) drop();
          throw error;
        }
      }
      try {
        const r = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [PG_LOCK_KEY]);
        held = r.rows[0]?.locked === true;
        return held;
      } catch (error) {
        drop();
        throw error;
      }
    },
    async check() {
      if (!client || !held) return false;
      try {
        await client.query('SELECT 1');
        return client !== undefined && held;
      } catch {
        drop();
        return false;
      }
    },
    async release() {
      const c = client;
      client = undefined;
      held = false;
      await c?.end().catch(() => undefined);
    },
    async releasedCleanly() {
      if (!client) return false;
      try {
        const r = await client.query<{ state: string }>('SELECT state FROM "InstanceLease" WHERE id = 1');
        return r.rows.length === 0 || r.rows[0]?.state === RELEASED;
      } catch (error) {
        // No table yet: the database was never migrated, so nothing ever served from it.
        if ((error as { code?: string }).code === '42P01') return true;
        throw error;
      }
    },
    markServing: () => markLeaseState(SERVING),
    markReleased: () => markLeaseState(RELEASED),
  };

  async function markLeaseState(value: string): Promise<void> {
    if (!client || !held) return;
    await client.query(
      'INSERT INTO "InstanceLease" (id, state, "updatedAt") VALUES (1, $1, now()) ON CONFLICT (id) DO UPDATE SET state = $1, "updatedAt" = now()',
      [value],
    );
  }
}
