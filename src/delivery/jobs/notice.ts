// The bot's own short messages: notices to a user (in their language), to
// the managers in a user's topic, and answers or alerts in the supergroup
// (General or another thread). Going through the outbox, they count against
// Telegram's limits like every other send, and a 429 waits in the queue, not
// inside a conversation's turn.
import type { InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import { z } from 'zod';
import { topicQueue, userQueue } from '../../domain/desk.js';
import { DeliveryError, type Post } from '../courier.js';
import type { NewJob } from '../outbox.js';
import { defineJob, idSchema, type JobDeps } from './job.js';

/** General notices and answers outside users' topics share one queue, in order. */
export const GROUP_QUEUE = 'group';

const keyboardShape = z.object({ inline_keyboard: z.array(z.array(z.looseObject({ text: z.string() }))) });
const entitiesShape = z.array(z.looseObject({ type: z.string(), offset: z.number().int(), length: z.number().int() }));

/** Inline buttons as the Bot API takes them: checked for shape, typed as grammY's. */
export const keyboardSchema = z.custom<InlineKeyboardMarkup>((v) => keyboardShape.safeParse(v).success, 'not an inline keyboard');

/** Telegram's formatting of an admin's text, kept as they typed it. */
export const entitiesSchema = z.custom<MessageEntity[]>((v) => entitiesShape.safeParse(v).success, 'not message entities');

const content = {
  html: z.string().optional(),
  text: z.string().optional(),
  entities: entitiesSchema.optional(),
  keyboard: keyboardSchema.optional(),
  replyTo: z.number().int().positive().optional(),
};

const payload = z.discriminatedUnion('to', [
  // chatId: the group the manager acted in, when the user has topics in several (see domain/ticket-moves.ts).
  z.object({ to: z.literal('topic'), userId: idSchema, chatId: z.number().int().optional(), ...content }),
  z.object({ to: z.literal('user'), userId: idSchema, ...content }),
  z.object({ to: z.literal('group'), threadId: z.number().int().positive().optional(), ...content }),
]);

export const notice = defineJob('notice', payload, async (n, { desk, topics }) => {
  const post: Post = {
    ...(n.html !== undefined ? { html: n.html } : {}),
    ...(n.text !== undefined ? { text: n.text } : {}),
    ...(n.entities ? { entities: n.entities } : {}),
    ...(n.keyboard ? { keyboard: n.keyboard } : {}),
    ...(n.replyTo ? { replyTo: n.replyTo } : {}),
  };
  try {
    if (n.to === 'topic') {
      // An answer to a manager goes where they are: their group's topic of this user, if that is not the current one.
      const there = n.chatId !== undefined && n.chatId !== (await topics.topicOf(n.userId)).chatId ? await desk.store.topicInGroup(n.userId, n.chatId) : null;
      if (there?.threadId != null) await desk.courier.post({ chat: 'support', chatId: n.chatId, threadId: there.threadId }, post);
      else await topics.intoTopic(n.userId, (at) => desk.courier.post(at, post));
    } else if (n.to === 'user') await desk.courier.post({ chat: 'user', userId: n.userId }, post);
    else await desk.courier.post({ chat: 'support', ...(n.threadId !== undefined ? { threadId: n.threadId } : {}) }, post);
  } catch (error) {
    // Nobody is left to tell: the user blocked the bot meanwhile, or the thread was deleted.
    if (error instanceof DeliveryError && (error.failure === 'blocked' || error.failure === 'deactivated' || error.failure === 'thread-missing')) {
      desk.logger.warn({ to: n.to, failure: error.failure, description: error.description }, 'notice not delivered');
      return;
    }
    throw error;
  }
});

/**
 * Posts the bot's own message to a user; a user who blocked the bot or whose
 * account is gone cannot be told anything, so that is logged, not failed.
 */
export async function postToUser(desk: Pick<JobDeps['desk'], 'courier' | 'logger'>, userId: number, post: Post): Promise<void> {
  try {
    await desk.courier.post({ chat: 'user', userId }, post);
  } catch (error) {
    if (error instanceof DeliveryError && (error.failure === 'blocked' || error.failure === 'deactivated')) {
      desk.logger.info({ user_id: userId, failure: error.failure }, 'message to a user not delivered: they cannot be reached');
      return;
    }
    throw error;
  }
}

/** A notice to the managers in a user's topic (HTML). */
export function noticeToTopic(userId: number, html: string, replyTo?: number, chatId?: number): NewJob {
  return notice.make(topicQueue(userId), { to: 'topic', userId, html, ...(replyTo ? { replyTo } : {}), ...(chatId !== undefined ? { chatId } : {}) });
}

/** A notice to the user in their private chat (plain text, or an admin's text with its formatting; buttons if given). */
export function noticeToUser(
  userId: number,
  text: string,
  opts: { entities?: MessageEntity[] | undefined; keyboard?: InlineKeyboardMarkup | undefined } = {},
): NewJob {
  return notice.make(userQueue(userId), {
    to: 'user',
    userId,
    text,
    ...(opts.entities?.length ? { entities: opts.entities } : {}),
    ...(opts.keyboard ? { keyboard: opts.keyboard } : {}),
  });
}

/** A message to the supergroup outside users' topics: General, or another thread (HTML). */
export function noticeToGroup(html: string, opts: { threadId?: number | undefined; replyTo?: number; keyboard?: InlineKeyboardMarkup } = {}): NewJob {
  return notice.make(GROUP_QUEUE, {
    to: 'group',
    html,
    ...(opts.keyboard ? { keyboard: opts.keyboard } : {}),
    ...(opts.threadId !== undefined ? { threadId: opts.threadId } : {}),
    ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
  });
}
