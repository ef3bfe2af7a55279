// Which database errors are worth waiting out, and which are bugs.
//
// A transient error is the database itself failing for a while: the
// connection refused, lost or timed out, a lock or a transaction that waited
// too long, a serialization conflict, the disk full or read-only. The same
// statement may succeed later, so the caller retries (and nothing is
// announced: an outage is not a bug). Everything else (a validation error, a
// record that is not there, a constraint, a syntax error) will fail the same
// way every time: retrying it would block a queue or an update forever, so it
// is treated as a bug: logged, announced where a person can see it, and
// passed over.

/** Prisma's codes for a database that is unreachable, slow, or conflicting. */
const TRANSIENT_PRISMA_CODES = new Set([
  'P1001', // can't reach the database server
  'P1002', // the server was reached but timed out
  'P1008', // operations timed out
  'P1011', // TLS connection error
  'P1017', // the server closed the connection
  'P1018', // the transaction was already closed (it timed out)
  'P2024', // timed out fetching a connection from the pool
  'P2028', // transaction API error (a transaction that timed out waiting)
  'P2034', // write conflict or deadlock: retry the transaction
  'P2037', // too many connections
]);

/** Driver adapter error kinds (@prisma/driver-adapter-utils) that mean the same. */
const TRANSIENT_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TlsConnectionError',
  'TransactionWriteConflict',
  'TransactionAlreadyClosed',
  'TooManyConnections',
]);

/**
 * PostgreSQL SQLSTATE classes and codes: 08 connection exception, 53
 * insufficient resources (disk full, out of memory, too many connections), 57
 * operator intervention (admin shutdown, crash, cannot connect now), 58 system
 * error, 40001/40P01 serialization failure and deadlock, 55P03 lock not
 * available, 25P03 idle in transaction timeout.
 */
const TRANSIENT_PG_CODE = /^(08|53|57|58)|^(40001|40P01|55P03|25P03)$/;

/** SQLite: busy or locked by another connection or program, disk full, read-only, I/O trouble, file gone. */
const TRANSIENT_SQLITE_CODE = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN|PROTOCOL|NOLFS)/;

/** Node's socket errors, and pg's own words for a connection that went away. */
const TRANSIENT_SYSTEM_CODE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN)$/;
const TRANSIENT_MESSAGE =
  /Connection terminated|connection error|Connection refused|timeout exceeded when trying to connect|terminating connection|the database system is (starting up|shutting down|in recovery mode)|is not currently accepting connections|server closed the connection|database is locked|SQLITE_BUSY/i;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

function causeOf(error: ErrorLike): ErrorLike | undefined {
  const fromMeta = error.meta?.driverAdapterError as ErrorLike | undefined;
  const adapterError = fromMeta ?? (error.name === 'DriverAdapterError' ? error : undefined);
  return adapterError?.cause as ErrorLike | undefined;
}

/** True when the database failed for a while (retry later); false for a bug (do not retry). */
/**
 * A decision refused at commit because this instance has lost its lease
 * (another may serve now, db/lease.ts). Transient for whoever handles it: the
 * update stays unhandled in the inbox and the job pending, for the instance
 * that serves (or for this one once it holds the lock again).
 */
export class LeaseLostError extends Error {
  constructor() {
    super('this instance no longer holds the instance lock: the decision was not committed');
    this.name = 'LeaseLostError';
  }
}

export function isTransientDbError(error: unknown): boolean {
  if (error instanceof LeaseLostError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as ErrorLike;
  // Prisma could not connect at all when it started.
  if (e.name === 'PrismaClientInitializationError') return true;
  if (typeof e.code === 'string') {
    if (TRANSIENT_PRISMA_CODES.has(e.code)) return true;
    if (TRANSIENT_SQLITE_CODE.test(e.code) || TRANSIENT_SYSTEM_CODE.test(e.code)) return true;
  }
  const cause = causeOf(e);
  if (cause) {
    const kind = typeof (cause as { kind?: unknown }).kind === 'string' ? (cause as { kind: string }).kind : '';
    if (TRANSIENT_ADAPTER_KINDS.has(kind)) return true;
    const original = (cause as { originalCode?: unknown; code?: unknown }).originalCode ?? cause.code;
    if (kind === 'postgres' && typeof original === 'string' && TRANSIENT_PG_CODE.test(original)) return true;
    // 55000 is a bug in general, but not with these words: the database was closed to connections (ALLOW_CONNECTIONS false).
    if (kind === 'postgres' && TRANSIENT_MESSAGE.test(String((cause as { message?: unknown }).message ?? ''))) return true;
    if (kind === 'sqlite' && typeof original === 'string' && TRANSIENT_SQLITE_CODE.test(original)) return true;
    if (kind === 'GenericJs') return TRANSIENT_MESSAGE.test(String((cause as { message?: unknown }).message ?? e.message ?? ''));
    return false;
  }
  // Errors from the drivers themselves (pg, better-sqlite3) that reach us unwrapped.
  if (typeof e.message === 'string' && TRANSIENT_MESSAGE.test(e.message) && !String(e.name).startsWith('PrismaClientValidation')) return true;
  if (e.cause && e.cause !== error) return isTransientDbError(e.cause);
  return false;
}

/** A unique-constraint violation (two decisions created the same row): Prisma's, or the adapter's from direct SQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as ErrorLike).code === 'P2002') return true;
  return (causeOf(error as ErrorLike) as { kind?: unknown } | undefined)?.kind === 'UniqueConstraintViolation';
}
