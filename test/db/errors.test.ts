// isTransientDbError and isUniqueViolation, against errors real databases
// really throw (SQLite through Prisma and better-sqlite3, PostgreSQL through
// Prisma and pg), not hand-made look-alikes: the shapes of Prisma's errors
// change between versions, and a classification written against a guess
// would pass its tests and fail in production.
//
// Why it matters: the outbox and the update handlers retry a transient error
// (forever, with back-off) and fail a bug for good. A bug taken for
// transient blocks its queue forever; an outage taken for a bug loses
// messages (a job marked FAILED is never sent).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { createDb, sqlitePath, type Database } from '../../src/db/client.js';
import { isTransientDbError, isUniqueViolation } from '../../src/db/errors.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { PrismaClient as SqliteClient } from '../../src/generated/sqlite/client.js';
import { adminPgUrl, freshDatabase, type TestDatabase } from '../support/databases.js';

/** Nothing listens here: a PostgreSQL server that is down. */
const UNREACHABLE_PG = 'postgresql://root@127.0.0.1:5999/postgres';

/** The error a promise rejects with (fails if it resolves). */
async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  assert.fail('expected the database to refuse');
}

const codeOf = (e: unknown) => (e as { code?: unknown }).code;

describe('database errors on SQLite', () => {
  let testDb: TestDatabase;
  let db: Database;
  before(async () => {
    testDb = await freshDatabase('sqlite');
    db = createDb(testDb.url);
    await migrateDatabase(db);
    await db.tune();
  });
  after(async () => {
    await db.close();
    await testDb.drop();
  });

  // Bug it catches: every Prisma error taken for transient, so a job whose
  // row was deleted retries forever and blocks its queue.
  // Tried: `if (String(e.name).startsWith('PrismaClient')) return true;` at the
  // top of isTransientDbError -> failed.
  test('P2025, an update of a row that is not there, is not transient', async () => {
    const e = await errorOf(db.prisma.ticket.update({ where: { id: 424242 }, data: { cardMessageId: 1 } }));
    assert.equal(codeOf(e), 'P2025');
    assert.equal(isTransientDbError(e), false);
    assert.equal(isUniqueViolation(e), false);
  });

  // Same bug as above (same mutation tried -> failed).
  test('a validation error (a query with a value of the wrong type) is not transient', async () => {
    const e = await errorOf(db.prisma.ticket.findUnique({ where: { id: 'seven' as unknown as number } }));
    assert.equal((e as Error).name, 'PrismaClientValidationError');
    assert.equal(isTransientDbError(e), false);
  });

  // Bug it catches: every driver error (kind 'sqlite') taken for transient, or
  // the message match being so loose it takes any SQLite error.
  // Tried: the Prisma-wide mutation above -> failed; `kind === 'sqlite'`
  // returning true for any code -> failed.
  test('a raw SQL syntax error is not transient', async () => {
    const e = await errorOf(db.prisma.$queryRawUnsafe('SELEC 1'));
    assert.equal(isTransientDbError(e), false);
  });

  // Bug it catches: a unique violation retried as transient (decide() must
  // see it as one, to look for the row that won), or not recognised at all.
  // Tried: the Prisma-wide mutation above -> failed; isUniqueViolation
  // checking 'P2003' -> failed.
  test('a unique violation (P2002) is not transient, and isUniqueViolation says so', async () => {
    await db.prisma.user.create({ data: { id: 1n, firstName: 'Anna' } });
    const e = await errorOf(db.prisma.user.create({ data: { id: 1n, firstName: 'Anna' } }));
    assert.equal(codeOf(e), 'P2002');
    assert.equal(isUniqueViolation(e), true);
    assert.equal(isTransientDbError(e), false);
  });

  // Bug it catches: "database is locked" (another process, a backup, a long
  // write) taken for a bug, so the jobs that hit it are marked FAILED and
  // never sent.
  // Tried: removed BUSY from TRANSIENT_SQLITE_CODE and "database is
  // locked|SQLITE_BUSY" from TRANSIENT_MESSAGE -> the better-sqlite3 case
  // failed; removed 'P1008' and 'SocketTimeout' -> the Prisma case failed.
  // (Each pair covers the case twice: either one alone still classifies it.)
  test('SQLITE_BUSY (another connection holds the file) is transient, through Prisma and straight from better-sqlite3', async () => {
    const path = sqlitePath(testDb.url);
    const holder = new BetterSqlite3(path);
    // A second Prisma client on the same file that waits for a lock only 50 ms.
    const impatient = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: path, timeout: 50 }) });
    const direct = new BetterSqlite3(path, { timeout: 0 });
    try {
      holder.exec('BEGIN EXCLUSIVE');
      const viaPrisma = await errorOf(impatient.user.create({ data: { id: 2n, firstName: 'Boris' } }));
      assert.equal(isTransientDbError(viaPrisma), true, `through Prisma: ${String(viaPrisma)}`);

      let viaDriver: unknown;
      try {
        direct.prepare("INSERT INTO User (id, firstName) VALUES (3, 'Vera')").run();
      } catch (error) {
        viaDriver = error;
      }
      assert.ok(viaDriver, 'the write must be refused while the file is locked');
      assert.equal(codeOf(viaDriver), 'SQLITE_BUSY');
      assert.equal((viaDriver as Error).name, 'SqliteError');
      assert.equal(isTransientDbError(viaDriver), true);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      direct.close();
      await impatient.$disconnect();
    }
  });
});

