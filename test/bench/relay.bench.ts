// `npm run bench`: throughput, latency and memory of the user → topic relay,
// next to a floor (a bare grammY bot that only copies), in one run.
//
// Each bot runs as a child process against the fake Bot API server in this
// process. Per scenario:
//   throughput  10 000 user messages (1 000 users × 10) injected at once; msg/s
//               from the first injection until the last copy lands in the group;
//   latency     2 000 messages at a steady 200 msg/s from the same users (topics
//               exist by then); injection → copy in the group, p50/p99/max;
//   memory      peak RSS of the bot process (VmHWM).
// The same again at scale: before the bot starts, its database already holds
// 100,000 users with their topics and tickets and 1,000,000 messages
// (seed.ts), and the phases run with the bench's own users as before.
// Then ours on SQLite with the group limit on, on a compressed clock: Telegram's
// "20 per minute" as 20 per second, in the bot (LIMIT_GROUP=20/1s) and in the
// fake; the delivery rate into the group against 20/s, and the 429s the fake gave.
//
// A benchmark, not a test: it prints figures and asserts nothing about time.
// Every wait is bounded; a phase that runs out of time reports what it got.
// Progress goes to stderr, the report (markdown) to stdout.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Message, User } from 'grammy/types';
import { startFakeTelegram, type FakeTelegram } from '../fake-telegram/server.js';
import { freshDatabase, type DbKind, type TestDatabase } from '../support/databases.js';
import { productionLaunch, startBotProcess, type BotProcess } from './child.js';
import { SEED, seedHistory } from './seed.js';
import { fmt, percentile, sleep, yieldToLoop } from './stats.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FLOOR_SCRIPT = 'test/bench/floor-bot.ts';
// The service runs as `npm start` runs it: the production build, with the
// node flags and environment of package.json's start script.
const production = productionLaunch(ROOT);
const SERVICE_SCRIPT = production.script;
// The build it runs is brought up to date first (as npm start's prestart does).
const built = spawnSync(process.execPath, ['src/tools/build-if-changed.mjs'], { cwd: ROOT, stdio: 'inherit' });
if (built.status !== 0) throw new Error('the build failed');
const TOKEN = '123456:BENCH-TOKEN-abcdefghijklmnopqrstuvwxyz';

const USERS = 1000;
const PER_USER = Number(process.env.BENCH_PER_USER ?? 10);
const LATENCY_RATE = 200; // msg/s
const LATENCY_SECONDS = 10;
const LATENCY_TOTAL = LATENCY_RATE * LATENCY_SECONDS;
const WARM_USERS = 5;
const WARM_PER_USER = 2;
const LIMIT_PER_WINDOW = 20;
const LIMIT_WINDOW_MS = 1000;
const LIMIT_USERS = 30;
const LIMIT_PER_USER = 10;

const READY_TIMEOUT_MS = 60_000;
const WARM_TIMEOUT_MS = 60_000;
const PHASE_TIMEOUT_MS = 120_000;
const DRAIN_TIMEOUT_MS = 30_000; // after the last paced injection, or after a throughput phase that ran out of time
const LIMITS_TIMEOUT_MS = 120_000;
const WATCHDOG_MS = 16 * 60_000; // the whole run, whatever happens
// The run aims to end within this; a scenario that runs long eats into its own phases, not into
// the time kept back for the scenarios after it. A scale scenario's reserve includes its seeding
// (about 25 s on SQLite, 55 s on PostgreSQL).
const RUN_BUDGET_MS = 700_000;
const RESERVE_MS: Record<ScenarioKey, number> = {
  floor: 20_000,
  sqlite: 120_000,
  postgresql: 120_000,
  'sqlite-scale': 160_000,
  'postgresql-scale': 190_000,
  limits: 30_000,
};
const LATENCY_KEEP_MS = 25_000; // what the latency phase needs after a throughput phase, at least
const MIN_WAIT_MS = 5_000;
type ScenarioKey = 'floor' | 'sqlite' | 'postgresql' | 'sqlite-scale' | 'postgresql-scale' | 'limits';
const SCENARIO_ORDER: ScenarioKey[] = ['floor', 'sqlite', 'postgresql', 'sqlite-scale', 'postgresql-scale', 'limits'];

