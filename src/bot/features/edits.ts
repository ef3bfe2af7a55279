// A user or a manager edited a message that was relayed: edit the copy.
import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { EditedContent } from '../../delivery/courier.js';
import { relayEdit } from '../../domain/edits.js';
import type { Context } from '../context.js';

export const edits = new Composer<Context>();

edits.on('edited_message', async (ctx) => {
  const message = ctx.editedMessage;
  const content = editedContent(message);
  if (!content) return; // e.g. a live location moving: nothing a person re-wrote
  if (ctx.chat.type === 'private') {
    await relayEdit(ctx.desk, { side: 'user', userId: ctx.chat.id, messageId: message.message_id, content });
  } else if (ctx.chat.id === ctx.config.SUPPORT_CHAT_ID && message.is_topic_message && message.message_thread_id !== undefined) {
    await relayEdit(ctx.desk, { side: 'topic', threadId: message.message_thread_id, messageId: message.message_id, content });
  }
});

function editedContent(m: Message): EditedContent | undefined {
  if (m.text !== undefined) return { text: m.text, ...(m.entities ? { entities: m.entities } : {}) };
  if (m.caption !== undefined) return { caption: m.caption, ...(m.caption_entities ? { caption_entities: m.caption_entities } : {}) };
  return undefined;
}
