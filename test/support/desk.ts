// Starts the whole service in-process against the fake Bot API server and a
// fresh database, with one support supergroup and one manager in it: what a
// test needs to act as users and managers and look at what arrived where.
import type { Chat, Message, User } from 'grammy/types';
import { createApp, type App } from '../../src/app.js';
import { parseConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFakeTelegram, type FakeTelegram } from '../fake-telegram/server.js';
import { freshDatabase, type DbKind, type TestDatabase } from './databases.js';

export const TEST_TOKEN = '123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz';

export interface TestDesk {
  tg: FakeTelegram;
  group: Chat;
  manager: User;
  config: Config;
  app: App;
  database: TestDatabase;
  /** Stops the service and starts it again on the same database, with `changes` to its config if given. */
  restart(changes?: Partial<Config>): Promise<void>;
  close(): Promise<void>;
  /** Messages the bot sent into a user's private chat. */
  botMessagesTo(user: User): Message[];
  /** Everything in a topic, service messages included. */
  topicMessages(threadId: number): Message[];
  /** The user's topic in the fake, by its name's suffix. */
  waitForTopicOf(user: User): Promise<{ message_thread_id: number; name: string }>;
}

/**
 * `env` goes on top of the desk's: MANAGER_LANGUAGE is en unless `env` sets it
 * (undefined: the service's default, Russian). The manager's Telegram speaks
 * `managerLanguageCode` (en).
 */
export async function startDesk(kind: DbKind, env: Record<string, string | undefined> = {}, opts: { managerLanguageCode?: string } = {}): Promise<TestDesk> {
  const tg = await startFakeTelegram({ token: TEST_TOKEN });
  const group = tg.createSupergroup({ title: 'Support' });
  const manager = tg.createUser({ first_name: 'Mary', last_name: 'Manager', username: 'mary_support', language_code: opts.managerLanguageCode ?? 'en' });
  tg.addMember(group.id, manager, 'administrator');
  const database = await freshDatabase(kind);
  const config = parseConfig({
    BOT_TOKEN: tg.token,
    SUPPORT_CHAT_ID: String(group.id),
    DATABASE_URL: database.url,
    TELEGRAM_API_ROOT: tg.apiRoot,
    MANAGER_LANGUAGE: 'en',
    // Telegram's limits matter only to the tests about them, which set their own.
    LIMIT_PRIVATE_CHAT: 'off',
    LIMIT_GROUP: 'off',
    LIMIT_GLOBAL: 'off',
    // So does the anti-flood (test/e2e/anti-flood.test.ts): other tests' users may write fast.
    FLOOD_LIMIT: 'off',
    ...env,
  });
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const desk: TestDesk = {
    tg,
    group,
    manager,
    config,
    database,
    app: createApp(config, logger),
    async restart(changes = {}) {
      await desk.app.stop();
      desk.config = { ...desk.config, ...changes };
      desk.app = createApp(desk.config, logger);
      await desk.app.start();
    },
    async close() {
      await desk.app.stop();
      await tg.stop();
      await database.drop();
    },
    botMessagesTo: (user) => tg.messages(user.id).filter((m) => m.from?.id === tg.botUser.id),
    topicMessages: (threadId) => tg.messages(group.id, threadId),
    waitForTopicOf: (user) =>
      tg.waitFor(() =>
        tg
          .topics(group.id)
          .find(
            (t) => !t.deleted && t.name.endsWith(user.first_name + (user.last_name ? ` ${user.last_name}` : '') + (user.username ? ` @${user.username}` : '')),
          ),
      ),
  };
  await desk.app.start();
  return desk;
}

export function text(m: Message | undefined): string | undefined {
  return m && ('text' in m ? m.text : 'caption' in m ? m.caption : undefined);
}

/** Polls an async condition (a database query) until it holds. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${fn.toString().slice(0, 200)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
