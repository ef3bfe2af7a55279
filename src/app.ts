// Assembles the service from a parsed config: database (migrated), desk,
// bot, start-up checks and the long-polling runner; and takes it apart again.
import { run, type RunnerHandle } from '@grammyjs/runner';
import { GrammyError, type Api } from 'grammy';
import type { Config } from './config.js';
import { createBot } from './bot/create-bot.js';
import { createDb, type Database } from './db/client.js';
import { migrateDatabase } from './db/migrate.js';
import { createTelegramCourier } from './delivery/telegram-courier.js';
import type { Desk } from './domain/desk.js';
import { createStore } from './domain/store.js';
import { textsFor } from './i18n/index.js';
import { KeyedLock } from './lib/keyed-lock.js';
import type { Logger } from './logger.js';

/** A problem an admin must fix before the bot can serve; the message says how. */
export class StartupError extends Error {}

export interface App {
  readonly db: Database;
  readonly desk: Desk;
  start(): Promise<void>;
  /** Stops polling, lets in-flight updates finish (bounded), closes the database. */
  stop(): Promise<void>;
}

const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member'] as const;

export function createApp(config: Config, logger: Logger): App {
  const db = createDb(config.DATABASE_URL);
  const { bot, desk, inFlight } = createBot(config, {
    logger,
    createDesk: (api) => ({
      store: createStore(db.prisma),
      courier: createTelegramCourier(api, config.SUPPORT_CHAT_ID),
      supportChatId: config.SUPPORT_CHAT_ID,
      managerTexts: textsFor(config.MANAGER_LANGUAGE),
      conversations: new KeyedLock(),
      logger,
      now: () => new Date(),
    }),
  });
  let runner: RunnerHandle | undefined;
  let stopping: Promise<void> | undefined;

  return {
    db,
    desk,
    async start() {
      const applied = await migrateDatabase(db);
      logger.info({ provider: db.provider, applied }, 'database ready');
      await bot.init();
      await checkSupportChat(bot.api, config.SUPPORT_CHAT_ID, bot.botInfo.id);
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
      logger.info({ bot: bot.botInfo.username, support_chat_id: config.SUPPORT_CHAT_ID }, 'polling for updates');
    },
    stop() {
      stopping ??= (async () => {
        if (runner?.isRunning()) await runner.stop();
        // runner.stop() does not wait for middleware still running.
        const idle = await inFlight.idle(10_000);
        if (!idle) logger.warn({ in_flight: inFlight.size }, 'stopped with updates still being handled');
        await db.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

/** The supergroup must be a forum, and the bot an admin who may manage topics. */
async function checkSupportChat(api: Api, chatId: number, botId: number): Promise<void> {
  let chat;
  try {
    chat = await api.getChat(chatId);
  } catch (error) {
    if (error instanceof GrammyError) {
      throw new StartupError(`SUPPORT_CHAT_ID ${chatId}: Telegram says "${error.description}". Add the bot to the supergroup and check the id.`);
    }
    throw error;
  }
  if (chat.type !== 'supergroup' || !chat.is_forum) {
    throw new StartupError(`SUPPORT_CHAT_ID ${chatId} is not a forum supergroup: turn on Topics in the group's settings.`);
  }
  const me = await api.getChatMember(chatId, botId);
  const canManage = me.status === 'creator' || (me.status === 'administrator' && me.can_manage_topics === true);
  if (!canManage) {
    throw new StartupError(`The bot is not an administrator with the "Manage topics" right in SUPPORT_CHAT_ID ${chatId}: promote it in the group's settings.`);
  }
}