// Knobs for looking closer (not needed for a normal run):
//   BENCH_SCENARIOS=floor,sqlite,postgresql,sqlite-scale,postgresql-scale,limits   run only these
//   BENCH_CPU_PROF=<dir>                              bots write V8 CPU profiles (.cpuprofile) there on exit
//   BENCH_PER_USER=3                                  messages per user in the throughput phase (10), for a quicker look
const ONLY = process.env.BENCH_SCENARIOS?.split(',')
  .map((x) => x.trim())
  .filter(Boolean);
const wanted = (key: ScenarioKey) => !ONLY || ONLY.includes(key);
const NODE_ARGS = process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : [];

const SEED_LABEL = '100k users / 1M messages stored';

// The service's own sending limits, off; and the group's on (compressed clock).
const LIMITS_OFF = { LIMIT_PRIVATE_CHAT: 'off', LIMIT_GROUP: 'off', LIMIT_GLOBAL: 'off' };
const GROUP_LIMIT_ON = { ...LIMITS_OFF, LIMIT_GROUP: `${LIMIT_PER_WINDOW}/${LIMIT_WINDOW_MS}ms` };

const runStarted = Date.now();

/** When a scenario must be done by, keeping the reserves of the wanted scenarios after it. */
function deadlineFor(key: ScenarioKey): number {
  const later = SCENARIO_ORDER.slice(SCENARIO_ORDER.indexOf(key) + 1).filter(wanted);
  return runStarted + RUN_BUDGET_MS - later.reduce((sum, k) => sum + RESERVE_MS[k], 0);
}

/** A wait's timeout: the nominal one, shortened so that `keepMs` is left before the deadline. */
function within(nominalMs: number, deadline: number, keepMs = 0): number {
  return Math.max(MIN_WAIT_MS, Math.min(nominalMs, deadline - Date.now() - keepMs));
}

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

// ---------------------------------------------------------------- cleanup

const cleanups = new Set<() => Promise<unknown>>();
function onCleanup(fn: () => Promise<unknown>): () => Promise<void> {
  cleanups.add(fn);
  return async () => {
    if (!cleanups.delete(fn)) return;
    await fn().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  };
}
async function cleanupAll(): Promise<void> {
  const all = [...cleanups].reverse();
  cleanups.clear();
  for (const fn of all) await fn().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
}
const watchdog = setTimeout(() => {
  log(`watchdog: the run took longer than ${WATCHDOG_MS / 1000} s; stopping`);
  void cleanupAll().finally(() => process.exit(2));
}, WATCHDOG_MS);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanupAll().finally(() => process.exit(130)));
}

// ---------------------------------------------------------------- copies

/** Messages injected in one phase, and when each one's copy reached the supergroup. */
class Phase {
  readonly injectedAt = new Map<string, number>();
  readonly deliveredAt = new Map<string, number>();
  duplicates = 0;
  private done: (() => void) | undefined;

  constructor(
    readonly name: string,
    readonly expected: number,
  ) {}

  get delivered(): number {
    return this.deliveredAt.size;
  }

  get complete(): boolean {
    return this.deliveredAt.size >= this.expected;
  }

  firstInjection(): number {
    let first = Infinity;
    for (const t of this.injectedAt.values()) first = Math.min(first, t);
    return first;
  }

  lastDelivery(): number {
    let last = -Infinity;
    for (const t of this.deliveredAt.values()) last = Math.max(last, t);
    return last;
  }

  arrived(key: string, atMs: number): void {
    if (this.deliveredAt.has(key)) {
      this.duplicates++;
      return;
    }
    this.deliveredAt.set(key, atMs);
    if (this.complete) this.done?.();
  }

  /** Resolves true when every expected copy arrived, false on timeout or when the bot died. */
  wait(timeoutMs: number, bot: BotProcess): Promise<boolean> {
    if (this.complete) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        this.done = undefined;
        resolve(ok);
      };
      this.done = () => finish(true);
      void bot.exited.then(() => finish(this.complete));
    });
  }
}

/** The supergroup as the bench watches it: copies of bench messages, by key, routed to their phase. */
class Watch {
  private readonly phases = new Map<string, Phase>();
  /** When each message the bot sent into the supergroup appeared there (all kinds). */
  readonly groupSendTimes: number[] = [];
  strays = 0; // bench copies nobody waits for (a late copy of an earlier phase's message is routed, not a stray)

