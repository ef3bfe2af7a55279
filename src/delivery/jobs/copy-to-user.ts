// A manager's reply (or album) is copied from the user's topic to the user's
// private chat: the send half of domain/manager-to-user.ts.
import { z } from 'zod';
import { DeliveryError } from '../courier.js';
import { defineJob, idSchema } from './job.js';
import { batchOf, failOutbound, userReplyTarget } from './relayed-messages.js';

export const copyToUser = defineJob('copyToUser', z.object({ messageId: idSchema }), async ({ messageId }, { desk, relayed }) => {
  const batch = await batchOf(desk, messageId);
  const first = batch[0];
  if (!first) return;
  const userId = Number(first.userId);
  try {
    // Written in a topic of this group (message ids are per chat).
    const chatId = Number(first.topicChatId ?? desk.supportChatId);
    const replyTo = await userReplyTarget(desk, userId, chatId, first.replyToSourceId);
    const copies = await desk.courier.copy(
      { chat: 'support', chatId },
      batch.map((m) => m.topicMessageId!),
      { chat: 'user', userId },
      replyTo ? { replyTo } : {},
    );
    relayed?.('to_user', copies.length);
    const now = desk.now();
    return {
      record: (tx) =>
        batch.map((m, i) => tx.message.update({ where: { id: m.id }, data: { state: 'DELIVERED', relayedAt: now, userChatMessageId: copies[i] ?? null } })),
    };
  } catch (error) {
    if (!(error instanceof DeliveryError) || error.transient) throw error;
    return failOutbound(
      desk,
      userId,
      batch.map((m) => m.id),
      { chatId: Number(first.topicChatId ?? desk.supportChatId), messageId: first.topicMessageId! },
      error,
    );
  }
});
