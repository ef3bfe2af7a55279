// Prepared statements kept per SQL text for Prisma's SQLite adapter.
//
// @prisma/adapter-better-sqlite3 prepares every statement anew
// (`client.prepare(sql).bind(args)`, then runs it once). SQLite's compile
// step is then a tenth of the bot's CPU under load, with its garbage on top
// (npm run bench, a CPU profile), while the bot repeats the same few dozen
// statements. The adapter offers no cache of its own, so its connection is
// handed a thin stand-in whose `prepare` reuses a compiled statement and
// passes the arguments at each run instead of binding them for good (a
// statement bound once cannot be bound again).
//
// It relies on what the adapter calls on its client (`prepare(sql)` then
// `bind(args)` with `run()`, `reader`, `columns()`, `raw().all()`;
// `prepare('BEGIN').run()`; `exec`; `close`) and on the adapter keeping its
// connection in `client`; the pinned adapter version is checked by the
// end-to-end tests, which run every query through it.
import type Database from 'better-sqlite3';
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

/** Distinct statements kept; beyond it the least recently used goes (IN lists of every length make new texts). */
const MAX_STATEMENTS = 500;

type Statement = Database.Statement<unknown[]>;

function cachingClient(db: Database.Database) {
  const cache = new Map<string, Statement>();
  const statement = (sql: string): Statement => {
    let s = cache.get(sql);
    if (s) {
      cache.delete(sql);
    } else {
      s = db.prepare(sql) as Statement;
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, s);
    return s;
  };
  return {
    prepare(sql: string) {
      const s = statement(sql);
      return {
        run: () => s.run(),
        bind: (args: unknown[]) => ({
          reader: s.reader,
          run: () => s.run(args),
          columns: () => s.columns(),
          raw: () => ({ all: () => s.raw(true).all(args) }),
        }),
      };
    },
    exec: (sql: string) => db.exec(sql),
    close: () => {
      cache.clear();
      db.close();
    },
  };
}

/** The adapter factory, with a statement cache on each connection it opens. */
export function withStatementCache(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const wrap = async (connecting: Promise<SqlDriverAdapter>) => {
    const adapter = (await connecting) as SqlDriverAdapter & { client: Database.Database };
    adapter.client = cachingClient(adapter.client) as unknown as Database.Database;
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => wrap(factory.connect()),
    connectToShadowDb: () => wrap(factory.connectToShadowDb()),
  };
}