  constructor(
    private readonly tg: FakeTelegram,
    private readonly groupId: number,
  ) {
    tg.onSent = (chatId: number, message: Message, atMs: number) => {
      if (chatId !== this.groupId) return;
      this.groupSendTimes.push(atMs);
      const text = message.text;
      if (text === undefined || !text.startsWith('bench ')) return;
      const phase = this.phases.get(text);
      if (phase) phase.arrived(text, atMs);
      else this.strays++;
    };
  }

  send(phase: Phase, user: User, n: number): void {
    const text = `bench ${user.id} ${n}`;
    this.phases.set(text, phase);
    phase.injectedAt.set(text, Date.now());
    this.tg.userSends(user, { text });
  }
}

// ---------------------------------------------------------------- a bot under test

interface Stage {
  tg: FakeTelegram;
  groupId: number;
  watch: Watch;
  bot: BotProcess;
  users: User[];
  /** How long filling the database took (scale scenarios), ms. */
  seedMs?: number;
  close(): Promise<void>;
}

interface StageOptions {
  script: string;
  env: Record<string, string>;
  db?: DbKind;
  /** Fill the database with the large history of seed.ts before the bot starts. */
  seed?: boolean;
  users: number;
  rateLimits?: { groupPerMinute: number; groupWindowMs?: number };
}

async function stage(name: string, opts: StageOptions): Promise<Stage> {
  const tg = await startFakeTelegram({ token: TOKEN });
  const closeTg = onCleanup(() => tg.stop());
  if (opts.rateLimits) tg.setRateLimits(opts.rateLimits);
  const group = tg.createSupergroup({ title: 'Support' });
  const manager = tg.createUser({ first_name: 'Mary', last_name: 'Manager', username: 'mary_support', language_code: 'en' });
  tg.addMember(group.id, manager, 'administrator');
  const users = Array.from({ length: opts.users }, (_, i) =>
    tg.createUser({ first_name: `User${i + 1}`, last_name: 'Bench', username: `bench_user_${i + 1}`, language_code: 'en' }),
  );
  const watch = new Watch(tg, group.id);

  let database: TestDatabase | undefined;
  let dropDb: () => Promise<void> = async () => {};
  if (opts.db) {
    const db = await freshDatabase(opts.db);
    database = db;
    dropDb = onCleanup(() => db.drop());
  }
  let seedMs: number | undefined;
  if (opts.seed && database && opts.db) {
    log(`${name}: seeding ${SEED_LABEL}…`);
    seedMs = await seedHistory(opts.db, database.url, group.id);
    log(`${name}: seeded in ${fmt(seedMs / 1000, 1)} s`);
  }
  const env: Record<string, string> = {
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: tg.apiRoot,
    SUPPORT_CHAT_ID: String(group.id),
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...opts.env,
  };
  const service = opts.script === SERVICE_SCRIPT;
  const bot = startBotProcess(opts.script, service ? { ...production.env, ...env } : env, ROOT, service ? [...production.nodeArgs, ...NODE_ARGS] : NODE_ARGS);
  const stopBot = onCleanup(() => bot.stop());
  log(`${name}: started pid ${bot.pid}`);

  return {
    tg,
    groupId: group.id,
    watch,
    bot,
    users,
    seedMs,
    async close() {
      await stopBot();
      await closeTg();
      await dropDb();
    },
  };
}

/** Until the bot polls (or at least finished its start-up calls and started the runner). */
async function waitUntilPolling(s: Stage): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited: string | undefined;
  void s.bot.exited.then((how) => (exited = how));
  for (;;) {
    if (s.bot.printed('polling for updates')) return;
    if (s.tg.calls.some((c) => c.method === 'getUpdates')) return;
    // The service logs "polling for updates" at info, which LOG_LEVEL=warn hides; its last start-up
    // call is getChatMember, right before the runner starts.
    if (s.tg.calls.some((c) => c.method === 'getChatMember' && c.ok)) return;
    if (exited) throw new Error(`the bot exited (${exited}) before polling: ${s.bot.complaints().first.join(' | ')}`);
    if (Date.now() > deadline) throw new Error(`the bot did not start polling within ${READY_TIMEOUT_MS / 1000} s`);
    await sleep(50);
  }
}

