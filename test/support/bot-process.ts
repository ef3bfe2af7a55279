// Runs the real service (src/main.ts) as a child process, as `npm start`
// would, so that tests can kill it the hard way and see what it prints. The
// one process spawner of the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Chat } from 'grammy/types';
import { startFakeTelegram, type FakeTelegram } from '../fake-telegram/server.js';
import { freshDatabase, type DbKind, type TestDatabase } from './databases.js';
import { TEST_TOKEN } from './desk.js';

const root = new URL('../..', import.meta.url).pathname;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface BotProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Resolves once the service logs that it polls for updates. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM if it still runs; resolves once it is gone. */
  stop(): Promise<Exit>;
  /** SIGKILL: no chance to finish anything. Resolves once it is gone. */
  kill(): Promise<Exit>;
}

/**
 * Starts src/main.ts with only the variables given (plus PATH): no .env, no
 * variables of the developer's shell. LOG_LEVEL is info unless set.
 */
export function startBotProcess(env: Record<string, string>): BotProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_PATH: '/nonexistent', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async ready(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes('polling for updates')) {
        if (!running()) throw new Error(`bot exited early (${child.exitCode ?? child.signalCode}): ${err}${out}`);
        if (Date.now() > deadline) throw new Error(`bot not ready in ${timeoutMs} ms: ${err}${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    stop() {
      if (running()) child.kill('SIGTERM');
      return exited;
    },
    kill() {
      if (running()) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Runs the service until it exits by itself: its exit and everything it printed. */
export async function runBotProcess(env: Record<string, string>) {
  const bot = startBotProcess(env);
  const exit = await bot.exited;
  return { ...exit, stdout: bot.stdout(), stderr: bot.stderr() };
}

/**
 * What a test of the service as a process needs: the fake Bot API server with
 * a support supergroup, a fresh database, and the environment that points the
 * service at both (Telegram's limits off unless `env` sets them).
 */
export interface ProcessDesk {
  tg: FakeTelegram;
  group: Chat;
  database: TestDatabase;
  env: Record<string, string>;
  /** Starts src/main.ts on this desk (`env` on top of the desk's); close() stops it if still running. */
  start(env?: Record<string, string>): BotProcess;
  /** The processes start() started, oldest first. */
  started(): BotProcess[];
  /** Stops every process it started, the fake server, and drops the database. */
  close(): Promise<void>;
}

export async function startProcessDesk(kind: DbKind, env: Record<string, string> = {}): Promise<ProcessDesk> {
  const tg = await startFakeTelegram({ token: TEST_TOKEN });
  const group = tg.createSupergroup({ title: 'Support' });
  const database = await freshDatabase(kind);
  const started: BotProcess[] = [];
  const deskEnv = {
    BOT_TOKEN: tg.token,
    SUPPORT_CHAT_ID: String(group.id),
    TELEGRAM_API_ROOT: tg.apiRoot,
    DATABASE_URL: database.url,
    LIMIT_PRIVATE_CHAT: 'off',
    LIMIT_GROUP: 'off',
    LIMIT_GLOBAL: 'off',
    // The anti-flood too: the tests' users write fast (test/e2e/anti-flood.test.ts is about it).
    FLOOD_LIMIT: 'off',
    ...env,
  };
  return {
    tg,
    group,
    database,
    env: deskEnv,
    start(extra = {}) {
      const bot = startBotProcess({ ...deskEnv, ...extra });
      started.push(bot);
      return bot;
    },
    started: () => [...started],
    async close() {
      for (const bot of started) {
        // A process that does not stop on SIGTERM in time is killed: a test must not hang on it.
        const timer = setTimeout(() => void bot.kill(), 15_000);
        await bot.stop();
        clearTimeout(timer);
      }
      await tg.stop();
      await database.drop();
    },
  };
}
