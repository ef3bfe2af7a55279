import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../../src/delivery/rate-limiter.js';

const group = { kind: 'group', chatId: -100 } as const;

test('a window admits `limit` sends at once, then the next only after the window (counted from the answers)', async () => {
  const limiter = new RateLimiter({ privateChat: null, group: { limit: 5, windowMs: 300 }, global: null });
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
  assert.ok(times[4]! < 100, `first five at once: ${times}`);
  assert.ok(times[5]! >= 300, `the sixth waits for the window: ${times}`);
});

test('a 429 blocks the target for retry_after, even for calls that take no slot; other targets go on', async () => {
  const limiter = new RateLimiter({ privateChat: null, group: null, global: null });
  limiter.penalize(group, 1);
  const t0 = Date.now();
  const other = limiter.acquire({ kind: 'private', chatId: 7 }).then(() => Date.now() - t0);
  const same = limiter.acquire(group, 0).then(() => Date.now() - t0);
  assert.ok((await other) < 100, 'another chat is not held up');
  assert.ok((await same) >= 950, 'the penalised chat waits out retry_after');
});

test('an album larger than the limit goes into an empty window', async () => {
  const limiter = new RateLimiter({ privateChat: { limit: 3, windowMs: 1000 }, group: null, global: null });
  const t0 = Date.now();
  (await limiter.acquire({ kind: 'private', chatId: 1 }, 5))();
  assert.ok(Date.now() - t0 < 100);
});