/** A few messages from users nobody measures, so that start-up costs (JIT, pools, first topics) are paid. */
async function warmUp(s: Stage, users: User[]): Promise<void> {
  const phase = new Phase('warm-up', users.length * WARM_PER_USER);
  for (let n = 1; n <= WARM_PER_USER; n++) for (const u of users) s.watch.send(phase, u, n);
  if (!(await phase.wait(WARM_TIMEOUT_MS, s.bot))) {
    throw new Error(`warm-up: ${phase.delivered}/${phase.expected} copies within ${WARM_TIMEOUT_MS / 1000} s`);
  }
}

// ---------------------------------------------------------------- scenarios

interface ScenarioResult {
  name: string;
  throughput?: { delivered: number; expected: number; elapsedMs: number; msgPerS: number; complete: boolean };
  latency?: { p50: number; p99: number; max: number; delivered: number; expected: number; offeredPerS: number; deliveredPerS: number } | { skipped: string };
  peakRssMb?: number;
  exit?: string;
  error?: string;
  notes: string[];
}

async function relayScenario(key: ScenarioKey, name: string, opts: Omit<StageOptions, 'users'>): Promise<ScenarioResult> {
  const result: ScenarioResult = { name, notes: [] };
  const started = Date.now();
  const deadline = deadlineFor(key);
  let s: Stage | undefined;
  try {
    s = await stage(name, { ...opts, users: WARM_USERS + USERS });
    const warm = s.users.slice(0, WARM_USERS);
    const users = s.users.slice(WARM_USERS);
    if (s.seedMs !== undefined) result.notes.push(`database filled in ${fmt(s.seedMs / 1000, 1)} s before the bot started`);
    const launched = Date.now();
    await waitUntilPolling(s);
    if (opts.script === SERVICE_SCRIPT) result.notes.push(`ready to poll ${fmt((Date.now() - launched) / 1000, 1)} s after launch`);
    await warmUp(s, warm);
    log(`${name}: warmed up (${((Date.now() - started) / 1000).toFixed(1)} s since start)`);
    s.tg.recordCalls = false; // 10 000s of call records would only weigh on the bench process

    // Throughput: everything at once, as fast as the fake takes it.
    const tp = new Phase('throughput', USERS * PER_USER);
    const botCpu0 = s.bot.cpuMs();
    const benchCpu0 = process.cpuUsage();
    for (let n = 1; n <= PER_USER; n++) {
      for (let i = 0; i < users.length; i++) {
        s.watch.send(tp, users[i]!, n);
        if (i % 250 === 249) await yieldToLoop();
      }
    }
    const t0 = tp.firstInjection();
    log(`${name}: ${tp.expected} messages injected in ${Date.now() - t0} ms`);
    const tpTimeout = within(PHASE_TIMEOUT_MS, deadline, LATENCY_KEEP_MS);
    let complete = await tp.wait(tpTimeout, s.bot);
    const end = complete ? tp.lastDelivery() : Date.now();
    result.throughput = {
      delivered: tp.delivered,
      expected: tp.expected,
      elapsedMs: end - t0,
      msgPerS: (tp.delivered / (end - t0)) * 1000,
      complete,
    };
    log(`${name}: throughput ${tp.delivered}/${tp.expected} in ${((end - t0) / 1000).toFixed(1)} s`);
    {
      const botCpu = s.bot.cpuMs() - botCpu0;
      const bench = process.cpuUsage(benchCpu0);
      const benchCpu = (bench.user + bench.system) / 1000;
      const wall = Date.now() - t0;
      result.notes.push(
        `throughput phase CPU: bot ${fmt(botCpu / Math.max(1, tp.delivered), 2)} ms/msg (${fmt((botCpu / wall) * 100)}% of a core), ` +
          `bench process with the fake ${fmt((benchCpu / wall) * 100)}% of a core`,
      );
    }
    if (tp.duplicates) result.notes.push(`${tp.duplicates} duplicate copies in the throughput phase`);
    if (!complete) {
      result.notes.push(`throughput: only ${tp.delivered}/${tp.expected} within ${fmt(tpTimeout / 1000)} s (partial figure)`);
      const drain = within(DRAIN_TIMEOUT_MS, deadline, LATENCY_KEEP_MS);
      complete = await tp.wait(drain, s.bot);
      if (complete)
        result.notes.push(
          `the rest of the throughput backlog drained ${fmt((tp.lastDelivery() - t0) / 1000)} s after the first injection, before the latency phase`,
        );
      else result.notes.push(`backlog not drained ${fmt(drain / 1000)} s later (${tp.delivered}/${tp.expected})`);
    }

    // Latency at a steady offered load, from users whose topics exist.
    if (!complete) {
      result.latency = { skipped: 'throughput backlog not drained' };
    } else {
      await sleep(1000); // let the tail of the throughput phase settle
      const lat = new Phase('latency', LATENCY_TOTAL);
      const l0 = Date.now();
      let sent = 0;
      while (sent < LATENCY_TOTAL) {
        const due = Math.min(LATENCY_TOTAL, Math.floor(((Date.now() - l0) * LATENCY_RATE) / 1000) + 1);
        for (; sent < due; sent++) s.watch.send(lat, users[sent % users.length]!, PER_USER + 1 + Math.floor(sent / users.length));
        await sleep(2);
      }
      const offeredPerS = (LATENCY_TOTAL / Math.max(1, Date.now() - l0)) * 1000;
      const latDrain = within(DRAIN_TIMEOUT_MS, deadline);
      const allIn = await lat.wait(latDrain, s.bot);
      const latencies = [...lat.deliveredAt].map(([key, at]) => at - lat.injectedAt.get(key)!).sort((a, b) => a - b);
      result.latency = {
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? Number.NaN,
        delivered: lat.delivered,
        expected: lat.expected,
        offeredPerS,
        deliveredPerS: (lat.delivered / Math.max(1, lat.lastDelivery() - l0)) * 1000,
      };
      if (!allIn)
        result.notes.push(
          `latency: ${lat.expected - lat.delivered} of ${lat.expected} never arrived within ${fmt(latDrain / 1000)} s of the last injection (not in the percentiles)`,
        );
      if (result.latency.deliveredPerS < 0.95 * offeredPerS) {
        result.notes.push(
          `latency phase saturated: offered ${fmt(offeredPerS)} msg/s, delivered ${fmt(result.latency.deliveredPerS)} msg/s, so its latencies are mostly queueing behind the backlog`,
        );
      }
      if (lat.duplicates) result.notes.push(`${lat.duplicates} duplicate copies in the latency phase`);
      log(
        `${name}: latency p50 ${fmt(result.latency.p50)} ms, p99 ${fmt(result.latency.p99)} ms (${lat.delivered}/${lat.expected}, offered ${offeredPerS.toFixed(0)}/s)`,
      );
    }
    if (s.watch.strays) result.notes.push(`${s.watch.strays} copies of unknown bench messages`);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`${name}: ${result.error}`);
  } finally {
    if (s) {
      result.exit = await s.bot.stop();
      result.peakRssMb = s.bot.peakRssMb();
      const complaints = s.bot.complaints();
      if (complaints.count) result.notes.push(`${complaints.count} warn/error log lines, e.g. ${complaints.first.slice(0, 3).join(' | ')}`);
      if (!/code 0|signal SIGTERM/.test(result.exit)) result.notes.push(`bot exit: ${result.exit}`);
      await s.close();
    }
    log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return result;
}

