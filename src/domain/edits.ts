// Someone edited a message that was already relayed: the copy on the other
// side is edited too (deliveries.ts falls back to a marked new version where
// Telegram cannot edit in place).
import type { EditedContent } from '../delivery/courier.js';
import { decide, topicQueue, userQueue, type Desk } from './desk.js';
import { job } from './deliveries.js';

export type EditOutcome = { outcome: 'queued' } | { outcome: 'unknown-message' };

export function relayEdit(
  desk: Desk,
  edit: { side: 'user'; userId: number; messageId: number; content: EditedContent } | { side: 'topic'; threadId: number; messageId: number; content: EditedContent },
): Promise<EditOutcome> {
  return decide(desk, async (store, send) => {
    let userId: number;
    if (edit.side === 'user') {
      userId = edit.userId;
    } else {
      const topic = await store.topicByThread(desk.supportChatId, edit.threadId);
      if (!topic) return { outcome: 'unknown-message' } as const;
      userId = Number(topic.userId);
    }
    const message = edit.side === 'user' ? await store.messageInUserChat(userId, edit.messageId) : await store.messageInTopic(userId, edit.messageId);
    // Only originals are edited by people; the bot's copies are never the source.
    const original = message && (edit.side === 'user' ? message.direction === 'INBOUND' : message.direction === 'OUTBOUND');
    if (!message || !original) return { outcome: 'unknown-message' } as const;
    // Same queue as the copy itself, so the edit never overtakes it.
    send(job('editCopy', edit.side === 'user' ? topicQueue(userId) : userQueue(userId), { messageId: message.id, content: edit.content }));
    return { outcome: 'queued' } as const;
  });
}
