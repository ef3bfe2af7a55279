// A user or a manager edited a message that was relayed: edit the copy.
import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { EditedContent } from '../../delivery/courier.js';
import { relayEdit } from '../../domain/edits.js';
import type { Context } from '../context.js';
import { isManagerInUserTopic } from '../filters/manager-in-user-topic.js';

export const edits = new Composer<Context>();

edits.chatType('private').on('edited_message', async (ctx) => {
  const content = editedContent(ctx.editedMessage);
  // No content: e.g. a live location moving, nothing a person re-wrote.
  if (content)
    await relayEdit(ctx.desk, { side: 'user', userId: ctx.chat.id, chatId: ctx.config.SUPPORT_CHAT_ID, messageId: ctx.editedMessage.message_id, content });
});

edits.on('edited_message').filter(isManagerInUserTopic, async (ctx) => {
  const content = editedContent(ctx.editedMessage);
  if (content)
    await relayEdit(ctx.desk, { side: 'topic', userId: ctx.conversationUserId, chatId: ctx.chat.id, messageId: ctx.editedMessage.message_id, content });
});

function editedContent(m: Message): EditedContent | undefined {
  if (m.text !== undefined) return { text: m.text, ...(m.entities ? { entities: m.entities } : {}) };
  if (m.caption !== undefined) return { caption: m.caption, ...(m.caption_entities ? { caption_entities: m.caption_entities } : {}) };
  return undefined;
}