interface LimitsResult {
  delivered: number;
  expected: number;
  periodMs: number;
  perMinute: number;
  tooMany: number;
  tooManyBefore: number;
  groupSends: number;
  /** Most sends into the group within any 60 s, over the whole run (warm-up and setup included). */
  peakMinute: number;
  peakRssMb?: number;
  error?: string;
  notes: string[];
}

async function limitsScenario(): Promise<LimitsResult> {
  const result: LimitsResult = {
    delivered: 0,
    expected: LIMIT_USERS * LIMIT_PER_USER,
    periodMs: 0,
    perMinute: Number.NaN,
    tooMany: 0,
    tooManyBefore: 0,
    groupSends: 0,
    peakMinute: 0,
    notes: [],
  };
  const name = 'limits-on (ours, SQLite)';
  const started = Date.now();
  const deadline = deadlineFor('limits');
  let s: Stage | undefined;
  const count429 = (st: Stage) => st.tg.rateLimitHits.length;
  try {
    s = await stage(name, {
      script: SERVICE_SCRIPT,
      db: 'sqlite',
      env: { LOG_LEVEL: 'warn', ...GROUP_LIMIT_ON },
      users: WARM_USERS + LIMIT_USERS,
      rateLimits: { groupPerMinute: LIMIT_PER_WINDOW, groupWindowMs: LIMIT_WINDOW_MS },
    });
    const warm = s.users.slice(0, WARM_USERS);
    const users = s.users.slice(WARM_USERS);
    await waitUntilPolling(s);
    await warmUp(s, warm);
    // Give each user a topic first, so the measured messages are copies only.
    const setup = new Phase('setup', users.length);
    for (const u of users) s.watch.send(setup, u, 1);
    const setupTimeout = within(LIMITS_TIMEOUT_MS, deadline, 30_000);
    if (!(await setup.wait(setupTimeout, s.bot)))
      throw new Error(`setup: ${setup.delivered}/${setup.expected} first messages within ${fmt(setupTimeout / 1000)} s`);
    log(`${name}: ${users.length} topics open (${((Date.now() - started) / 1000).toFixed(1)} s since start)`);

    result.tooManyBefore = count429(s);
    const sendsBefore = s.watch.groupSendTimes.length;
    const phase = new Phase('limits', LIMIT_USERS * LIMIT_PER_USER);
    for (let n = 2; n <= LIMIT_PER_USER + 1; n++) for (const u of users) s.watch.send(phase, u, n);
    const t0 = phase.firstInjection();
    const limitsTimeout = within(LIMITS_TIMEOUT_MS, deadline);
    const complete = await phase.wait(limitsTimeout, s.bot);
    const end = complete ? phase.lastDelivery() : Date.now();
    result.delivered = phase.delivered;
    result.periodMs = end - t0;
    result.perMinute = (phase.delivered / result.periodMs) * 60_000;
    result.tooMany = count429(s) - result.tooManyBefore;
    result.groupSends = s.watch.groupSendTimes.length - sendsBefore;
    result.peakMinute = mostWithin(s.watch.groupSendTimes, LIMIT_WINDOW_MS);
    if (!complete) result.notes.push(`only ${phase.delivered}/${phase.expected} within ${fmt(limitsTimeout / 1000)} s (partial figure)`);
    if (phase.duplicates) result.notes.push(`${phase.duplicates} duplicate copies`);
    log(`${name}: ${phase.delivered}/${phase.expected} in ${(result.periodMs / 1000).toFixed(1)} s, ${result.tooMany} × 429`);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`${name}: ${result.error}`);
  } finally {
    if (s) {
      const exit = await s.bot.stop();
      result.peakRssMb = s.bot.peakRssMb();
      const complaints = s.bot.complaints();
      if (complaints.count) result.notes.push(`${complaints.count} warn/error log lines, e.g. ${complaints.first.slice(0, 3).join(' | ')}`);
      if (!/code 0|signal SIGTERM/.test(exit)) result.notes.push(`bot exit: ${exit}`);
      await s.close();
    }
    log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return result;
}

