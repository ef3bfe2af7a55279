// Someone edited a message that was relayed: the copy on the other side is
// edited too, or, where Telegram cannot edit it in place, the new version is
// posted as a reply to the copy, marked as edited.
import { z } from 'zod';
import type { MessageEntity } from 'grammy/types';
import { escapeHtml } from '../../lib/html.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import { DeliveryError, type EditedContent, type Place } from '../courier.js';
import { defineJob, idSchema } from './job.js';
import { failInbound, failOutbound } from './relayed-messages.js';

const entities = z.array(z.custom<MessageEntity>((e) => typeof e === 'object' && e !== null && 'type' in e && 'offset' in e && 'length' in e));
const content: z.ZodType<EditedContent> = z.union([
  z.object({ text: z.string(), entities: entities.optional() }),
  z.object({ caption: z.string(), caption_entities: entities.optional() }),
]);

export const editCopy = defineJob('editCopy', z.object({ messageId: idSchema, content }), async ({ messageId, content }, { desk, topics }) => {
  const [m] = await desk.store.messagesByIds([messageId]);
  if (m?.state !== 'DELIVERED') return;
  const userId = Number(m.userId);
  const inbound = m.direction === 'INBOUND';
  const user: Place = { chat: 'user', userId };
  const group: Place = { chat: 'support', chatId: Number(m.topicChatId ?? desk.supportChatId) };
  const at: Place = inbound ? group : user;
  const copyId = inbound ? m.topicMessageId! : m.userChatMessageId!;
  try {
    await desk.courier.editCopy(at, copyId, content);
    return;
  } catch (error) {
    if (!(error instanceof DeliveryError) || error.transient) throw error;
    if (error.failure === 'too-long' || error.failure === 'blocked' || error.failure === 'deactivated') {
      return inbound
        ? failInbound(desk, userId, [], error)
        : failOutbound(desk, userId, [], { chatId: Number(m.topicChatId ?? desk.supportChatId), messageId: m.topicMessageId! }, error);
    }
  }
  // Telegram cannot edit the copy: post the new version as a reply to it, marked as edited.
  const u = await desk.store.user(userId);
  const marker = inbound ? desk.managerTexts.editedMarker : textsFor(languageOf(u?.languageCode)).editedMarker;
  const sourceId = inbound ? m.userChatMessageId! : m.topicMessageId!;
  if (inbound) {
    await topics.intoTopic(userId, async (topic) => {
      await desk.courier.post(topic, { html: escapeHtml(marker), replyTo: copyId });
      await desk.courier.copy(user, [sourceId], topic, { replyTo: copyId });
    });
  } else {
    await desk.courier.post(at, { text: marker, replyTo: copyId });
    await desk.courier.copy(group, [sourceId], at, { replyTo: copyId });
  }
});
