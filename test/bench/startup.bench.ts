// `npm run bench`, third part: start-up. The production build started the
// way `npm start` starts it (package.json's flags), against the fake Bot API,
// on SQLite and PostgreSQL: a first start on an empty database (migrations
// included), then a start after a clean stop, and the time from SIGTERM to
// exit. Start-up ends when the bot starts polling (its «polling for updates»). Goal from issue 10: under 1 s
// for second and later starts.
// Then the standby's takeover: a leader and a standby on one database, the
// leader SIGKILLed; the time from the kill until the standby polls. Goal
// from issue 10: under 0.3 s.
//
// A benchmark, not a test: it prints figures and asserts nothing.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startFakeTelegram } from '../fake-telegram/server.js';
import { freshDatabase, type DbKind } from '../support/databases.js';
import { productionLaunch, startBotProcess } from './child.js';
import { sleep } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = '123456:BENCH-TOKEN-abcdefghijklmnopqrstuvwxyz';
const RUNS = 3;

const { env, nodeArgs, script } = productionLaunch(ROOT);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms`;
const rows: string[] = [];
const takeovers: string[] = [];
const TAKEOVER_RUNS = 5;

for (const kind of ['sqlite', 'postgresql'] as DbKind[]) {
  const firsts: number[] = [];
  const again: number[] = [];
  const stops: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const tg = await startFakeTelegram({ token: TOKEN });
    const group = tg.createSupergroup({});
    const db = await freshDatabase(kind);
    const start = async () => {
      const t0 = performance.now();
      const bot = startBotProcess(
        script,
        { ...env, BOT_TOKEN: TOKEN, SUPPORT_CHAT_ID: String(group.id), DATABASE_URL: db.url, TELEGRAM_API_ROOT: tg.apiRoot, LOG_LEVEL: 'info' },
        ROOT,
        nodeArgs,
      );
      // The log line comes as the runner starts its first getUpdates (the fake logs a call only when it is answered, up to 30 s later).
      while (!bot.printed('polling for updates')) {
        if (performance.now() - t0 > 60_000) throw new Error(`${kind}: no getUpdates within a minute`);
        await sleep(5);
      }
      return { bot, ms: performance.now() - t0 };
    };
    const first = await start();
    firsts.push(first.ms);
    let t0 = performance.now();
    await first.bot.stop(15_000);
    stops.push(performance.now() - t0);
    const second = await start();
    again.push(second.ms);
    t0 = performance.now();
    await second.bot.stop(15_000);
    stops.push(performance.now() - t0);
    await tg.stop();
    await db.drop();
  }
  const killed: number[] = [];
  {
    const tg = await startFakeTelegram({ token: TOKEN });
    const group = tg.createSupergroup({});
    const db = await freshDatabase(kind);
    const launch = () =>
      startBotProcess(
        script,
        { ...env, BOT_TOKEN: TOKEN, SUPPORT_CHAT_ID: String(group.id), DATABASE_URL: db.url, TELEGRAM_API_ROOT: tg.apiRoot, LOG_LEVEL: 'info' },
        ROOT,
        nodeArgs,
      );
    const until = async (what: () => boolean, label: string) => {
      const t0 = performance.now();
      while (!what()) {
        if (performance.now() - t0 > 60_000) throw new Error(`${kind}: ${label} did not come within a minute`);
        await sleep(2);
      }
    };
    let leader = launch();
    await until(() => leader.printed('polling for updates'), 'the first poll');
    for (let run = 0; run < TAKEOVER_RUNS; run++) {
      const standby = launch();
      await until(() => standby.printed('Another instance of this bot is running'), 'the standby');
      await sleep(1_000);
      const t0 = performance.now();
      process.kill(leader.pid, 'SIGKILL');
      await until(() => standby.printed('polling for updates'), 'the takeover');
      killed.push(performance.now() - t0);
      await leader.exited;
      leader = standby;
    }
    await leader.stop(15_000);
    await tg.stop();
    await db.drop();
  }
  takeovers.push(`| ${kind} | ${median(killed).toFixed(0)} ms | ${spread(killed)} |`);
  process.stderr.write(`${kind}: takeover ${killed.map((x) => x.toFixed(0)).join('/')} ms\n`);
  rows.push(`| ${kind} | ${median(firsts).toFixed(0)} ms | ${median(again).toFixed(0)} ms | ${median(stops).toFixed(0)} ms |`);
  process.stderr.write(`${kind}: first ${firsts.map((x) => x.toFixed(0)).join('/')} ms, again ${again.map((x) => x.toFixed(0)).join('/')} ms\n`);
}

console.log(`
## Start-up (the production build as \`npm start\` runs it; until it polls; median of ${RUNS})

| database | first start (empty database, migrations) | start after a clean stop | SIGTERM → exit |
|---|---|---|---|
${rows.join('\n')}

Goal: under 1 s for second and later starts.

## Standby takeover (leader SIGKILLed → the standby polls; median and spread of ${TAKEOVER_RUNS})

| database | takeover | spread |
|---|---|---|
${takeovers.join('\n')}

Goal: under 0.3 s.
`);
process.exit(0);
