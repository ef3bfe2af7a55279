// Builds the grammY bot: context, ordering, the chat gate and the features,
// registered in one place. It does not start polling (see app.ts).
import { sequentialize } from '@grammyjs/runner';
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, GrammyError, HttpError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config.js';
import { isDatabaseError } from '../db/client.js';
import type { Desk } from '../domain/desk.js';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import type { Context } from './context.js';
import { edits } from './features/edits.js';
import { greeting } from './features/greeting.js';
import { membership } from './features/membership.js';
import { managerReplies } from './features/manager-replies.js';
import { ticketStatus } from './features/ticket-status.js';
import { topicEvents } from './features/topic-events.js';
import { unhandled } from './features/unhandled.js';
import { userMessages } from './features/user-messages.js';

export interface BotDeps {
  logger: Logger;
  desk: Desk;
  botInfo?: UserFromGetMe;
}

export function createBot(config: Config, deps: BotDeps) {
  const bot = new Bot<Context>(config.BOT_TOKEN, {
    client: { apiRoot: config.TELEGRAM_API_ROOT },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });
  // The relay's messages go through the outbox, which paces them; what the
  // features answer directly (callback answers, short command replies) only
  // needs 429s obeyed and brief network trouble retried.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: Infinity, rethrowHttpErrors: false }));
  const desk = deps.desk;

  bot.use(async (ctx, next) => {
    ctx.desk = desk;
    ctx.config = config;
    ctx.log = deps.logger.child({ update_id: ctx.update.update_id });
    await next();
  });

  // Only the users' private chats and the configured supergroup are served.
  bot.drop((ctx) => {
    const chat = ctx.chat;
    return !chat || (chat.type !== 'private' && chat.id !== config.SUPPORT_CHAT_ID);
  });

  // Updates of one conversation are handled in order: a user's messages by
  // the private chat, managers' by the topic. Others run concurrently.
  bot.use(
    sequentialize((ctx: Context) => {
      const chat = ctx.chat;
      if (chat?.type === 'private') return `user:${chat.id}`;
      const thread = ctx.msg?.is_topic_message ? ctx.msg.message_thread_id : undefined;
      return thread === undefined ? undefined : `topic:${thread}`;
    }),
  );

  // The database failing (a lost connection, a lock timeout) is retried here,
  // inside the conversation's turn, so nothing overtakes the update; a
  // decision is one transaction, so a retry starts from a clean state. If it
  // keeps failing, the update stays in the inbox for the next start.
  bot.use(async (ctx, next) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await next();
      } catch (error) {
        if (!isDatabaseError(error) || attempt >= 5) throw error;
        ctx.log.warn({ attempt, err: describeError(error) }, 'database error; retrying the update');
        await sleep(250 * 2 ** attempt);
      }
    }
  });

  const features = bot.errorBoundary((err) => {
    if (isDatabaseError(err.error)) throw err.error;
    err.ctx.log.error({ err: describeError(err.error) }, 'feature failed');
  });
  features.use(greeting, ticketStatus, topicEvents, membership, edits, managerReplies, userMessages, unhandled);

  bot.catch((err) => deps.logger.error({ update_id: err.ctx.update.update_id, err: describeError(err.error) }, 'unhandled error'));
  return bot;
}

/** Errors for the log, without request payloads (they hold message texts). */
export function describeError(error: unknown) {
  if (error instanceof GrammyError) return { kind: 'telegram', method: error.method, code: error.error_code, description: error.description };
  if (error instanceof HttpError) return { kind: 'network', message: error.message };
  if (error instanceof Error) return { kind: error.name, message: error.message, stack: error.stack };
  return { kind: typeof error };
}
