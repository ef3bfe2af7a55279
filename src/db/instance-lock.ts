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
//
// Presence (PostgreSQL): the holder also holds a second advisory lock on a
// second connection. A standby that takes the main lock and finds the
// presence lock free as well knows that every session of the old holder has
// ended at once, which is what a process's death does (SIGKILL, a crash, an
// OOM kill: the kernel closes all its sockets). A connection cut or frozen on
// its own (the case the lease exists for) leaves the other session up, so the
// presence lock stays taken and the standby waits out the lease as before.
// That is how a standby takes over from a killed leader in a fraction of a
// second without giving up the fencing.
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerOf, sqlitePath } from './client.js';

export type PreviousHolder = 'clean' | 'gone' | 'unknown';

export interface InstanceLock {
  /** Tries once; true when this process now holds the lock. Throws when the database cannot be reached. */
  tryAcquire(): Promise<boolean>;
  /** True while the lock is known to be held (the session that holds it answers). */
  check(): Promise<boolean>;
  release(): Promise<void>;
  /**
   * What became of the last instance that served here, asked right after the
   * lock is taken: 'clean', it stopped cleanly (or none ever served); 'gone',
   * all its sessions ended together (its process died); either way nobody
   * can still be sending, and the new holder need not wait out a lease.
   * 'unknown': it may still be finishing its lease.
   */
  previousHolder(): Promise<PreviousHolder>;
  /** Records that this instance serves now (before it polls or sends). */
  markServing(): Promise<void>;
  /** Records a clean stop (after the last send, before the lock goes). */
  markReleased(): Promise<void>;
}

/** An arbitrary constant: the advisory lock's key for Topic (exported for the tests that find its holder). */
export const PG_LOCK_KEY = 0x70_71_63_31;
/** The presence lock's key (see the top of this file). */
const PG_PRESENCE_KEY = PG_LOCK_KEY + 1;
/**
 * The last server's state, in the InstanceLease table: serving while holding
 * the presence lock (its death can be told), serving without it (it cannot:
 * an older version, or the presence lock was lost), or stopped cleanly.
 */
const SERVING_PRESENT = 'serving+presence';
const SERVING = 'serving';
const RELEASED = 'released';
/**
 * A killed process's sessions end within milliseconds of each other (the
 * server sees each socket close in turn): the presence lock is tried this
 * long before the old holder counts as possibly alive.
 */
const PRESENCE_GRACE_MS = 150;
const PRESENCE_POLL_MS = 10;
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
      previousHolder: async () => 'clean',
      markServing: async () => {},
      markReleased: async () => {},
    };
  }

  let client: pg.Client | undefined;
  let held = false;
  let presence: pg.Client | undefined;
  let present = false;
  /** The lease row says this instance serves with the presence lock (its death can be told). */
  let vouching = false;
  const connect = async (onLost: (c: pg.Client) => void) => {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_TIMEOUT_MS * 3, query_timeout: PG_TIMEOUT_MS });
    // A server that ends the session (restart, failover, a terminated
    // backend) emits 'error' on the client; unhandled, it would end the
    // process. Here it only means that lock is gone.
    c.on('error', () => onLost(c));
    await c.connect();
    return c;
  };
  const drop = () => {
    const c = client;
    client = undefined;
    held = false;
    void c?.end().catch(() => undefined);
  };
  const dropPresence = () => {
    const c = presence;
    presence = undefined;
    present = false;
    void c?.end().catch(() => undefined);
  };
  /** Takes the presence lock, once; only the holder of the main lock may. */
  async function takePresence(): Promise<boolean> {
    if (present) return true;
    try {
      if (!presence) {
        const c = await connect((lost) => {
          if (presence === lost) dropPresence();
        });
        presence = c;
      }
      const r = await presence.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [PG_PRESENCE_KEY]);
      present = r.rows[0]?.locked === true;
    } catch {
      dropPresence();
    }
    return present;
  }
  async function markLeaseState(value: string): Promise<void> {
    if (!client || !held) return;
    await client.query(
      'INSERT INTO "InstanceLease" (id, state, "updatedAt") VALUES (1, $1, now()) ON CONFLICT (id) DO UPDATE SET state = $1, "updatedAt" = now()',
      [value],
    );
  }
  return {
    async tryAcquire() {
      client ??= await connect((lost) => {
        if (client === lost) drop();
      });
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
      } catch {
        drop();
        return false;
      }
      if (vouching) {
        const ok =
          present &&
          (await presence!.query('SELECT 1').then(
            () => true,
            () => false,
          ));
        if (!ok) {
          // Its session alone ended: a later holder could no longer tell this
          // instance's death from a cut, so it is told to wait out the lease.
          dropPresence();
          await markLeaseState(SERVING).then(
            () => (vouching = false),
            () => undefined,
          );
        }
      }
      return client !== undefined && held;
    },
    async release() {
      const c = client;
      client = undefined;
      held = false;
      vouching = false;
      await c?.end().catch(() => undefined);
      const p = presence;
      presence = undefined;
      present = false;
      await p?.end().catch(() => undefined);
    },
    async previousHolder() {
      if (!client) return 'unknown';
      let state: string | undefined;
      try {
        const r = await client.query<{ state: string }>('SELECT state FROM "InstanceLease" WHERE id = 1');
        state = r.rows[0]?.state;
      } catch (error) {
        // No table yet: the database was never migrated, so nothing ever served from it.
        if ((error as { code?: string }).code === '42P01') return 'clean';
        throw error;
      }
      if (state === undefined || state === RELEASED) return 'clean';
      if (state !== SERVING_PRESENT) return 'unknown';
      for (const until = Date.now() + PRESENCE_GRACE_MS; ; ) {
        if (await takePresence()) return 'gone';
        if (Date.now() >= until) return 'unknown';
        await new Promise((resolve) => setTimeout(resolve, PRESENCE_POLL_MS));
      }
    },
    // Serving with the presence lock when it can be had (after a lease waited
    // out, the old holder has stopped and let it go, unless its session is
    // frozen on the server: then without, and the next holder waits).
    async markServing() {
      const withPresence = await takePresence();
      await markLeaseState(withPresence ? SERVING_PRESENT : SERVING);
      vouching = withPresence;
    },
    async markReleased() {
      await markLeaseState(RELEASED);
      vouching = false;
    },
  };
}
