// The anti-flood's pace (src/domain/flood.ts) on a clock the test sets: who
// is held, until when, and when a flood begins (the managers' one line).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFloodGuard, type FloodGuard } from '../../src/domain/flood.js';

const t0 = Date.parse('2026-01-15T10:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);

/** n messages taken at `ms`, each committed: when each is released (0: at once) and which begin a flood. */
function burst(guard: FloodGuard, n: number, ms: number, limit = 20, mediaGroupId?: string) {
  return Array.from({ length: n }, () => {
    const pace = guard.pace(1, at(ms), limit, mediaGroupId);
    guard.commit(pace);
    return { release: pace.releaseAt ? pace.releaseAt.getTime() - t0 : 0, starts: pace.startsFlood };
  });
}

// Bugs it catches: a burst slowed from its first message (the limit is a
// burst allowance), held messages released all at once a window later
// (their pace, not a wall), a line per held message, a rested user still
// slowed or never told again, an album counted per item, and a pace taken
// for a decision that never committed.
test('20 at once, then one every window/limit; one flood per episode; rest resets; albums count once; off holds nothing', () => {
  const guard = createFloodGuard(60);
  const first = burst(guard, 40, 0);
  assert.deepEqual(
    first.map((m) => m.release),
    [...Array(20).fill(0), ...Array.from({ length: 20 }, (_, i) => (i + 1) * 3000)],
  );
  assert.deepEqual(
    first.flatMap((m, i) => (m.starts ? [i + 1] : [])),
    [21],
    'the managers are told once, with the first held message',
  );
  // Right after the last held one (the bucket is empty): held, and the same flood; a little later, one slot has refilled.
  assert.deepEqual(burst(guard, 1, 61_000), [{ release: 63_000, starts: false }]);
  assert.deepEqual(burst(guard, 1, 67_000), [{ release: 0, starts: false }]);
  // Rested (nothing for a while): a burst goes at once again, and a new flood is a new line.
  const again = burst(guard, 21, 300_000);
  assert.equal(again[19]!.release, 0);
  assert.deepEqual(again[20], { release: 303_000, starts: true });

  // An album's items (one update each) count as one message, released together.
  const albums = createFloodGuard(60);
  burst(albums, 19, 0);
  assert.deepEqual(
    burst(albums, 3, 0, 20, 'album-1').map((m) => m.release),
    [0, 0, 0],
  );
  assert.deepEqual(burst(albums, 1, 0), [{ release: 3000, starts: true }]);

  // Uncommitted (the decision was a duplicate, or failed): not counted.
  const dry = createFloodGuard(60);
  for (let i = 0; i < 30; i++) dry.pace(1, at(0), 20);
  assert.equal(dry.pace(1, at(0), 20).releaseAt, undefined);

  // Off: never held.
  assert.ok(burst(createFloodGuard(60), 50, 0, 0).every((m) => m.release === 0 && !m.starts));
});
