// A user's message (or album) is copied from their private chat into their
// topic: the send half of domain/user-to-topic.ts.
import { z } from 'zod';
import { messageQueries } from '../../db/queries/messages.js';
import { DeliveryError } from '../courier.js';
import { defineJob, idSchema } from './job.js';
import { batchOf, failInbound, topicReplyTarget } from './relayed-messages.js';

export const copyToTopic = defineJob('copyToTopic', z.object({ messageId: idSchema }), async ({ messageId }, { desk, topics, relayed }) => {
  const batch = await batchOf(desk, messageId);
  const first = batch[0];
  if (!first) return;
  const userId = Number(first.userId);
  const sourceIds = batch.map((m) => m.userChatMessageId!);
  try {
    const replyTo = await topicReplyTarget(desk, userId, first.replyToSourceId);
    const { copies, chatId } = await topics.intoTopic(userId, async (at) => ({
      // A reply target in another group (the conversation moved since) cannot be replied to here.
      copies: await desk.courier.copy({ chat: 'user', userId }, sourceIds, at, replyTo && replyTo.chatId === at.chatId ? { replyTo: replyTo.messageId } : {}),
      chatId: at.chatId,
    }));
    relayed?.('to_topic', copies.length);
    const now = desk.now();
    return {
      record: (tx) => [
        messageQueries(tx).markRelayedToTopic(
          batch.map((m) => m.id),
          copies,
          chatId,
          now,
        ),
      ],
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
