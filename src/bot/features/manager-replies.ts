// What a manager writes inside a user's topic goes to that user. Only
// messages a person wrote in a topic the bot owns are relayed: not the General
// topic, not service messages, not other bots, and never commands.
import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { relayManagerReply } from '../../domain/manager-to-user.js';
import type { Context } from '../context.js';
import { isCommand, isServiceMessage, messageKind } from '../message-kind.js';

export const managerReplies = new Composer<Context>();

managerReplies.on('message', async (ctx, next) => {
  const message = ctx.message;
  if (ctx.chat.id !== ctx.config.SUPPORT_CHAT_ID) return next();
  // Decide on is_topic_message, never on message_thread_id alone (see docs).
  if (!message.is_topic_message || message.message_thread_id === undefined) return next();
  // An admin posting anonymously is a manager too (from is GroupAnonymousBot).
  const anonymousAdmin = message.sender_chat?.id === ctx.chat.id;
  if ((ctx.from.is_bot && !anonymousAdmin) || isServiceMessage(message)) return next();
  if (isCommand(message)) {
    // Commands the bot knows were handled before this feature; others are a manager's mistake.
    const topic = await ctx.desk.store.topicByThread(ctx.chat.id, message.message_thread_id);
    if (topic) await ctx.reply(ctx.desk.managerTexts.commandsNotRelayed, { reply_parameters: { message_id: message.message_id } });
    return;
  }
  const result = await relayManagerReply(ctx.desk, {
    manager: ctx.from,
    threadId: message.message_thread_id,
    messageId: message.message_id,
    sentAt: new Date(message.date * 1000),
    kind: messageKind(message),
    mediaGroupId: message.media_group_id,
    replyToMessageId: explicitReplyTo(message),
  });
  ctx.log.debug({ outcome: result.outcome }, 'manager message');
});

/**
 * In a topic, every message "replies" to the topic's creation message unless
 * the manager really replied to something: only the latter counts.
 */
export function explicitReplyTo(message: Message): number | undefined {
  const replied = message.reply_to_message;
  if (!replied || replied.message_id === message.message_thread_id || 'forum_topic_created' in replied) return undefined;
  return replied.message_id;
}
