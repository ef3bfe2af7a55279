// Writes a new migration for both providers: `npm run migration:new -- <name>`.
//
// It diffs the models as of the last migration (kept beside it as
// schema.prisma, the state that migration leads to) against prisma/schema.prisma,
// with Prisma's own schema engine (wasm, offline), and writes Prisma's layout:
// prisma/<provider>/migrations/<timestamp>_<name>/migration.sql.
// PostgreSQL needs a connection for the engine to start: MIGRATION_PG_URL,
// default postgresql://root@127.0.0.1:5432/postgres. Nothing is written there.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import type { Provider } from '../src/db/client.js';
import { migrationsDir } from '../src/db/migrate.js';
import { openSchemaEngine, schemaFor } from '../src/db/schema-engine.js';

const name = (process.argv[2] ?? '').replace(/[^a-z0-9_]+/gi, '_').toLowerCase();
if (!name) {
  console.error('usage: npm run migration:new -- <name>');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);

for (const provider of ['sqlite', 'postgresql'] as Provider[]) {
  const dir = migrationsDir(provider);
  mkdirSync(dir, { recursive: true });
  const previous = readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, 'schema.prisma')))
    .sort()
    .at(-1);
  const target = schemaFor(provider);
  const factory =
    provider === 'sqlite'
      ? new PrismaBetterSqlite3({ url: ':memory:' })
      : new PrismaPg({ connectionString: process.env.MIGRATION_PG_URL ?? 'postgresql://root@127.0.0.1:5432/postgres' });
  const { engine, close } = await openSchemaEngine(factory, target);
  const from = previous
    ? { tag: 'schemaDatamodel' as const, files: [{ path: 'schema.prisma', content: readFileSync(join(dir, previous, 'schema.prisma'), 'utf8') }] }
    : { tag: 'empty' as const };
  const out = await engine.diff({
    from,
    to: { tag: 'schemaDatamodel', files: [target] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  await close();
  const sql = (out as { stdout?: string }).stdout ?? '';
  if (!sql.trim() || /empty migration/i.test(sql)) {
    console.log(`${provider}: no changes`);
    continue;
  }
  const folder = join(dir, `${stamp}_${name}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'migration.sql'), sql);
  writeFileSync(join(folder, 'schema.prisma'), target.content);
  writeFileSync(join(dir, 'migration_lock.toml'), `# Written by prisma/new-migration.ts\nprovider = "${provider}"\n`);
  console.log(`${provider}: wrote ${folder}`);
}
