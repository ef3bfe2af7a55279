// Keeps the stored state of topics in step with what managers do to them in
// Telegram: a closed topic must be reopened before the user's next message.
import { Composer } from 'grammy';
import { topicClosedInTelegram } from '../../domain/membership.js';
import type { Context } from '../context.js';

export const topicEvents = new Composer<Context>();

const supportTopic = (ctx: Context) =>
  ctx.chat?.id === ctx.config.SUPPORT_CHAT_ID && ctx.msg?.is_topic_message === true && ctx.msg.message_thread_id !== undefined;

topicEvents.on('message:forum_topic_closed').filter(supportTopic, async (ctx) => {
  await topicClosedInTelegram(ctx.desk, ctx.msg.message_thread_id!, true);
});

topicEvents.on('message:forum_topic_reopened').filter(supportTopic, async (ctx) => {
  await topicClosedInTelegram(ctx.desk, ctx.msg.message_thread_id!, false);
});
