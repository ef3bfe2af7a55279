// What a manager writes inside a user's topic goes to that user. Only
// messages a person wrote in a topic the bot owns are relayed: not the General
// topic, not service messages, not other bots, never commands, and never
// internal notes (domain/notes.ts).
import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { answerManager } from '../../domain/answers.js';
import { relayManagerReply } from '../../domain/manager-to-user.js';
import { isNote, type Note, recordNote } from '../../domain/notes.js';
import type { Context } from '../context.js';
import { isManagerInUserTopic } from '../filters/manager-in-user-topic.js';
import { contentOf, isCommand, isServiceMessage, messageKind } from '../message-kind.js';

export const managerReplies = new Composer<Context>();

managerReplies.on('message').filter(isManagerInUserTopic, async (ctx, next) => {
  const message = ctx.message;
  if (isServiceMessage(message) || message.message_thread_id === undefined) return next();
  const written: Note = {
    manager: ctx.from,
    userId: ctx.conversationUserId,
    chatId: ctx.chat.id,
    messageId: message.message_id,
    sentAt: new Date(message.date * 1000),
    kind: messageKind(message),
    mediaGroupId: message.media_group_id,
    content: contentOf(message),
  };
  // An internal note stays in the topic and is never sent to the user.
  const albumNote = message.media_group_id !== undefined && (await ctx.desk.store.albumIsNote(ctx.conversationUserId, message.media_group_id));
  if (albumNote || isNote(message.text ?? message.caption, ctx.desk.settings.get('notePrefix'))) {
    ctx.log.debug({ outcome: await recordNote(ctx.desk, written) }, 'note');
    return;
  }
  if (isCommand(message)) {
    // Commands the bot knows were handled before this feature; others are a manager's mistake.
    await answerManager(
      ctx.desk,
      { userId: ctx.conversationUserId, chatId: ctx.chat.id, replyTo: message.message_id },
      ctx.desk.managerTexts.commandsNotRelayed,
    );
    return;
  }
  const result = await relayManagerReply(ctx.desk, { ...written, replyToMessageId: explicitReplyTo(message) });
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
