// `npm start` as a new admin runs it: the build happens only when the
// sources changed, and SIGTERM to the npm process (what `kill`, systemd or a
// process manager sends) stops the bot cleanly, however npm passes it on.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startFakeTelegram, type FakeTelegram } from '../fake-telegram/server.js';
import { freshDatabase, type TestDatabase } from '../support/databases.js';
import { TEST_TOKEN } from '../support/desk.js';

const root = new URL('../..', import.meta.url).pathname;
const build = () => spawnSync(process.execPath, ['src/tools/build-if-changed.mjs'], { cwd: root, encoding: 'utf8' });

describe('npm start', () => {
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

  // Bug: every start rebuilding (Prisma generate and tsc: seconds) though nothing changed.
  test('builds once: a second start with nothing changed goes straight to node', { timeout: 120_000 }, () => {
    const first = build();
    assert.equal(first.status, 0, first.stderr);
    const stamp = readFileSync(`${root}/dist/.build-stamp`, 'utf8');
    const second = build();
    assert.equal(second.status, 0, second.stderr);
    assert.equal(second.stderr, 'build: up to date\n');
    assert.equal(readFileSync(`${root}/dist/.build-stamp`, 'utf8'), stamp);
  });

  // Bug: npm exits on SIGTERM without passing it on, and the bot keeps polling as an orphan.
  test("SIGTERM to the npm process stops the bot within Docker's 10 s", { timeout: 120_000 }, async () => {
    const group = tg.createSupergroup({});
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/root',
        DOTENV_CONFIG_PATH: '/nonexistent',
        BOT_TOKEN: tg.token,
        SUPPORT_CHAT_ID: String(group.id),
        TELEGRAM_API_ROOT: tg.apiRoot,
        DATABASE_URL: db.url,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    npm.stdout.on('data', (c: Buffer) => (out += c.toString()));
    npm.stderr.on('data', (c: Buffer) => (out += c.toString()));
    // The bot writes into the same pipe: it closes only when the bot itself has exited.
    const botGone = new Promise<void>((resolve) => npm.stdout.on('close', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('polling for updates')) {
      assert.ok(Date.now() < deadline, `the bot did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    npm.kill('SIGTERM');
    const stopped = await Promise.race([botGone.then(() => 'gone'), new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    assert.equal(stopped, 'gone', out);
    assert.match(out, /"msg":"stopped"/, 'it stopped cleanly, not killed');
  });

  // Bug: the parent watch applied to every start, so a bot started in the
  // background by a shell that then exits (`nohup node dist/main.js &`) stops
  // by itself.
  test('a bot started directly keeps running when the shell that started it exits', { timeout: 120_000 }, async () => {
    const group = tg.createSupergroup({});
    // The shell stays a moment (so the bot starts as its child), then exits.
    const shell = spawn('sh', ['-c', `${process.execPath} --import tsx src/main.ts & echo "pid $!"; sleep 3`], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        DOTENV_CONFIG_PATH: '/nonexistent',
        BOT_TOKEN: tg.token,
        SUPPORT_CHAT_ID: String(group.id),
        TELEGRAM_API_ROOT: tg.apiRoot,
        DATABASE_URL: db.url.replace('topic.db', 'direct.db'),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    shell.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const botGone = new Promise<void>((resolve) => shell.stdout.on('close', () => resolve()));
    // Listened for from the start: on a busy machine the bot may take longer to start than the shell stays.
    const shellGone = new Promise<void>((resolve) => shell.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    while (!out.includes('polling for updates')) {
      assert.ok(Date.now() < deadline, `the bot did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const pid = Number(/^pid (\d+)$/m.exec(out)?.[1]);
    await shellGone;
    await new Promise((r) => setTimeout(r, 2_000));
    assert.doesNotThrow(() => process.kill(pid, 0), 'still running after its shell exited');
    assert.doesNotMatch(out, /shutting down/);
    process.kill(pid, 'SIGTERM');
    await botGone;
    assert.match(out, /"msg":"stopped"/);
  });
});