/** The most timestamps (ascending) that fall within any `span` ms. */
function mostWithin(times: readonly number[], span: number): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= span) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

// ---------------------------------------------------------------- run and report

const results: ScenarioResult[] = [];
let limits: LimitsResult | undefined;
try {
  if (wanted('floor')) results.push(await relayScenario('floor', 'floor (bare grammY, no DB)', { script: FLOOR_SCRIPT, env: {} }));
  if (wanted('sqlite'))
    results.push(await relayScenario('sqlite', 'topic on SQLite', { script: SERVICE_SCRIPT, db: 'sqlite', env: { LOG_LEVEL: 'warn', ...LIMITS_OFF } }));
  if (wanted('postgresql'))
    results.push(
      await relayScenario('postgresql', 'topic on PostgreSQL', { script: SERVICE_SCRIPT, db: 'postgresql', env: { LOG_LEVEL: 'warn', ...LIMITS_OFF } }),
    );
  if (wanted('sqlite-scale'))
    results.push(
      await relayScenario('sqlite-scale', `topic on SQLite, ${SEED_LABEL}`, {
        script: SERVICE_SCRIPT,
        db: 'sqlite',
        seed: true,
        env: { LOG_LEVEL: 'warn', ...LIMITS_OFF },
      }),
    );
  if (wanted('postgresql-scale'))
    results.push(
      await relayScenario('postgresql-scale', `topic on PostgreSQL, ${SEED_LABEL}`, {
        script: SERVICE_SCRIPT,
        db: 'postgresql',
        seed: true,
        env: { LOG_LEVEL: 'warn', ...LIMITS_OFF },
      }),
    );
  if (wanted('limits')) limits = await limitsScenario();
} finally {
  await cleanupAll();
  clearTimeout(watchdog);
}

