// Someone edited a message that was already relayed: the copy on the other
// side is edited too (delivery/jobs/edit-copy.ts falls back to a marked new version where
// Telegram cannot edit in place).
import type { EditedContent } from '../delivery/courier.js';
import { decide, topicQueue, userQueue, type Desk } from './desk.js';
import { editCopy } from '../delivery/jobs/edit-copy.js';

export type EditOutcome = { outcome: 'queued' } | { outcome: 'unknown-message' };

export function relayEdit(
  desk: Desk,
  /** `user`: the user edited in their chat; `topic`: a manager edited in the user's topic. */
  edit: {
    side: 'user' | 'topic';
    userId: number /** The group the edited message is in (for `topic`). */;
    chatId: number;
    messageId: number;
    content: EditedContent;
  },
): Promise<EditOutcome> {
  return decide(desk, async (store, send) => {
    const userId = edit.userId;
    const message =
      edit.side === 'user' ? await store.messageInUserChat(userId, edit.messageId) : await store.messageInTopic(userId, edit.chatId, edit.messageId);
    // Only originals are edited by people; the bot's copies are never the source.
    // A canned answer's /a is not what the user got: editing the command changes nothing there.
    const original = message && message.cannedAnswerId === null && (edit.side === 'user' ? message.direction === 'INBOUND' : message.direction === 'OUTBOUND');
    if (!message || !original) return { outcome: 'unknown-message' } as const;
    // The transcript keeps the latest version.
    const latest =
      'text' in edit.content
        ? { text: edit.content.text, entities: edit.content.entities }
        : { text: edit.content.caption, entities: edit.content.caption_entities };
    await store.setContentText(message.id, latest.text, latest.entities?.length ? JSON.stringify(latest.entities) : null);
    // Same queue as the copy itself, so the edit never overtakes it.
    send(editCopy.make(edit.side === 'user' ? topicQueue(userId) : userQueue(userId), { messageId: message.id, content: edit.content }));
    return { outcome: 'queued' } as const;
  });
}
