// A user's message (or album) is copied from their private chat into their
// topic: the send half of domain/user-to-topic.ts.
import { z } from 'zod';
import { DeliveryError } from '../courier.js';
import { defineJob, idSchema } from './job.js';
import { batchOf, failInbound, replyTarget } from './relayed-messages.js';

export const copyToTopic = defineJob('copyToTopic', z.object({ messageId: idSchema }), async ({ messageId }, { desk, topics }) => {
  const batch = await batchOf(desk, messageId);
  const first = batch[0];
  if (!first) return;
  const userId = Number(first.userId);
  const sourceIds = batch.map((m) => m.userChatMessageId!);
  try {
    const replyTo = await replyTarget(desk, userId, first.replyToSourceId, 'INBOUND');
    const copies = await topics.intoTopic(userId, (threadId) =>
      desk.courier.copy({ chat: 'user', userId }, sourceIds, { chat: 'support', threadId }, replyTo ? { replyTo } : {}),
    );
    const now = desk.now();
    return {
      record: (tx) =>
        batch.map((m, i) => tx.message.update({ where: { id: m.id }, data: { state: 'DELIVERED', relayedAt: now, topicMessageId: copies[i] ?? null } })),
    };
  } catch (error) {
    if (!(error instanceof DeliveryError) || error.transient) throw error;
    return failInbound(
      desk,
      userId,
      batch.map((m) => m.id),
      error,
    );
  }
});
