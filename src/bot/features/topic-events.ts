// Keeps the stored state of topics in step with what happens to them in
// Telegram: a closed topic must be reopened before the user's next message,
// and a topic the bot created that no user claims is an empty leftover.
import { Composer } from 'grammy';
import { topicClosedInTelegram } from '../../domain/membership.js';
import { isSupportGroup } from '../../domain/desk.js';
import { topicCreatedByBot } from '../../domain/orphan-topics.js';
import type { Context } from '../context.js';

export const topicEvents = new Composer<Context>();

const supportTopic = (ctx: Context) =>
  ctx.chat !== undefined && isSupportGroup(ctx.desk, ctx.chat.id) && ctx.msg?.is_topic_message === true && ctx.msg.message_thread_id !== undefined;

// A topic the bot created: make sure a user's row claims it (see domain/orphan-topics.ts).
topicEvents.on('message:forum_topic_created').filter(supportTopic, async (ctx) => {
  if (ctx.from?.id === ctx.me.id) await topicCreatedByBot(ctx.desk, ctx.chat!.id, ctx.msg.message_thread_id!);
});

topicEvents.on('message:forum_topic_closed').filter(supportTopic, async (ctx) => {
  await topicClosedInTelegram(ctx.desk, ctx.chat!.id, ctx.msg.message_thread_id!, true);
});

topicEvents.on('message:forum_topic_reopened').filter(supportTopic, async (ctx) => {
  await topicClosedInTelegram(ctx.desk, ctx.chat!.id, ctx.msg.message_thread_id!, false);
});
