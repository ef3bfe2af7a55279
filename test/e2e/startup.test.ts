// What an admin sees when the service cannot start: one clear line naming the
// problem, and a non-zero exit. Runs the real entry point (src/main.ts) as a
// child process, as `npm start` would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
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

// A database the bot cannot use at all is a setting to fix: one line naming
// DATABASE_URL (password blanked) and what to do, exit 1, never a stack
// trace or an endless wait. Bug each catches: the start-up check missing (a
// JSON stack trace, or "database unreachable: waiting" forever).
describe('start-up with a database it cannot use', () => {
  let tg: FakeTelegram;
  before(async () => {
    tg = await startFakeTelegram({ token: TEST_TOKEN });
  });
  after(async () => {
    await tg.stop();
  });

  async function expectOneLine(databaseUrl: string, expected: RegExp) {
    const r = await runMain({ BOT_TOKEN: TEST_TOKEN, SUPPORT_CHAT_ID: '-1001234567890', TELEGRAM_API_ROOT: tg.apiRoot, DATABASE_URL: databaseUrl });
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] ?? '', expected);
    assert.ok(!r.stderr.includes('s3cret') && !r.stdout.includes('s3cret'), 'the password is never printed');
  }

  const pg = (path: string) => (process.env.TEST_PG_URL ?? 'postgresql://root@127.0.0.1:5432/postgres').replace(/\/[^/]*$/, `/${path}`);

  // A bug here means an endless wait: each case fails within a bound instead.
  const bounded = { timeout: 30_000 };

  test('PostgreSQL refusing connections', bounded, () =>
    expectOneLine(
      'postgresql://root:s3cret@127.0.0.1:5999/postgres',
      /^DATABASE_URL postgresql:\/\/root:\*\*\*@127\.0\.0\.1:5999\/postgres: nothing accepts connections at 127\.0\.0\.1:5999\. Is PostgreSQL running there/,
    ),
  );
  test('an unknown host', bounded, () =>
    expectOneLine('postgresql://root@db.invalid:5432/postgres', /^DATABASE_URL postgresql:\/\/root@db\.invalid:5432\/postgres: the host in it is unknown/),
  );
  test('a database that does not exist', bounded, () =>
    expectOneLine(pg('no_such_database'), /: the database "no_such_database" does not exist\. Create it \(createdb no_such_database\)/),
  );
  test('a role that does not exist', bounded, () =>
    expectOneLine(
      pg('postgres').replace(/\/\/[^@]*@/, '//no_such_role:s3cret@'),
      /^DATABASE_URL postgresql:\/\/no_such_role:\*\*\*@.*: PostgreSQL refuses the role "no_such_role"/,
    ),
  );
  test('a SQLite path whose folder is a file', bounded, () =>
    expectOneLine('file:/etc/hostname/topic.db', /^DATABASE_URL file:\/etc\/hostname\/topic\.db: \/etc\/hostname is a file, not a folder/),
  );

  test('a SQLite folder that cannot be written', bounded, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'topic-ro-'));
    // Root ignores permission bits; an immutable folder stops root too.
    if (spawnSync('chattr', ['+i', dir]).status !== 0) return t.skip('chattr +i is not supported on this file system');
    try {
      await expectOneLine(`file:${dir}/topic.db`, /: the file or its folder cannot be written \(SQLITE_CANTOPEN\)\. Give the bot write access/);
    } finally {
      spawnSync('chattr', ['-i', dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a SQLite file held by another program', bounded, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topic-held-'));
    const other = new Database(join(dir, 'topic.db'));
    other.exec('CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)');
    try {
      await expectOneLine(`file:${dir}/topic.db`, /: the file is locked by another program .*Close it, then start again\.$/);
    } finally {
      other.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Bugs: JSON at a terminal; a fatal problem printed twice there (the log and stderr).
describe('at a terminal', () => {
  test('the log is readable lines, and a fatal problem is said once', { timeout: 30_000 }, async (t) => {
    if (spawnSync('script', ['--version']).status !== 0) return t.skip('script(1) is not installed');
    // script(1) runs the bot under a pseudo-terminal, as a person's shell would.
    const r = spawnSync('script', ['-qec', `${process.execPath} --import tsx src/main.ts`, '/dev/null'], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 25_000,
      env: {
        PATH: process.env.PATH ?? '',
        DOTENV_CONFIG_PATH: '/nonexistent',
        BOT_TOKEN: TEST_TOKEN,
        SUPPORT_CHAT_ID: '-1001234567890',
        DATABASE_URL: 'postgresql://root:s3cret@127.0.0.1:5999/postgres',
      },
    });
    // Colours off: the terminal's escape codes (ESC [ … m).
    const screen = r.stdout.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
    assert.equal(screen.split('nothing accepts connections at 127.0.0.1:5999').length - 1, 1, screen);
    assert.match(screen, /FATAL: DATABASE_URL postgresql:\/\/root:\*\*\*@127\.0\.0\.1:5999\/postgres/);
    assert.doesNotMatch(screen, /\{"level"/, 'no JSON at a terminal');
    assert.ok(!screen.includes('s3cret'));
  });
});
