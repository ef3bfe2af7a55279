// The instance lock on a real PostgreSQL: whether the last instance that
// served stopped cleanly is kept in InstanceLease, so a start after a
// clean stop (or on a database nothing ever served from) need not wait out
// a lease, and a start after a crash must.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDb } from '../../src/db/client.js';
import { createInstanceLock } from '../../src/db/instance-lock.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { freshDatabase } from '../support/databases.js';

// Bugs: the state not written (every start waits), or read as clean after a crash (no fencing at all).
test('PostgreSQL: clean before anything served, not clean while serving or after a crash, clean after a clean stop', async () => {
  const database = await freshDatabase('postgresql');
  try {
    const first = createInstanceLock(database.url);
    assert.equal(await first.tryAcquire(), true);
    assert.equal(await first.releasedCleanly(), true, 'an empty database: nothing ever served');
    const db = createDb(database.url);
    await migrateDatabase(db);
    await db.close();
    assert.equal(await first.releasedCleanly(), true, 'migrated, but nobody served yet');
    await first.markServing();
    // A crash: the session ends without a word.
    await first.release();
    const second = createInstanceLock(database.url);
    assert.equal(await second.tryAcquire(), true);
    assert.equal(await second.releasedCleanly(), false, 'after a crash the old lease must be waited out');
    await second.markServing();
    await second.markReleased();
    await second.release();
    const third = createInstanceLock(database.url);
    assert.equal(await third.tryAcquire(), true);
    assert.equal(await third.releasedCleanly(), true, 'after a clean stop');
    await third.release();
  } finally {
    await database.drop();
  }
});
