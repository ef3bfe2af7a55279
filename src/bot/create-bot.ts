// Builds the grammY bot: context, ordering, the chat gate and the features,
// registered in one place. It does not start polling (see app.ts).
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, Composer, GrammyError, HttpError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config.js';
import { isTransientDbError } from '../db/errors.js';
import type { DbHealth } from '../db/health.js';
import type { TopicThreads } from '../delivery/topic-threads.js';
import { isSupportGroup, type Desk } from '../domain/desk.js';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import type { Context } from './context.js';
import { findConversation, oneTurnPerConversation } from './conversation.js';
import { createAdminCheck } from './admins.js';
import { assignment } from './features/assignment.js';
import { autoReplies } from './features/auto-replies.js';
import { cannedAnswers } from './features/canned-answers.js';
import { bannedUsers } from './features/banned-users.js';
import { bans } from './features/bans.js';
import { broadcasts } from './features/broadcasts.js';
import { categories } from './features/categories.js';
import { edits } from './features/edits.js';
import { greeting } from './features/greeting.js';
import { managerReplies } from './features/manager-replies.js';
import { membership } from './features/membership.js';
import { reactions } from './features/reactions.js';
import { settings } from './features/settings.js';
import { ratings } from './features/ratings.js';
import { stats } from './features/stats.js';
import { ticketStatus } from './features/ticket-status.js';
import { transcript } from './features/transcript.js';
import { topicEvents } from './features/topic-events.js';
import { unhandled } from './features/unhandled.js';
import { userMessages } from './features/user-messages.js';

export interface BotDeps {
  logger: Logger;
  desk: Desk;
  threads: Pick<TopicThreads, 'userOfThread' | 'creating' | 'nextCreationEnd'>;
  health: DbHealth;
  /** Told of each update handled (for the metrics). */
  onHandled?: () => void;
  /** True once the service is shutting down: an update waiting for the database gives up then. */
  isStopping: () => boolean;
  botInfo?: UserFromGetMe;
}

/** While the database is down, an update is tried again at least this often. */
const DB_RETRY_MAX_MS = 2000;

export function createBot(config: Config, deps: BotDeps) {
  const bot = new Bot<Context>(config.BOT_TOKEN, {
    client: { apiRoot: config.TELEGRAM_API_ROOT },
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
  });
  // Every message the bot sends goes through the outbox, which paces it and
  // waits out 429s in its queue. What is left here is answering button
  // presses, which Telegram does not count as messages: a short flood wait is
  // obeyed, a long one is not worth holding the conversation's turn for (the
  // press then just shows no answer).
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 5, rethrowHttpErrors: false }));
  const desk = deps.desk;
  const isGroupAdmin = createAdminCheck(bot.api, config.SUPPORT_CHAT_ID, deps.logger);

  bot.use(async (ctx, next) => {
    ctx.desk = desk;
    ctx.config = config;
    ctx.log = deps.logger.child({ update_id: ctx.update.update_id });
    ctx.isAdmin = async () => {
      if (!ctx.from) return false;
      // An admin posting anonymously: the message is sent on behalf of the group itself.
      if (ctx.msg?.sender_chat?.id === config.SUPPORT_CHAT_ID) return true;
      return isGroupAdmin(ctx.from.id);
    };
    await next();
  });

  // Only the users' private chats and the support supergroups (the configured
  // one, and those the admins gave categories) are served.
  bot.drop((ctx) => {
    const chat = ctx.chat;
    return !chat || (chat.type !== 'private' && !isSupportGroup(desk, chat.id));
  });

  // Updates of one conversation (a user's chat and their topic) are handled
  // in order, one at a time; others run concurrently.
  bot.use(findConversation(deps.threads));
  bot.use(oneTurnPerConversation);

  // Any failure but the database's is a bug in handling this one update:
  // logged, and the update counts as handled, so it never blocks its
  // conversation or a restart.
  const features = new Composer<Context>();
  features
    .errorBoundary((err) => {
      if (isTransientDbError(err.error)) throw err.error;
      err.ctx.log.error({ err: describeError(err.error) }, 'feature failed; the update is skipped');
    })
    .use(
      settings,
      bannedUsers,
      broadcasts,
      greeting,
      categories,
      autoReplies,
      ratings,
      ticketStatus,
      assignment,
      transcript,
      stats,
      bans,
      topicEvents,
      membership,
      edits,
      cannedAnswers,
      managerReplies,
      userMessages,
      reactions,
      unhandled,
    );
  const handleFeatures = features.middleware();

  // The database failing for a while (a lost connection, a lock timeout, a
  // restart) is waited out here, inside the conversation's turn, so nothing
  // overtakes the update; a decision is one transaction, so a retry starts
  // from a clean state. The features run afresh each time (grammY allows a
  // middleware's `next` to be called only once). Only a shutdown gives up:
  // the update then stays in the inbox, unhandled, for the next start.
  bot.use(async (ctx) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await handleFeatures(ctx, async () => {});
        deps.onHandled?.();
        if (attempt > 1) deps.health.ok();
        return;
      } catch (error) {
        if (!isTransientDbError(error) || deps.isStopping()) throw error;
        deps.health.failed(error);
        ctx.log.debug({ attempt, err: describeError(error) }, 'database unavailable; retrying the update');
        await sleep(Math.min(DB_RETRY_MAX_MS, 100 * 2 ** attempt));
      }
    }
  });

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
