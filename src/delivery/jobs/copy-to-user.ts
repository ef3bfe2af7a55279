// A manager's reply (or album) is copied from the user's topic to the user's
// private chat: the send half of domain/manager-to-user.ts.
import { z } from 'zod';
import { messageQueries } from '../../db/queries/messages.js';
import { DeliveryError } from '../courier.js';
import { defineJob, idSchema } from './job.js';
import { entitiesSchema } from './notice.js';
import { batchOf, failOutbound, userReplyTarget } from './relayed-messages.js';

const payload = z.object({
  messageId: idSchema,
  /** The reply's text or caption with the manager's name under it (signatures on): sent instead of a plain copy. */
  signed: z.object({ type: z.enum(['text', 'caption']), text: z.string().min(1), entities: entitiesSchema.optional() }).optional(),
});

export const copyToUser = defineJob('copyToUser', payload, async ({ messageId, signed }, { desk, relayed }) => {
  const batch = await batchOf(desk, messageId);
  const first = batch[0];
  if (!first) return;
  const userId = Number(first.userId);
  try {
    // Written in a topic of this group (message ids are per chat).
    const chatId = Number(first.topicChatId ?? desk.supportChatId);
    const replyTo = await userReplyTarget(desk, userId, chatId, first.replyToSourceId);
    const from = { chat: 'support' as const, chatId };
    const to = { chat: 'user' as const, userId };
    const copies =
      signed?.type === 'text' && batch.length === 1
        ? [await desk.courier.post(to, { text: signed.text, ...(signed.entities ? { entities: signed.entities } : {}), ...(replyTo ? { replyTo } : {}) })]
        : await desk.courier.copy(
            from,
            batch.map((m) => m.topicMessageId!),
            to,
            {
              ...(replyTo ? { replyTo } : {}),
              ...(signed?.type === 'caption' && batch.length === 1 ? { caption: { text: signed.text, entities: signed.entities } } : {}),
            },
          );
    relayed?.('to_user', copies.length);
    const now = desk.now();
    return {
      record: (tx) => [
        messageQueries(tx).markRelayedToUser(
          batch.map((m) => m.id),
          copies,
          now,
        ),
      ],
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
