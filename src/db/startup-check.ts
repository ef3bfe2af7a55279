// Before anything else at start-up: can the database be used at all? A
// problem found here is a setting to fix, not an outage to wait out (that is
// health.ts's job once the desk runs), so it stops start-up with one line
// that names DATABASE_URL (password blanked) and says what to do, like the
// config errors do.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerOf, sqlitePath } from './client.js';
import { blankPassword } from './health.js';

export class DatabaseStartupError extends Error {
  override name = 'DatabaseStartupError';
}

/** A short wait covers a moment's lock by our own other instance, never a program that holds the file. */
const SQLITE_BUSY_WAIT_MS = 2000;
const PG_CONNECT_TIMEOUT_MS = 5000;

export async function checkDatabase(url: string): Promise<void> {
  if (providerOf(url) === 'sqlite') return checkSqlite(sqlitePath(url), `DATABASE_URL ${url}`);
  const shown = `DATABASE_URL ${blankPassword(url)}`;
  return checkPostgres(url, shown);
}

function checkSqlite(path: string, shown: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
  } catch (error) {
    const code = codeOf(error);
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new DatabaseStartupError(`${shown}: ${dirname(path)} is a file, not a folder. Point it at a folder.`);
    throw new DatabaseStartupError(
      `${shown}: cannot create the folder ${dirname(path)} (${code}). Point it at a folder the bot may write (in Docker: a volume writable by user "node").`,
    );
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: SQLITE_BUSY_WAIT_MS });
    // A write transaction: tells a read-only file or folder, and a lock held by another program.
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  } catch (error) {
    const code = codeOf(error);
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      throw new DatabaseStartupError(`${shown}: the file is locked by another program (a database browser, a backup tool?). Close it, then start again.`);
    }
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES' || code === 'EROFS') {
      throw new DatabaseStartupError(
        `${shown}: the file or its folder cannot be written (${code}). Give the bot write access to ${dirname(path)} (in Docker: a volume writable by user "node").`,
      );
    }
    throw new DatabaseStartupError(`${shown}: cannot open the file (${code}: ${messageOf(error)}).`);
  } finally {
    db?.close();
  }
}

async function checkPostgres(url: string, shown: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
  // A session the server ends later must not end the process (the check is over by then).
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new DatabaseStartupError(`${shown}: ${postgresAdvice(error, url)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function postgresAdvice(error: unknown, url: string): string {
  const code = codeOf(error);
  let where = '';
  let database = '';
  let user = '';
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || '5432'}`;
    database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    user = decodeURIComponent(u.username);
  } catch {
    // The config already checked the shape; an odd one just gets the plain reasons below.
  }
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing accepts connections at ${where}. Is PostgreSQL running there, on that port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host in it is unknown (${where}). Check the host name.`;
    case 'ETIMEDOUT':
      return `no answer from ${where} within ${PG_CONNECT_TIMEOUT_MS / 1000} s. Check the address and any firewall.`;
    case '3D000':
      return `the database "${database}" does not exist. Create it (createdb ${database}) or fix the name.`;
    case '28000':
      return `PostgreSQL refuses the role "${user}" (${messageOf(error)}). Create the role or fix the user name.`;
    case '28P01':
      return `the password for "${user}" is wrong.`;
    default:
      if (/timeout/i.test(messageOf(error))) return `no answer from ${where} within ${PG_CONNECT_TIMEOUT_MS / 1000} s. Check the address and any firewall.`;
      return `cannot connect (${code || 'error'}: ${messageOf(error)}).`;
  }
}

const codeOf = (error: unknown) => String((error as { code?: unknown } | undefined)?.code ?? '');
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
