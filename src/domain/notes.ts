// A manager's internal note in a user's topic: a message that starts with
// the note prefix (default «!») or /note. It stays in the topic for the
// other managers, is stored (who wrote it, when), and never reaches the
// user: it is recorded instead of relayed, and it neither takes the ticket
// nor counts as an answer.
import { decide, type Desk } from './desk.js';
import type { ManagerReply } from './manager-to-user.js';

/** A note is a manager's message in a topic like any other; only what happens to it differs. */
export type Note = Omit<ManagerReply, 'replyToMessageId'>;

/**
 * Whether a manager's message is a note: its text or caption starts with the
 * prefix, or is the /note command (with or without the bot's name). An
 * album's caption rides on its first item only; the others are notes when
 * an earlier item was (see Store.albumIsNote).
 */
export function isNote(text: string | undefined, prefix: string): boolean {
  if (text === undefined) return false;
  return text.startsWith(prefix) || /^\/note(@\w+)?(\s|$)/.test(text);
}

export function recordNote(desk: Desk, note: Note): Promise<'recorded' | 'duplicate'> {
  return decide(desk, async (store, _send, retry) => {
    if (retry && (await store.messageInTopic(note.userId, note.chatId, note.messageId))) return 'duplicate' as const;
    const now = desk.now();
    await store.touchManager(note.manager, now);
    const ticket = await store.latestTicket(note.userId);
    await store.addMessage({
      ticketId: ticket?.id ?? null,
      userId: note.userId,
      direction: 'NOTE',
      managerId: note.manager.id,
      userChatMessageId: null,
      topicMessageId: note.messageId,
      topicChatId: note.chatId,
      kind: note.kind,
      sentAt: note.sentAt,
      mediaGroupId: note.mediaGroupId,
      state: 'DELIVERED',
      content: note.content,
    });
    return 'recorded' as const;
  });
}
