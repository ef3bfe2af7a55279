// One conversation, one turn at a time. A user's private chat and their
// topic in the supergroup are the same conversation: a user's message and a
// manager's /close must never be decided at once, or the message can land on
// a ticket that was resolved under it. So both sides are sequentialized by
// the user's id. The topic's owner is known from memory, without waiting:
// an await here would let a later private-chat update overtake an earlier
// topic update on its way to sequentialize, which orders by arrival. The one
// exception is a thread whose creation is still being recorded (below).
import { sequentialize } from '@grammyjs/runner';
import type { MiddlewareFn } from 'grammy';
import type { TopicThreads } from '../delivery/topic-threads.js';
import type { Context } from './context.js';

/** The thread of a support-chat message, edit or button press, if it is in a topic. */
export function threadOf(ctx: Context): number | undefined {
  const msg = ctx.msg ?? ctx.callbackQuery?.message;
  if (!msg || !('is_topic_message' in msg) || !msg.is_topic_message) return undefined;
  return msg.message_thread_id;
}

/**
 * How long an update in an unknown thread waits for topic creations in progress. A topic
 * people can write in is already created: only its record can be slow (a slow database).
 */
const CREATION_WAIT_MS = 30_000;

export function findConversation(threads: Pick<TopicThreads, 'userOfThread' | 'creating' | 'nextCreationEnd'>): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (chat?.type === 'private') ctx.conversationUserId = chat.id;
    else if (chat) {
      // Only support groups pass the chat gate: a thread there may be a user's topic.
      const thread = threadOf(ctx);
      ctx.conversationUserId = thread === undefined ? undefined : threads.userOfThread(chat.id, thread);
      // Telegram may tell us of a message in a new topic before it answers the call that
      // created it (people see the topic at once): such a message would be taken for one
      // outside any user's topic and dropped. Only these updates wait, each until its thread
      // is known or no creation is left, looking again as each creation ends: the first of
      // them goes on the moment its thread is recorded, ahead of any later message there.
      const deadline = Date.now() + CREATION_WAIT_MS;
      while (thread !== undefined && ctx.conversationUserId === undefined && threads.creating && Date.now() < deadline) {
        await threads.nextCreationEnd();
        ctx.conversationUserId = threads.userOfThread(chat.id, thread);
      }
    }
    return next();
  };
}

export const oneTurnPerConversation = sequentialize((ctx: Context) => {
  if (ctx.conversationUserId !== undefined) return `user:${ctx.conversationUserId}`;
  const thread = threadOf(ctx);
  return thread === undefined ? undefined : `thread:${thread}`;
});
