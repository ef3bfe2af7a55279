// Whatever a user writes to the bot in the private chat goes to their topic.
import { Composer } from 'grammy';
import { relayUserMessage } from '../../domain/user-to-topic.js';
import type { Context } from '../context.js';
import { contentOf, isServiceMessage, messageKind } from '../message-kind.js';

export const userMessages = new Composer<Context>();

userMessages.chatType('private').on('message', async (ctx) => {
  const message = ctx.message;
  if (isServiceMessage(message) || ctx.from.is_bot) return;
  const result = await relayUserMessage(ctx.desk, {
    from: ctx.from,
    messageId: message.message_id,
    sentAt: new Date(message.date * 1000),
    kind: messageKind(message),
    mediaGroupId: message.media_group_id,
    replyToMessageId: message.reply_to_message?.message_id,
    content: contentOf(message),
  });
  ctx.log.debug({ outcome: result.outcome }, 'user message');
});
