// The courier's targets: every support group has its own budget under
// Telegram's per-group limit, so a category's own group adds capacity
// instead of sharing the main group's 20 a minute.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Api } from 'grammy';
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
