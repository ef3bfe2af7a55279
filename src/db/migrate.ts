// Applies Prisma migrations (prisma/<provider>/migrations) at start-up.
//
// Prisma's CLI would download a native schema engine; this uses Prisma's own
// schema engine compiled to WebAssembly (@prisma/schema-engine-wasm) over the
// driver adapter instead, so it works offline and inside the slim Docker image.
// It writes the same `_prisma_migrations` table as `prisma migrate deploy`,
// and applying twice applies nothing the second time.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationList } from '@prisma/schema-engine-wasm';
import type { Database, Provider } from './client.js';
import { openSchemaEngine, prismaDir, schemaFor } from './schema-engine.js';

export function migrationsDir(provider: Provider): string {
  return join(prismaDir, provider, 'migrations');
}

export function readMigrations(provider: Provider): MigrationList {
  const baseDir = migrationsDir(provider);
  const lockPath = join(baseDir, 'migration_lock.toml');
  const dirs = existsSync(baseDir)
    ? readdirSync(baseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(baseDir, d.name, 'migration.sql')))
        .map((d) => d.name)
        .sort()
    : [];
  return {
    baseDir,
    lockfile: {
      path: 'migration_lock.toml',
      content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null,
    },
    shadowDbInitScript: '',
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: 'migration.sql',
        content: { tag: 'ok' as const, value: readFileSync(join(baseDir, name, 'migration.sql'), 'utf8') },
      },
    })),
  };
}

/**
 * Whether every migration here is recorded as applied. Asked first because
 * starting the schema engine (compiling its WebAssembly) costs a few hundred
 * milliseconds and tens of megabytes that an up-to-date database, the usual
 * case, does not need. Any doubt (no table yet, a failed query) says "no":
 * the engine then decides, as before.
 */
export async function upToDate(db: Database, migrations: MigrationList): Promise<boolean> {
  try {
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return migrations.migrationDirectories.every((d) => applied.has(d.path));
  } catch {
    return false;
  }
}

/** Applies pending migrations; returns the names of those applied now. */
export async function migrateDatabase(db: Database): Promise<string[]> {
  const migrations = readMigrations(db.provider);
  if (await upToDate(db, migrations)) return [];
  const { engine, close } = await openSchemaEngine(db.adapterFactory(), schemaFor(db.provider));
  try {
    const out = await engine.applyMigrations({
      migrationsList: migrations,
      filters: { externalTables: [], externalEnums: [] },
    });
    return out.appliedMigrationNames;
  } finally {
    await close();
  }
}
