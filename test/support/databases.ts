// A fresh, empty database for each test: a SQLite file in a temp folder, or a
// PostgreSQL database created on the local server (TEST_PG_URL) and dropped
// afterwards. Both are real databases; nothing is mocked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type DbKind = 'sqlite' | 'postgresql';
export const dbKinds: DbKind[] = ['sqlite', 'postgresql'];

export const adminPgUrl = process.env.TEST_PG_URL ?? 'postgresql://root@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let counter = 0;

export async function freshDatabase(kind: DbKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'topic-test-'));
    return { url: `file:${join(dir, 'topic.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `topic_test_${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(adminPgUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminPgUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
