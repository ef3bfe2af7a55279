// Plain SQL for the relay's hot path, run by the driver adapter itself.
//
// Each Prisma query costs about half a millisecond of CPU before and after
// the database's own work (building the query plan's arguments, interpreting
// it, mapping the result, with a call-site stack for every query), and
// inside an interactive transaction more; the database's work for the same
// statement is a few dozen microseconds. A relayed message takes about ten
// such statements, so Prisma was most of the bot's CPU (npm run bench, CPU
// profiles). The statements every message runs (the user, the topic and
// ticket, the message row, its outbox job, the delivery's record, the inbox,
// a card's ticket) are therefore written in db/queries/ in SQL both
// databases accept, and sent through here straight to the adapter Prisma
// itself uses: the same connection, the same transaction, the same error
// types. Everything else stays with Prisma.
//
// A statement inside a decision must run in that decision's transaction.
// Prisma does not hand out the adapter transaction behind its transaction
// client. On PostgreSQL `write` (client.ts) runs the transaction in an async
// context where the adapter, asked to start a transaction, leaves it; the
// client handed to the callback is then registered with it. SQLite has one
// connection, which is inside the transaction while the callback runs.
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ColumnTypeEnum,
  type ArgType,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQueryable,
  type SqlResultSet,
  type Transaction,
} from '@prisma/driver-adapter-utils';

export interface DirectSql {
  /** Rows as objects: BIGINT columns as bigint, DATETIME as Date, BOOLEAN as boolean (as Prisma gives them). */
  query<T>(sql: string, args: readonly unknown[]): Promise<T[]>;
  /** Rows changed. */
  execute(sql: string, args: readonly unknown[]): Promise<number>;
}

/** A transaction being started by `write`: the adapter leaves its transaction here. */
interface Slot {
  tx?: Transaction;
}
const starting = new AsyncLocalStorage<Slot>();

interface Registration {
  queryable: () => Promise<SqlQueryable>;
  /** SQLite: one connection, one transaction at a time. */
  singleConnection: boolean;
}

/**
 * Prisma clients (the base client, and each transaction's) → the adapter
 * queryable their queries run on. Keyed by the client because the client is
 * what every query function is handed; weak, so a finished transaction's
 * client is not kept. It holds no state of its own: createDb and write fill it.
 */
const registered = new WeakMap<object, Registration>();

/**
 * The adapter factory, reporting the adapter it connects (for queries outside
 * transactions) and each transaction it starts (see `inTransaction`).
 */
export function capturingAdapter(
  factory: SqlMigrationAwareDriverAdapterFactory,
  onConnect: (adapter: SqlDriverAdapter) => void,
): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      const start = adapter.startTransaction.bind(adapter);
      adapter.startTransaction = async (isolationLevel) => {
        const tx = await start(isolationLevel);
        const slot = starting.getStore();
        if (slot) slot.tx = tx;
        return tx;
      };
      onConnect(adapter);
      return adapter;
    },
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}

/** Registers a Prisma client's adapter (the client connects on its first query). */
export function registerClient(client: object, queryable: () => Promise<SqlQueryable>, singleConnection: boolean): void {
  registered.set(client, { queryable, singleConnection });
}

/** True for SQLite's one connection (see db/client.ts, writeShared). */
export function isSingleConnection(client: object): boolean {
  return registered.get(client)?.singleConnection === true;
}

/**
 * Runs `start` (which starts a Prisma transaction on `client` and calls back
 * with its transaction client) so that the client given to `fn` is
 * registered with its adapter transaction.
 */
export function inTransaction<C extends object, T>(client: object, start: (fn: (tx: C) => Promise<T>) => Promise<T>, fn: (tx: C) => Promise<T>): Promise<T> {
  const base = registered.get(client);
  if (!base) return start(fn);
  if (base.singleConnection) {
    // SQLite: the one connection is inside this transaction while it runs (Prisma starts one at a time), so the
    // adapter's own queries are the transaction's. No async context: on Node 20 it costs every promise a hook.
    return start((tx) => {
      registered.set(tx, base);
      return fn(tx);
    });
  }
  const slot: Slot = {};
  return starting.run(slot, () =>
    start((tx) => {
      const adapterTx = slot.tx;
      if (adapterTx) registered.set(tx, { queryable: () => Promise.resolve(adapterTx), singleConnection: false });
      return fn(tx);
    }),
  );
}

