// Run before the tests (npm test): half the suites need PostgreSQL, and
// without it they would fail one by one, slowly. This says so in one line,
// within seconds, and stops the run.
import pg from 'pg';
import { adminPgUrl } from './support/databases.js';

const CONNECT_TIMEOUT_MS = 3000;

/** The URL as it can be printed: without its password. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

const client = new pg.Client({ connectionString: adminPgUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
try {
  await client.connect();
  await client.query('SELECT 1');
  await client.end();
} catch (error) {
  const reason = error instanceof Error ? error.message || error.name : String(error);
  process.stderr.write(
    `PostgreSQL is not reachable at ${shown(adminPgUrl)} (${reason}): start it, or set TEST_PG_URL to a server where that user may create databases, e.g. TEST_PG_URL=postgresql://user:pass@host:5432/postgres npm test\n`,
  );
  await client.end().catch(() => undefined);
  process.exit(1);
}