describe('database errors on PostgreSQL', () => {
  // Bug it catches: a database server that is down taken for a bug (every
  // message in flight during a restart of PostgreSQL would be FAILED).
  // Tried: removed 'DatabaseNotReachable' from TRANSIENT_ADAPTER_KINDS -> the
  // raw-query case failed (a model query still carries P1001); removed
  // ECONNREFUSED from TRANSIENT_SYSTEM_CODE -> the pg case failed.
  test('an unreachable server is transient: a raw query and a model query through Prisma, and pg itself', async () => {
    const down = createDb(UNREACHABLE_PG);
    try {
      const raw = await errorOf(down.prisma.$queryRawUnsafe('SELECT 1'));
      assert.equal(isTransientDbError(raw), true, `raw query: ${String(raw)}`);
      const model = await errorOf(down.prisma.user.findFirst());
      assert.equal(isTransientDbError(model), true, `model query: ${String(model)}`);
    } finally {
      await down.close();
    }
    const client = new pg.Client({ connectionString: UNREACHABLE_PG });
    const e = await errorOf(client.connect());
    assert.equal(codeOf(e), 'ECONNREFUSED');
    assert.equal(isTransientDbError(e), true);
  });

  // Bug it catches: a session killed by the server (pg_terminate_backend, a
  // failover, an admin restart: 57P01) taken for a bug.
  // Tried: TRANSIENT_PG_CODE without class 57 -> the Prisma case failed;
  // removed "terminating connection" from TRANSIENT_MESSAGE -> the pg case failed.
  test('a session terminated by the server (57P01) is transient, through Prisma and from pg', async () => {
    const admin = new pg.Client({ connectionString: adminPgUrl });
    await admin.connect();
    const name = `victim_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    /** Terminates the backend running a query under this application_name, once it runs. */
    const terminate = async (app: string) => {
      for (let i = 0; i < 250; i++) {
        const r = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`, [app]);
        if (r.rowCount) return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.fail(`no active session named ${app}`);
    };
    try {
      const url = new URL(adminPgUrl);
      url.searchParams.set('application_name', `${name}_prisma`);
      const victim = createDb(url.toString());
      try {
        const running = errorOf(victim.prisma.$queryRawUnsafe('SELECT pg_sleep(30)'));
        await terminate(`${name}_prisma`);
        const e = await running;
        assert.match(String((e as Error).message), /57P01|terminating connection/);
        assert.equal(isTransientDbError(e), true, String(e));
      } finally {
        await victim.close();
      }

      const client = new pg.Client({ connectionString: adminPgUrl, application_name: `${name}_pg` });
      client.on('error', () => undefined); // the connection's own error event, after the query's
      await client.connect();
      try {
        const running = errorOf(client.query('SELECT pg_sleep(30)'));
        await terminate(`${name}_pg`);
        const e = await running;
        assert.equal(codeOf(e), '57P01');
        assert.equal(isTransientDbError(e), true);
      } finally {
        await client.end().catch(() => undefined);
      }
    } finally {
      await admin.end();
    }
  });

  // Bug it catches: every PostgreSQL error taken for transient (a broken
  // query would be retried forever). Tried: `kind === 'postgres'` returning
  // true for any code -> failed.
  // Bug it catches: a database closed to connections (ALLOW_CONNECTIONS
  // false, as an operator or a failover does) answering 55000, taken for a
  // bug: every job and update during the outage would fail for good.
  test('a database that does not accept connections (55000) is transient', async () => {
    const target = await freshDatabase('postgresql');
    const name = new URL(target.url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: adminPgUrl });
    await admin.connect();
    const db = createDb(target.url);
    try {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      const e = await errorOf(db.prisma.$queryRawUnsafe('SELECT 1'));
      assert.equal(isTransientDbError(e), true, String(e));
    } finally {
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await admin.end();
      await db.close();
      await target.drop();
    }
  });

  test('a syntax error on PostgreSQL is not transient', async () => {
    const db = createDb(adminPgUrl);
    try {
      const e = await errorOf(db.prisma.$queryRawUnsafe('SELEC 1'));
      assert.equal(isTransientDbError(e), false, String(e));
    } finally {
      await db.close();
    }
  });
});