const floorResult = results.find((r) => r.name.startsWith('floor'));
const floor = floorResult?.throughput?.complete ? floorResult.throughput.msgPerS : undefined;
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const out: string[] = [];
out.push(`## Relay benchmark`, '');
out.push(`Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()}; Node ${process.version}`, '');
out.push(`Throughput: ${USERS * PER_USER} messages from ${USERS} users (${PER_USER} each) injected at once, until the last copy is in its topic.`);
out.push(
  `Latency: ${LATENCY_TOTAL} messages at ${LATENCY_RATE} msg/s over ${LATENCY_SECONDS} s from the same users (topics exist), injection → copy in the group.`,
  `Rows with "${SEED_LABEL}": before the bot starts, its database holds ${SEED.users.toLocaleString('en')} users, each with a topic and ${SEED.ticketsPerUser} tickets, ` +
    `and ${SEED.messages.toLocaleString('en')} messages over ${SEED.days} days; the phases run with the bench's own (new) users as above.`,
  '',
);
out.push('| scenario | throughput msg/s | ratio to floor | p50 ms | p99 ms | max ms | peak RSS MB |');
out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results) {
  const tp = r.throughput;
  const tpCell = tp ? `${fmt(tp.msgPerS)}${tp.complete ? '' : ` (partial: ${tp.delivered}/${tp.expected} in ${fmt(tp.elapsedMs / 1000)} s)`}` : '—';
  const ratio = tp && floor ? fmt(tp.msgPerS / floor, 2) : '—';
  const lat = r.latency && 'p50' in r.latency ? r.latency : undefined;
  out.push(`| ${r.name} | ${tpCell} | ${ratio} | ${fmt(lat?.p50)} | ${fmt(lat?.p99)} | ${fmt(lat?.max)} | ${fmt(r.peakRssMb, 1)} |`);
}
out.push('');
if (limits) {
  const l = limits;
  const perWindow = (l.perMinute / 60_000) * LIMIT_WINDOW_MS;
  if (l.error && l.delivered === 0) {
    out.push(`Limits on (ours, SQLite, group ${LIMIT_PER_WINDOW} per ${LIMIT_WINDOW_MS} ms in the bot and the fake): failed — ${l.error}`);
  } else {
    out.push(
      `Limits on (ours, SQLite; Telegram's 20/min compressed to ${LIMIT_PER_WINDOW} per ${LIMIT_WINDOW_MS} ms in the bot and in the fake; ${l.expected} messages from ${LIMIT_USERS} users with topics): ` +
        `${l.delivered}/${l.expected} copies in ${fmt(l.periodMs / 1000, 1)} s → **${fmt(perWindow, 1)} per window**, ratio to the limit: **${fmt(perWindow / LIMIT_PER_WINDOW, 2)}**; ` +
        `429s from the fake: **${l.tooMany}** (before the measured phase: ${l.tooManyBefore}); sends into the group in the period: ${l.groupSends}; ` +
        `most messages the bot created in the group within any ${LIMIT_WINDOW_MS} ms: ${l.peakMinute} (limit ${LIMIT_PER_WINDOW}); peak RSS ${fmt(l.peakRssMb, 1)} MB.`,
      '',
      `(A sliding window lets the first ${LIMIT_PER_WINDOW} through at once, so the best possible ratio over ${l.expected} messages is ` +
        `${fmt(l.expected / (l.expected - LIMIT_PER_WINDOW), 2)}; the goal is to stay within 5% of the limit itself.)`,
    );
  }
  out.push('');
}
const notes = [
  ...results.flatMap((r) => [...(r.error ? [`${r.name}: failed — ${r.error}`] : []), ...r.notes.map((n) => `${r.name}: ${n}`)]),
  ...(limits ? [...(limits.error && limits.delivered > 0 ? [`limits-on: ${limits.error}`] : []), ...limits.notes.map((n) => `limits-on: ${n}`)] : []),
];
if (notes.length) {
  out.push('Notes:');
  for (const n of notes) out.push(`- ${n}`);
  out.push('');
}
out.push(`Total run: ${fmt((Date.now() - runStarted) / 1000)} s.`);
process.stdout.write(`${out.join('\n')}\n`);
process.exit(0);
