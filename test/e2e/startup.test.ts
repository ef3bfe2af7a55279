// What an admin sees when the service cannot start: one clear line naming the
// problem, and a non-zero exit. Runs the real entry point (src/main.ts) as a
// child process, as `npm start` would.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeTelegram, type FakeTelegram } from '../fake-telegram/server.js';
import { runBotProcess as runMain, startBotProcess } from '../support/bot-process.js';
import { freshDatabase, type TestDatabase } from '../support/databases.js';
import { TEST_TOKEN } from '../support/desk.js';

describe('start-up', () => {
  let tg: FakeTelegram;
  let db: TestDatabase;
  before(async () => {
    tg = await startFakeTelegram({ token: TEST_TOKEN });
    db = await freshDatabase('sqlite');
  });
  after(async () => {
    await tg.stop();
    await db.drop();
  });

  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['missing BOT_TOKEN', { SUPPORT_CHAT_ID: '-1001234567890' }, /^Config error: BOT_TOKEN is required/],
    ['malformed BOT_TOKEN', { BOT_TOKEN: 'nonsense', SUPPORT_CHAT_ID: '-1001234567890' }, /^Config error: BOT_TOKEN does not look like a bot token/],
    ['missing SUPPORT_CHAT_ID', { BOT_TOKEN: TEST_TOKEN }, /^Config error: SUPPORT_CHAT_ID is required/],
    ['a private chat id as SUPPORT_CHAT_ID', { BOT_TOKEN: TEST_TOKEN, SUPPORT_CHAT_ID: '12345' }, /^Config error: SUPPORT_CHAT_ID must be a supergroup id/],
    [
      'a bad DATABASE_URL',
      { BOT_TOKEN: TEST_TOKEN, SUPPORT_CHAT_ID: '-1001234567890', DATABASE_URL: 'mysql://x' },
      /^Config error: DATABASE_URL must be file:/,
    ],
    [
      'a bad TELEGRAM_API_ROOT',
      { BOT_TOKEN: TEST_TOKEN, SUPPORT_CHAT_ID: '-1001234567890', TELEGRAM_API_ROOT: 'api.telegram' },
      /^Config error: TELEGRAM_API_ROOT must be an http\(s\) URL/,
    ],
    ['a bad LOG_LEVEL', { BOT_TOKEN: TEST_TOKEN, SUPPORT_CHAT_ID: '-1001234567890', LOG_LEVEL: 'loud' }, /^Config error: LOG_LEVEL /],
  ];
  for (const [name, env, expected] of cases) {
    test(`${name}: exits 1 with one line naming the variable`, async () => {
      const r = await runMain(env);
      assert.equal(r.code, 1);
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', expected);
      assert.ok(!r.stderr.includes(TEST_TOKEN.split(':')[1]!), 'the token is never printed');
    });
  }

  test('an unreachable TELEGRAM_API_ROOT: exits 1 at once, says so, never prints the token', async () => {
    const r = await runMain({
      BOT_TOKEN: TEST_TOKEN,
      SUPPORT_CHAT_ID: '-1001234567890',
      TELEGRAM_API_ROOT: 'http://127.0.0.1:9',
      DATABASE_URL: db.url,
      LOG_LEVEL: 'debug',
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Cannot reach the Bot API at http:\/\/127\.0\.0\.1:9 \(TELEGRAM_API_ROOT\)/);
    const secret = TEST_TOKEN.split(':')[1]!;
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), 'the token is never printed');
  });

  test('a token Telegram does not accept: exits 1 and says to check it', async () => {
    const r = await runMain({
      BOT_TOKEN: '654321:WRONG-TOKEN-abcdefghijklmnopqrstuv',
      SUPPORT_CHAT_ID: '-1001234567890',
      TELEGRAM_API_ROOT: tg.apiRoot,
      DATABASE_URL: db.url,
    });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Telegram does not accept BOT_TOKEN \(401 Unauthorized\)/);
  });

  test('a supergroup that is not a forum: exits 1 and says to turn Topics on', async () => {
    const group = tg.createSupergroup({ is_forum: false });
    const r = await runMain({ BOT_TOKEN: tg.token, SUPPORT_CHAT_ID: String(group.id), TELEGRAM_API_ROOT: tg.apiRoot, DATABASE_URL: db.url });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not a forum supergroup: turn on Topics/);
  });

  test('a bot without the "Manage topics" right: exits 1 and says so', async () => {
    const group = tg.createSupergroup({ botCanManageTopics: false });
    const r = await runMain({ BOT_TOKEN: tg.token, SUPPORT_CHAT_ID: String(group.id), TELEGRAM_API_ROOT: tg.apiRoot, DATABASE_URL: db.url });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /"Manage topics" right/);
  });

  test('a good config starts polling, and SIGTERM stops it cleanly; the token is never logged', async () => {
    const group = tg.createSupergroup({});
    const bot = startBotProcess({
      BOT_TOKEN: tg.token,
      SUPPORT_CHAT_ID: String(group.id),
      TELEGRAM_API_ROOT: tg.apiRoot,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'debug',
    });
    await bot.ready();
    const r = { ...(await bot.stop()), stdout: bot.stdout(), stderr: bot.stderr() };
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /polling for updates/);
    assert.match(r.stdout, /"msg":"stopped"/);
    assert.ok(!r.stdout.includes(tg.token.split(':')[1]!), 'the token is never logged');
    assert.ok(tg.calls.some((c) => c.method === 'getUpdates'));
  });
});
