// The courier's targets: every support group has its own budget under
// Telegram's per-group limit, so a category's own group adds capacity
// instead of sharing the main group's 20 a minute.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrammyError, type Api } from 'grammy';
import { RateLimiter } from '../../src/delivery/rate-limiter.js';
import { createTelegramCourier } from '../../src/delivery/telegram-courier.js';
import { createLogger } from '../../src/logger.js';

const MAIN = -1001000000001;
const BILLING = -1001000000002;

// Bug caught: every group counted against the main group's window (the target keyed by SUPPORT_CHAT_ID alone).
test("a category's own group sends on its own budget: the main group's full window does not hold it up", async () => {
  const sent: number[] = [];
  const api = {
    sendMessage: async (chatId: number) => {
      sent.push(chatId);
      return { message_id: sent.length };
    },
  } as unknown as Api;
  // One message a minute per group: a second one to the same group must wait the minute.
  const limiter = new RateLimiter({ privateChat: null, group: { limit: 1, windowMs: 60_000 }, global: null });
  const courier = createTelegramCourier({ api, supportChatId: MAIN, limiter, logger: createLogger('silent') });

  await courier.post({ chat: 'support' }, { text: 'main 1' });
  // "At once" against a window twelve times longer: a slow machine cannot fail this, a shared window can.
  const outcome = await Promise.race([
    courier.post({ chat: 'support', chatId: BILLING }, { text: 'billing 1' }).then(() => 'sent'),
    new Promise((r) => setTimeout(() => r('held up'), 5000)),
  ]);
  assert.equal(outcome, 'sent');
  assert.deepEqual(sent, [MAIN, BILLING], 'the billing group did not wait for the main group');

  let second = false;
  void courier.post({ chat: 'support' }, { text: 'main 2' }).then(() => {
    second = true;
  });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(second, false, "the main group's second message waits for its own window");
});

// Bug caught: a broadcast send that took its slot, then claimed its
// recipient's row (a database write, which can wait a while), went out even
// though another broadcast send had been told 429 meanwhile: Telegram's
// retry_after broken by the sends that were between their slot and their call.
test('a send held up after taking its slot waits out a 429 that came meanwhile', async () => {
  const sentAt: number[] = [];
  let first = true;
  const api = {
    copyMessage: async () => {
      if (first) {
        first = false;
        throw new GrammyError(
          'Call to copyMessage failed!',
          { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } },
          'copyMessage',
          {},
        );
      }
      sentAt.push(Date.now());
      return { message_id: sentAt.length };
    },
  } as unknown as Api;
  const limiter = new RateLimiter({ privateChat: null, group: null, global: null, lowPriority: { limit: 100, windowMs: 1000 } });
  const courier = createTelegramCourier({ api, supportChatId: MAIN, limiter, logger: createLogger('silent'), priority: 'low' });
  let releaseClaim!: () => void;
  const claimed = new Promise<void>((r) => (releaseClaim = r));
  // B takes its slot and starts its claim; A is told 429 while B's claim is still being written.
  const b = courier.copy({ chat: 'support' }, [1], { chat: 'user', userId: 2 }, { beforeSend: () => claimed.then(() => true) });
  const a = courier.copy({ chat: 'support' }, [1], { chat: 'user', userId: 1 });
  const penalizedAt = Date.now();
  await new Promise((r) => setTimeout(r, 50));
  releaseClaim();
  await Promise.all([a, b]);
  assert.equal(sentAt.length, 2);
  for (const t of sentAt) assert.ok(t - penalizedAt >= 900, `a copy went ${t - penalizedAt} ms after the 429 asked for 1 s`);
});
