// Start-up skips the schema engine when every migration is recorded as
// applied; anything less (a new migration shipped, a rolled-back one, no
// table yet) must still go to the engine, on both databases.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createDb, type Database } from '../../src/db/client.js';
import { migrateDatabase, readMigrations, upToDate } from '../../src/db/migrate.js';
import { dbKinds, freshDatabase, type TestDatabase } from '../support/databases.js';

for (const kind of dbKinds) {
  describe(`migrations on ${kind}`, () => {
    let database: TestDatabase;
    let db: Database;
    beforeEach(async () => {
      database = await freshDatabase(kind);
      db = createDb(database.url);
    });
    afterEach(async () => {
      await db.close();
      await database.drop();
    });

    // Bug: the shortcut taken when the newest migration is missing (a new
    // version's tables never created), or when nothing was ever applied.
    test('up to date only when every migration here is applied and not rolled back', async () => {
      const migrations = readMigrations(db.provider);
      assert.equal(await upToDate(db, migrations), false, 'a new database');
      const applied = await migrateDatabase(db);
      assert.deepEqual(
        applied,
        migrations.migrationDirectories.map((d) => d.path),
      );
      assert.equal(await upToDate(db, migrations), true);
      assert.deepEqual(await migrateDatabase(db), [], 'nothing applied twice');

      const newest = migrations.migrationDirectories.at(-1)!.path;
      await db.prisma.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET rolled_back_at = finished_at WHERE migration_name = '${newest}'`);
      assert.equal(await upToDate(db, migrations), false, 'a rolled-back migration');
      await db.prisma.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE migration_name = '${newest}'`);
      assert.equal(await upToDate(db, migrations), false, 'the newest one missing');
    });
  });
}
