// The rate limiter's windows, penalties and in-flight accounting. Only lower
// bounds on time are asserted (a wait that must happen); "at once" is checked
// against a window ten times longer, so a slow machine cannot fail it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from '../../src/delivery/rate-limiter.js';
import { sleep } from '../../src/lib/sleep.js';

const group = { kind: 'group', chatId: -100 } as const;

test('a window admits `limit` sends at once, then the next only after the window (counted from the answers)', async () => {
  const limiter = new RateLimiter({ privateChat: null, group: { limit: 5, windowMs: 2000 }, global: null });
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
  assert.ok(times[5]! >= 2000, `the sixth waits for the window: ${times}`);
});

test('a send still in flight counts however long it takes, and the next waits a window from its answer', async () => {
  // Bug caught: in-flight sends dropped from the window after windowMs, so a
  // slow send let one more through than Telegram allows (a 429).
  const limiter = new RateLimiter({ privateChat: null, group: { limit: 1, windowMs: 200 }, global: null });
  const answered = await limiter.acquire(group);
  let admitted = false;
  const next = limiter.acquire(group).then((done) => {
    admitted = true;
    return done;
  });
  await sleep(600);
  assert.equal(admitted, false, 'the window is full while the first send is in flight');
  const answeredAt = Date.now();
  answered();
  (await next)();
  assert.ok(Date.now() - answeredAt >= 200, 'the next send waits a window from the answer');
});

test('a 429 blocks the target for retry_after, even for calls that take no slot; other targets go on', async () => {
  const limiter = new RateLimiter({ privateChat: null, group: null, global: null });
  limiter.penalize(group, 2);
  const t0 = Date.now();
  const other = limiter.acquire({ kind: 'private', chatId: 7 }).then(() => Date.now() - t0);
  const same = limiter.acquire(group, 0).then(() => Date.now() - t0);
  assert.ok((await other) < 1500, 'another chat is not held up');
  assert.ok((await same) >= 1950, 'the penalised chat waits out retry_after');
});

test('an album larger than the limit goes into an empty window', async () => {
  const limiter = new RateLimiter({ privateChat: { limit: 3, windowMs: 5000 }, group: null, global: null });
  const t0 = Date.now();
  (await limiter.acquire({ kind: 'private', chatId: 1 }, 5))();
  assert.ok(Date.now() - t0 < 4000);
});

test('sends waiting for one target go in the order they asked: a single send does not overtake an album waiting for two slots', async () => {
  // Bug caught: waiting sends raced for each free slot (whoever woke first),
  // so an outbox queue could be overtaken again and again by others (no
  // turns), and an album waiting for two slots by every single send behind it.
  const limiter = new RateLimiter({ privateChat: null, group: { limit: 2, windowMs: 300 }, global: null });
  (await limiter.acquire(group))();
  await sleep(100);
  (await limiter.acquire(group))();
  const order: string[] = [];
  // The window is full; the first slot frees in ~200 ms, the second ~100 ms later.
  const album = limiter.acquire(group, 2).then((done) => {
    order.push('album');
    done();
  });
  const single = limiter.acquire(group, 1).then((done) => {
    order.push('single');
    done();
  });
  await Promise.all([album, single]);
  assert.deepEqual(order, ['album', 'single']);
});

test('low-priority sends (broadcasts) keep to their own pace and leave a sixth of the global window for normal sends', async () => {
  // Bugs caught: a broadcast filling the whole global window, so the next
  // user's message waits for it to expire; a broadcast faster than its rate.
  const limiter = new RateLimiter({ privateChat: null, group: null, global: { limit: 6, windowMs: 2000 }, lowPriority: { limit: 4, windowMs: 2000 } });
  const t0 = Date.now();
  const low: number[] = [];
  const all = Array.from({ length: 5 }, (_, i) =>
    limiter.acquire({ kind: 'private', chatId: 100 + i }, 1, 'low').then((done) => {
      low.push(Date.now() - t0);
      done();
    }),
  );
  await sleep(200);
  assert.equal(low.length, 4, `the broadcast's own pace: ${low}`);
  // The global window holds 4 of 6: a normal send finds room at once.
  (await limiter.acquire({ kind: 'private', chatId: 1 }))();
  assert.ok(Date.now() - t0 < 1500, 'a normal send is not held up');
  await Promise.all(all);
  assert.ok(low[4]! >= 2000, `the fifth low-priority send waits for the next window: ${low}`);

  // However fast the broadcast may go, the last sixth of the global window stays free.
  const fast = new RateLimiter({ privateChat: null, group: null, global: { limit: 6, windowMs: 2000 }, lowPriority: { limit: 100, windowMs: 2000 } });
  let admitted = 0;
  const many = Array.from({ length: 6 }, (_, i) =>
    fast.acquire({ kind: 'private', chatId: 200 + i }, 1, 'low').then((done) => {
      admitted++;
      done();
    }),
  );
  await sleep(200);
  assert.equal(admitted, 5, 'one slot of six is left free');
  const t1 = Date.now();
  (await fast.acquire({ kind: 'private', chatId: 2 }))();
  assert.ok(Date.now() - t1 < 1500, 'and a normal send takes it at once');
  await Promise.all(many);
});

test('a 429 on a low-priority send holds every low-priority send, and only the target for normal ones', async () => {
  const limiter = new RateLimiter({ privateChat: null, group: null, global: null, lowPriority: null });
  limiter.penalize({ kind: 'private', chatId: 7 }, 2, 'low');
  const t0 = Date.now();
  const normal = limiter.acquire({ kind: 'private', chatId: 8 }).then(() => Date.now() - t0);
  const low = limiter.acquire({ kind: 'private', chatId: 9 }, 1, 'low').then(() => Date.now() - t0);
  assert.ok((await normal) < 1500, 'the relay goes on');
  assert.ok((await low) >= 1950, 'the broadcast waits out retry_after');
});

// Bug: a chat written to once (as a broadcast writes to each user) kept its
// window for good, since a window only forgot its sends when asked again:
// 100,000 users filled the 96 MB heap and the process died, and the sweep
// over every window at every answer slowed each send as the map grew.
test('the windows of chats written to once are forgotten once their window has passed', async () => {
  const limiter = new RateLimiter({ privateChat: { limit: 1, windowMs: 50 }, group: null, global: null });
  for (let chatId = 1; chatId <= 3000; chatId++) (await limiter.acquire({ kind: 'private', chatId }))();
  assert.ok(limiter.size >= 1000, `kept while fresh: ${limiter.size}`);
  await sleep(1_100);
  // The next answer sweeps (at most once a second).
  (await limiter.acquire({ kind: 'private', chatId: 5000 }))();
  assert.ok(limiter.size < 10, `forgotten: ${limiter.size} windows kept`);
});