/** Plain SQL on the connection (and in the transaction) of a Prisma client. */
export function directSql(client: object): DirectSql {
  const queryable = registered.get(client)?.queryable;
  if (!queryable) throw new Error('direct SQL: this Prisma client was not made by createDb (or its transaction not by write)');
  return {
    async query<T>(sql: string, args: readonly unknown[]): Promise<T[]> {
      const q = await queryable();
      return rowsOf(await q.queryRaw(sqlQuery(q, sql, args))) as T[];
    },
    async execute(sql: string, args: readonly unknown[]): Promise<number> {
      const q = await queryable();
      return q.executeRaw(sqlQuery(q, sql, args));
    },
  };
}

/** SQL is written with `?` placeholders; PostgreSQL numbers them. */
const numbered = new Map<string, string>();
function forDialect(provider: string, sql: string): string {
  if (provider !== 'postgres') return sql;
  let text = numbered.get(sql);
  if (text === undefined) {
    let n = 0;
    text = sql.replace(/\?/g, () => `$${++n}`);
    if (numbered.size < 1000) numbered.set(sql, text);
  }
  return text;
}

function argTypeOf(value: unknown): ArgType {
  if (value instanceof Date) return DATETIME;
  if (typeof value === 'bigint') return BIGINT;
  if (typeof value === 'number') return Number.isInteger(value) ? INT : FLOAT;
  if (typeof value === 'boolean') return BOOLEAN;
  if (typeof value === 'string') return STRING;
  return UNKNOWN;
}
const DATETIME: ArgType = { scalarType: 'datetime', arity: 'scalar' };
const BIGINT: ArgType = { scalarType: 'bigint', arity: 'scalar' };
const INT: ArgType = { scalarType: 'int', arity: 'scalar' };
const FLOAT: ArgType = { scalarType: 'float', arity: 'scalar' };
const BOOLEAN: ArgType = { scalarType: 'boolean', arity: 'scalar' };
const STRING: ArgType = { scalarType: 'string', arity: 'scalar' };
const UNKNOWN: ArgType = { scalarType: 'unknown', arity: 'scalar' };

function sqlQuery(q: SqlQueryable, sql: string, args: readonly unknown[]) {
  return { sql: forDialect(q.provider, sql), args: [...args], argTypes: args.map(argTypeOf) };
}

function rowsOf(result: SqlResultSet): Record<string, unknown>[] {
  const { columnNames, columnTypes } = result;
  return result.rows.map((row) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++) out[columnNames[i]!] = decode(row[i], columnTypes[i]);
    return out;
  });
}

function decode(value: unknown, type: number | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case ColumnTypeEnum.Int64:
      return BigInt(value as number | string | bigint);
    case ColumnTypeEnum.DateTime:
      return new Date(value as string | number);
    case ColumnTypeEnum.Boolean:
      return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
    case ColumnTypeEnum.Int32:
      return Number(value);
    default:
      return value;
  }
}

/**
 * A model's columns for a SELECT or RETURNING, from Prisma's own list of its
 * fields (so a column added to the schema is never left out). Enum columns
 * are read as text: PostgreSQL's enum types are not among the adapter's.
 */
export function columnsOf(fields: Record<string, string>, enums: readonly string[] = [], table?: string, alias = ''): string {
  const prefix = table ? `"${table}".` : '';
  return Object.values(fields)
    .map((c) => {
      const column = enums.includes(c) ? `CAST(${prefix}"${c}" AS TEXT)` : `${prefix}"${c}"`;
      return enums.includes(c) || alias ? `${column} AS "${alias}${c}"` : column;
    })
    .join(', ');
}

/**
 * Splits a joined row into its parts: the columns named `alias` + field
 * (columnsOf with that alias) go to the second, the rest to the first.
 */
export function splitRow<A, B>(row: Record<string, unknown>, alias: string): [A, B] {
  const first: Record<string, unknown> = {};
  const second: Record<string, unknown> = {};
  for (const key in row) {
    if (key.startsWith(alias)) second[key.slice(alias.length)] = row[key];
    else first[key] = row[key];
  }
  return [first as A, second as B];
}
