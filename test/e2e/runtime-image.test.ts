// The Docker image's runtime node_modules, made the Dockerfile's way (its
// very command, read from the Dockerfile), holds only what `node
// dist/main.js` loads: no Prisma CLI, no TypeScript, no test tools; under
// 120 MB; and the bot runs from it. Docker itself is not needed: the stage
// is a plain npm command in a folder.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startFakeTelegram, type FakeTelegram } from '../fake-telegram/server.js';
import { TEST_TOKEN } from '../support/desk.js';

const root = new URL('../..', import.meta.url).pathname;
const DEV_TOOLS = ['prisma', 'typescript', 'tsx', '@biomejs/biome', '@prisma/studio-core', '@types/better-sqlite3', 'effect'];

describe('the runtime image', () => {
  let dir: string;
  let tg: FakeTelegram;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topic-runtime-'));
    tg = await startFakeTelegram({ token: TEST_TOKEN });
  });
  after(async () => {
    await tg.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Bugs: dev tools in the image (npm keeping @prisma/client's optional peers); a runtime tree the bot cannot start from.
  test('its node_modules has no dev tool, stays under 120 MB, and the bot polls from it', { timeout: 240_000 }, async () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const line = /FROM \S+ AS runtime-deps[\s\S]*?\nRUN (npm [^\n]+)/.exec(dockerfile)?.[1];
    assert.ok(line, 'the Dockerfile has a runtime-deps stage that installs with npm');
    cpSync(join(root, 'package.json'), join(dir, 'package.json'));
    cpSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
    for (const step of line.split('&&').map((s) => s.trim())) {
      // The native addon is compiled by the image (g++); here the project's own build of it is reused.
      if (step === 'npm rebuild better-sqlite3') {
        cpSync(join(root, 'node_modules/better-sqlite3/build'), join(dir, 'node_modules/better-sqlite3/build'), { recursive: true });
        continue;
      }
      const r = spawnSync('sh', ['-c', step], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, `${step}: ${r.stderr}`);
    }
    for (const tool of DEV_TOOLS) assert.ok(!existsSync(join(dir, 'node_modules', tool)), `${tool} is in the runtime node_modules`);
    const megabytes = Number(spawnSync('du', ['-sm', join(dir, 'node_modules')], { encoding: 'utf8' }).stdout.split('\t')[0]);
    assert.ok(megabytes < 120, `runtime node_modules: ${megabytes} MB`);

    const built = spawnSync(process.execPath, ['src/tools/build-if-changed.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
    cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true });
    cpSync(join(root, 'prisma'), join(dir, 'prisma'), { recursive: true });
    // The chart draws from the pruned tree (ECharts' modular build, the one bundled font).
    const chart = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const { renderScoreboardChart } = await import('./dist/charts/scoreboard.js'); const { textsFor } = await import('./dist/i18n/index.js'); const png = renderScoreboardChart(textsFor('ru'), { days: [{ date: '2026-11-30', opened: 1, resolved: 1 }], managers: [] }); process.stdout.write(String(png.length));",
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    assert.equal(chart.status, 0, chart.stderr);
    assert.ok(Number(chart.stdout) > 5000, `a chart of ${chart.stdout} bytes`);
    const group = tg.createSupergroup({});
    const bot = spawn(process.execPath, ['dist/main.js'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        DOTENV_CONFIG_PATH: '/nonexistent',
        BOT_TOKEN: tg.token,
        SUPPORT_CHAT_ID: String(group.id),
        TELEGRAM_API_ROOT: tg.apiRoot,
        DATABASE_URL: `file:${join(dir, 'data/topic.db')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    bot.stdout.on('data', (c: Buffer) => (out += c.toString()));
    bot.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => bot.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 60_000;
    while (!out.includes('polling for updates')) {
      assert.ok(Date.now() < deadline && bot.exitCode === null, `the bot did not start from the runtime tree: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    bot.kill('SIGTERM');
    assert.equal(await exited, 0, out);
  });

  // Bug: the image and `npm start` drifting apart (the memory settings measured by the bench applied to one only).
  test("the image starts the bot exactly as package.json's start script does", () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
    const words = pkg.scripts.start.trim().split(/\s+/);
    const env = words.filter((w) => /^[A-Z_]+=/.test(w));
    const command = words.filter((w) => !/^[A-Z_]+=/.test(w));
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    assert.deepEqual(cmd, command);
    for (const assignment of env) {
      const [name, value] = assignment.split('=');
      assert.match(dockerfile, new RegExp(`\\b${name}=${value}\\b`), `${assignment} in the image's ENV`);
    }
  });
});
