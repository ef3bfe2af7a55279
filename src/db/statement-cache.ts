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
type ColumnDefinition = ReturnType<Statement['columns']>;

interface Cached {
  statement: Statement;
  /** better-sqlite3 builds new column objects at each call; a statement's columns never change. */
  columns?: ColumnDefinition;
}

function cachingClient(db: Database.Database) {
  const cache = new Map<string, Cached>();
  const statement = (sql: string): Cached => {
    let c = cache.get(sql);
    if (c) {
      cache.delete(sql);
    } else {
      c = { statement: db.prepare(sql) as Statement };
      if (cache.size >= MAX_STATEMENTS) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, c);
    return c;
  };
  return {
    prepare(sql: string) {
      const c = statement(sql);
      const s = c.statement;
      return {
        run: () => s.run(),
        bind: (args: unknown[]) => ({
          reader: s.reader,
          run: () => s.run(args),
          columns: () => (c.columns ??= s.columns()),
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
