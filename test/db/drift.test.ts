// The migrations, applied to an empty database, give exactly the model in
// prisma/schema.prisma. Branches merged together can break this silently
// (on SQLite a later table rebuild drops what an earlier migration added).
// On SQLite, Prisma's schema engine reads the database back and must find
// nothing to change; on PostgreSQL its reading through the driver adapter
// cannot describe every catalog type, so the catalog is compared with a
// database made from the model in one step.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { createDb } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { openSchemaEngine, prismaDir, schemaFor } from '../../src/db/schema-engine.js';
import pg from 'pg';
import { freshDatabase } from '../support/databases.js';

// Bug: a migration missing (or undone by a later one) for part of the model: an index, a column, a table.
test('the migrations lead to the model exactly, on sqlite', async () => {
  const kind = 'sqlite';
  {
    const database = await freshDatabase(kind);
    try {
      const db = createDb(database.url);
      await migrateDatabase(db);
      await db.close();
      const target = schemaFor(kind);
      const { engine, close } = await openSchemaEngine(new PrismaBetterSqlite3({ url: database.url }), target);
      try {
        const out = (await engine.diff({
          // The database itself, read back by the engine.
          from: { tag: 'schemaDatasource', files: [target], configDir: join(prismaDir, kind) } as never,
          to: { tag: 'schemaDatamodel', files: [target] },
          script: true,
          exitCode: null,
          filters: { externalTables: [], externalEnums: [] },
        })) as { stdout?: string };
        const sql = (out.stdout ?? '').trim();
        assert.ok(sql === '' || /empty migration/i.test(sql), `the database differs from the model:\n${sql}`);
      } finally {
        await close();
      }
    } finally {
      await database.drop();
    }
  }
});

// Bug: as above, on PostgreSQL.
test('the migrations lead to the model exactly, on postgresql', async () => {
  const migrated = await freshDatabase('postgresql');
  const direct = await freshDatabase('postgresql');
  try {
    const db = createDb(migrated.url);
    await migrateDatabase(db);
    await db.close();
    const target = schemaFor('postgresql');
    const { engine, close } = await openSchemaEngine(new PrismaPg({ connectionString: direct.url }), target);
    let sql: string;
    try {
      const out = (await engine.diff({
        from: { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files: [target] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      })) as { stdout?: string };
      sql = out.stdout ?? '';
    } finally {
      await close();
    }
    await query(direct.url, sql);
    assert.deepEqual(await catalog(migrated.url), await catalog(direct.url));
  } finally {
    await migrated.drop();
    await direct.drop();
  }
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Columns, indexes and constraints of the public schema, as sorted lines (Prisma's own bookkeeping left out). */
async function catalog(url: string): Promise<string[]> {
  const [columns, indexes, constraints] = await Promise.all([
    query(
      url,
      "select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as line from information_schema.columns where table_schema = 'public' and table_name <> '_prisma_migrations'",
    ),
    query(url, "select indexdef as line from pg_indexes where schemaname = 'public' and tablename <> '_prisma_migrations'"),
    query(
      url,
      "select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) as line from pg_constraint where connamespace = 'public'::regnamespace and conrelid::regclass::text <> '_prisma_migrations'",
    ),
  ]);
  return [...columns.rows, ...indexes.rows, ...constraints.rows].map((r: { line: string }) => r.line).sort();
}
