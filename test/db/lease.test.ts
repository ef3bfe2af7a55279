// The lease that fences an instance (src/db/lease.ts), with an in-memory lock
// whose answers the test controls, on a fast clock (timings of tens of ms).
// Only orderings and lower bounds on time are asserted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDbHealth } from '../../src/db/health.js';
import type { InstanceLock, PreviousHolder } from '../../src/db/instance-lock.js';
import { createLease } from '../../src/db/lease.js';
import { sleep } from '../../src/lib/sleep.js';
import { createLogger } from '../../src/logger.js';

const timing = { leaseMs: 300, beatMs: 60, retryMs: 50 };

/** A lock another instance may hold, whose heartbeat can fail or hang. */
function fakeLock() {
  const state = { heldByOther: false, checkFails: false, checkHangs: false, acquired: 0, previous: 'unknown' as PreviousHolder, marks: [] as string[] };
  const lock: InstanceLock = {
    async tryAcquire() {
      if (state.heldByOther) return false;
      state.acquired++;
      return true;
    },
    async check() {
      if (state.checkHangs) await sleep(10_000);
      return !state.checkFails;
    },
    async release() {},
    previousHolder: async () => state.previous,
    markServing: async () => void state.marks.push('serving'),
    markReleased: async () => void state.marks.push('released'),
  };
  return { lock, state };
}

const logger = createLogger('silent');

test('a standby waits while the lock is held, then a whole lease more before it starts', async () => {
  // Bug caught: a standby starting the moment it takes the lock, while the
  // old leader (cut off from the database) may still send for up to a lease.
  const { lock, state } = fakeLock();
  state.heldByOther = true;
  const lease = createLease({ lock, logger, health: createDbHealth(logger, 'postgresql://x'), canLapse: true, timing });
  const t0 = Date.now();
  const acquired = lease.acquire(() => false);
  await sleep(200);
  state.heldByOther = false;
  const freedAt = Date.now();
  assert.equal(await acquired, true);
  assert.ok(Date.now() - freedAt >= timing.leaseMs + timing.beatMs - 5, 'waited a lease and a beat after taking the lock');
  assert.ok(Date.now() - t0 >= 200);
  await lease.release();
});

for (const failure of ['fails', 'hangs'] as const) {
  test(`when the heartbeat ${failure}, serving stops within a lease of the last good beat, and resumes once the lock is held again`, async () => {
    // Bugs caught: a dead lock connection not noticed (two instances send at
    // once); a hanging heartbeat never timing out; no way back after the outage.
    const { lock, state } = fakeLock();
    const lease = createLease({ lock, logger, health: createDbHealth(logger, 'postgresql://x'), canLapse: true, timing });
    assert.equal(await lease.acquire(() => false), true);
    const events: Array<[string, number]> = [];
    lease.watch({
      onLost: async () => {
        events.push(['lost', Date.now()]);
      },
      onHeld: async () => {
        events.push(['held', Date.now()]);
      },
    });
    await sleep(200);
    const lastGood = Date.now();
    if (failure === 'fails') state.checkFails = true;
    else state.checkHangs = true;
    state.heldByOther = true;
    for (let i = 0; i < 100 && !events.length; i++) await sleep(20);
    const lost = events[0];
    assert.ok(lost && lost[0] === 'lost', 'the lease was lost');
    assert.ok(lost[1] >= lastGood);
    // The database is back: the lock can be taken again.
    state.checkFails = false;
    state.checkHangs = false;
    state.heldByOther = false;
    for (let i = 0; i < 100 && events.length < 2; i++) await sleep(20);
    assert.deepEqual(
      events.map(([e]) => e),
      ['lost', 'held'],
    );
    assert.ok(events[1]![1] - lost[1] >= timing.leaseMs, 'it waited a lease before serving again');
    await lease.release();
  });
}

test('on SQLite the lock cannot lapse: no wait at start, and watching does nothing', async () => {
  const { lock } = fakeLock();
  const lease = createLease({ lock, logger, health: createDbHealth(logger, 'file:x'), canLapse: false, timing: { ...timing, leaseMs: 5000 } });
  const t0 = Date.now();
  assert.equal(await lease.acquire(() => false), true);
  assert.ok(Date.now() - t0 < 4000);
  await lease.release();
});

test('after a clean stop (or where nothing ever served) the lock is taken without waiting out a lease; release records a clean stop', {
  timeout: 10_000,
}, async () => {
  // Bugs caught: every start waiting out a lease (a PostgreSQL start or a
  // planned switch-over slower by 1.8 s for nothing); a clean stop not
  // recorded, so the next start waits anyway; a crash taken for a clean stop.
  const { lock, state } = fakeLock();
  state.previous = 'clean';
  const slow = { leaseMs: 60_000, beatMs: 1_000, retryMs: 50 };
  const lease = createLease({ lock, logger, health: createDbHealth(logger, 'postgresql://x'), canLapse: true, timing: slow });
  assert.equal(await lease.acquire(() => false), true, 'taken at once: a wait of a minute would time the test out');
  lease.watch({ onLost: async () => {}, onHeld: async () => {} });
  await lease.serving();
  await lease.release();
  assert.deepEqual(state.marks, ['serving', 'released']);

  const crashed = fakeLock();
  const after = createLease({ lock: crashed.lock, logger, health: createDbHealth(logger, 'postgresql://x'), canLapse: true, timing });
  const t0 = Date.now();
  assert.equal(await after.acquire(() => false), true);
  // (A few ms of slack: a timer may fire a millisecond before Date.now() says its time is up; no wait at all is ~0 ms.)
  assert.ok(Date.now() - t0 >= timing.leaseMs + timing.beatMs - 5, 'after a crash, the old lease is waited out');
  await after.release();
});

test("after the old holder's death (all its sessions ended) the lock is taken without waiting out a lease", { timeout: 10_000 }, async () => {
  // Bug caught: a standby that waits out a whole lease after a leader was
  // killed (the takeover 1.8 s instead of a fraction of a second); the
  // fencing for a cut connection (state 'unknown') is the first test's.
  const { lock, state } = fakeLock();
  state.heldByOther = true;
  state.previous = 'gone';
  const slow = { leaseMs: 60_000, beatMs: 1_000, retryMs: 20 };
  const lease = createLease({ lock, logger, health: createDbHealth(logger, 'postgresql://x'), canLapse: true, timing: slow });
  const acquired = lease.acquire(() => false);
  await sleep(100);
  state.heldByOther = false;
  const freedAt = Date.now();
  assert.equal(await acquired, true, 'taken at once: a wait of a minute would time the test out');
  assert.ok(Date.now() - freedAt < 5_000);
  await lease.release();
});
