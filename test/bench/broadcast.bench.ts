// `npm run bench`, fourth part: a broadcast's pace against the rate it is
// configured for, to 100,000 users, with Telegram's limits on (in the bot and
// in the fake), on SQLite and PostgreSQL.
//
// At Telegram's real pace (25 a second) 100,000 sends take over an hour, so
// the clock is compressed 40×: the broadcast asks for 1,000 a second, the bot
// believes Telegram allows 1,200 a second overall (as 30 a second), and the
// fake allows exactly that and answers 429 beyond it. The figure is the
// messages per second from the first copy to the last, against the 1,000
// asked for; the 429s the fake gave and the bot's CPU per message are shown.
// A short run at the real default (25 a second, 30 allowed) shows the pace
// the default keeps.
//
// The bot runs as `npm start` runs it (the production build, its own
// process) against the fake Bot API in this process; an admin starts the
// broadcast from General as in the end-to-end tests.
// A benchmark, not a test: it prints figures and asserts nothing.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Message } from 'grammy/types';
import { createDb } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { startFakeTelegram, type FakeTelegram } from '../fake-telegram/server.js';
import { freshDatabase, type DbKind } from '../support/databases.js';
import { productionLaunch, startBotProcess } from './child.js';
import { sleep } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = '123456:BENCH-TOKEN-abcdefghijklmnopqrstuvwxyz';
const USERS = Number(process.env.BENCH_BROADCAST_USERS ?? 100_000);
const SHORT_USERS = 2_000;
const SHORT_SECONDS = 20;
const FULL_TIMEOUT_MS = 15 * 60_000;
const log = (s: string) => process.stderr.write(`[broadcast ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

const built = spawnSync(process.execPath, ['src/tools/build-if-changed.mjs'], { cwd: ROOT, stdio: 'inherit' });
if (built.status !== 0) throw new Error('the build failed');
const production = productionLaunch(ROOT);

interface Row {
  db: DbKind;
  label: string;
  asked: number;
  confirmMs: number;
  sent: number;
  seconds: number;
  hits: number;
  cpuMsPerMessage: number;
  peakRssMb: number;
}

const text = (m: Message) => m.text ?? m.caption;

/** The bot, `users` users who wrote to support before, and a broadcast to all of them confirmed; then `watch` until it returns. */
async function run(
  kind: DbKind,
  label: string,
  users: number,
  asked: number,
  env: Record<string, string>,
  fakeGlobal: number,
  watch: (tg: FakeTelegram, source: number, gone: () => boolean) => Promise<void>,
): Promise<Row> {
  const tg = await startFakeTelegram({ token: TOKEN });
  const group = tg.createSupergroup({ title: 'Support' });
  const admin = tg.createUser({ first_name: 'Mary', username: 'mary_support', language_code: 'en' });
  tg.addMember(group.id, admin, 'administrator');
  const database = await freshDatabase(kind);
  const db = createDb(database.url);
  await migrateDatabase(db);
  const ids: number[] = [];
  for (let i = 0; i < users; i++) {
    const u = tg.createUser({ first_name: `U${i}`, language_code: i % 3 ? 'en' : 'ru' });
    tg.userStartedBot(u);
    ids.push(u.id);
  }
  for (let i = 0; i < ids.length; i += 5_000) {
    await db.prisma.user.createMany({
      data: ids.slice(i, i + 5_000).map((id, j) => ({ id: BigInt(id), firstName: `U${i + j}`, languageCode: (i + j) % 3 ? 'en' : 'ru' })),
    });
  }
  await db.close();

  const bot = startBotProcess(
    production.script,
    {
      ...production.env,
      BOT_TOKEN: TOKEN,
      SUPPORT_CHAT_ID: String(group.id),
      DATABASE_URL: database.url,
      TELEGRAM_API_ROOT: tg.apiRoot,
      LOG_LEVEL: 'warn',
      MANAGER_LANGUAGE: 'en',
      BROADCAST_PROGRESS_SECONDS: '30',
      ...env,
    },
    ROOT,
    production.nodeArgs,
  );
  try {
    await tg.waitFor(() => tg.calls.some((c) => c.method === 'getUpdates'), { timeoutMs: 60_000 });
    // The group's edits (the progress) under Telegram's 20 a minute; the overall limit as the bot believes it.
    tg.setRateLimits({ globalPerSecond: fakeGlobal, groupPerMinute: 20 });
    const source = tg.managerSends(group.id, admin, { text: 'News for everyone' });
    const cmd = tg.managerSends(
      group.id,
      admin,
      { text: '/broadcast', entities: [{ type: 'bot_command', offset: 0, length: 10 }] },
      { replyToMessageId: source.message_id },
    );
    const panel = await tg.waitFor(
      () =>
        tg
          .messages(group.id)
          .find(
            (m) => m.from?.id === tg.botUser.id && text(m)?.startsWith('📣 Broadcast #') && m.reply_to_message?.message_id !== cmd.message_id && m.reply_markup,
          ),
      { timeoutMs: 60_000 },
    );
    const button = panel.reply_markup!.inline_keyboard.flat().find((b) => b.text.startsWith('✅ Send to'));
    if (!button || !('callback_data' in button)) throw new Error(`no Send button on the panel: ${text(panel)}`);
    const t0 = performance.now();
    const query = tg.pressButton(admin, group.id, panel.message_id, button.callback_data);
    await tg.waitFor(() => tg.callbackAnswers.find((a) => a.callback_query_id === query), { timeoutMs: 120_000 });
    const confirmMs = performance.now() - t0;
    log(`${kind}, ${label}: confirmed (${users.toLocaleString('en')} recipients written) in ${confirmMs.toFixed(0)} ms`);
    const cpu0 = bot.cpuMs();
    let gone = false;
    void bot.exited.then((how) => {
      gone = true;
      log(`${kind}, ${label}: the bot exited (${how}): ${bot.complaints().first.join(' | ').slice(0, 2000)}`);
    });
    await watch(tg, source.message_id, () => gone);
    const cpu = bot.cpuMs() - cpu0;
    const c = copies(tg, source.message_id);
    return {
      db: kind,
      label,
      asked,
      confirmMs,
      sent: c.n,
      seconds: (c.last - c.first) / 1000,
      hits: tg.rateLimitHits.length,
      cpuMsPerMessage: cpu / Math.max(1, c.n),
      peakRssMb: bot.peakRssMb(),
    };
  } finally {
    await bot.stop(15_000);
    await tg.stop();
    await database.drop();
  }
}

/** Accepted copies of the broadcast in users' chats so far, and the first and last arrival times. */
function copies(tg: FakeTelegram, source: number) {
  let n = 0;
  let first = 0;
  let last = 0;
  for (const c of tg.calls) {
    if (c.method !== 'copyMessage' || !c.ok || Number(c.params.message_id) !== source || Number(c.params.chat_id) < 0) continue;
    n++;
    if (!first) first = c.at;
    last = c.at;
  }
  return { n, first, last };
}

const rows: Row[] = [];
for (const kind of (process.env.BENCH_BROADCAST_DBS?.split(',') ?? ['sqlite', 'postgresql']) as DbKind[]) {
  if (!process.env.BENCH_BROADCAST_USERS)
    rows.push(await run(kind, `default pace, ${SHORT_SECONDS} s`, SHORT_USERS, 25, {}, 30, () => sleep(SHORT_SECONDS * 1000)));
  rows.push(
    await run(
      kind,
      `${USERS.toLocaleString('en')} users, 40× clock`,
      USERS,
      1000,
      { BROADCAST_RATE: '1000', LIMIT_GLOBAL: '1200/s' },
      1200,
      async (tg, source, gone) => {
        const deadline = performance.now() + FULL_TIMEOUT_MS;
        let logged = 0;
        let last = 0;
        let lastAt = performance.now();
        for (;;) {
          await sleep(1_000);
          const n = copies(tg, source).n;
          // Done, or nothing more for 15 s: a copy whose answer was lost is not sent again (it may have arrived).
          if (n >= USERS || performance.now() > deadline || gone() || (n > 0 && n === last && performance.now() - lastAt > 15_000)) break;
          if (n !== last) {
            last = n;
            lastAt = performance.now();
          }
          if (n - logged >= 20_000) {
            logged = n;
            log(`  ${n.toLocaleString('en')} sent`);
          }
        }
      },
    ),
  );
}

console.log(`
## Broadcasts: pace against the configured rate (the production build; ${new Date().toISOString().slice(0, 10)})

| database | run | asked msg/s | confirm ms | sent | msg/s | ratio | 429s | CPU ms/msg | peak RSS MB |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|`);
for (const r of rows) {
  const rate = r.seconds > 0 ? (r.sent - 1) / r.seconds : 0;
  console.log(
    `| ${r.db} | ${r.label} | ${r.asked} | ${r.confirmMs.toFixed(0)} | ${r.sent.toLocaleString('en')} | ${rate.toFixed(1)} | ${(rate / r.asked).toFixed(2)} | ${r.hits} | ${r.cpuMsPerMessage.toFixed(2)} | ${r.peakRssMb.toFixed(0)} |`,
  );
}
process.exit(0);
