// The limiter's timing, with windows long enough that a busy machine cannot
// blur "at once" and "after the window": no upper bound here is under a second.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../../src/delivery/rate-limiter.js';

const group = { kind: 'group', chatId: -100 } as const;

test('a window admits `limit` sends at once, then the next only after the window (counted from the answers)', async () => {
  const limiter = new RateLimiter({ privateChat: null, group: { limit: 5, windowMs: 3000 }, global: null });
  const t0 = Date.now();
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: 7 }, async () => {
      const answered = await limiter.acquire(group);
      times.push(Date.now() - t0);
      answered();
    }),
  );
  times.sort((a, b) => a - b);
  assert.ok(times[4]! < 1500, `first five at once: ${times}`);
  assert.ok(times[5]! >= 3000, `the sixth waits for the window: ${times}`);
});

test('a 429 blocks the target for retry_after, even for calls that take no slot; other targets go on', async () => {
  const limiter = new RateLimiter({ privateChat: null, group: null, global: null });
  limiter.penalize(group, 3);
  const t0 = Date.now();
  const other = limiter.acquire({ kind: 'private', chatId: 7 }).then(() => Date.now() - t0);
  const same = limiter.acquire(group, 0).then(() => Date.now() - t0);
  assert.ok((await other) < 1500, 'another chat is not held up');
  assert.ok((await same) >= 2950, 'the penalised chat waits out retry_after');
});

test('an album larger than the limit goes into an empty window', async () => {
  const limiter = new RateLimiter({ privateChat: { limit: 3, windowMs: 10_000 }, group: null, global: null });
  const t0 = Date.now();
  (await limiter.acquire({ kind: 'private', chatId: 1 }, 5))();
  assert.ok(Date.now() - t0 < 5000, 'not held for the window');
});
