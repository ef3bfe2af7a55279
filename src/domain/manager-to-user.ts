// A manager's reply travels from the user's topic to the user. This is the
// decision: record who answered and when, move a waiting ticket into work
// (📝), and queue the copy in the user's outbox queue, in one transaction.
// delivery/jobs/copy-to-user.ts sends it (and tells the managers if it cannot).
import { decide, topicQueue, userQueue, type Desk } from './desk.js';
import { copyToUser } from '../delivery/jobs/copy-to-user.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import { syncTopicName } from '../delivery/jobs/sync-topic-name.js';
import type { Person } from './people.js';

export interface ManagerReply {
  manager: Person;
  /** Whose topic the reply was written in. */
  userId: number;
  /** The group it was written in (the main one, or a category's). */
  chatId: number;
  messageId: number;
  sentAt: Date;
  kind: string;
  mediaGroupId?: string | undefined;
  /** An explicit reply to a message in the topic (not the implicit reply to the topic's creation). */
  replyToMessageId?: number | undefined;
}

export type ManagerRelayOutcome = { outcome: 'queued'; messageId: number } | { outcome: 'duplicate' };

export async function relayManagerReply(desk: Desk, reply: ManagerReply): Promise<ManagerRelayOutcome> {
  const userId = reply.userId;
  let taken = false;
  const result = await decide(desk, async (store, send, retry) => {
    taken = false;
    // As for users' messages: a re-sent update fails on the unique key, and the retry finds the row.
    if (retry && (await store.messageInTopic(userId, reply.chatId, reply.messageId))) return { outcome: 'duplicate' } as const;
    const now = desk.now();
    await store.touchManager(reply.manager, now);
    const ticket = await store.latestTicket(userId);
    const message = await store.addMessage({
      ticketId: ticket?.id ?? null,
      userId,
      direction: 'OUTBOUND',
      managerId: reply.manager.id,
      userChatMessageId: null,
      topicMessageId: reply.messageId,
      topicChatId: reply.chatId,
      kind: reply.kind,
      sentAt: reply.sentAt,
      mediaGroupId: reply.mediaGroupId,
      replyToSourceId: reply.replyToMessageId,
    });
    send(
      copyToUser.make(
        userQueue(userId),
        { messageId: message.id },
        reply.mediaGroupId ? { coalesceKey: `album:out:${userId}:${reply.mediaGroupId}`, notBefore: new Date(now.getTime() + desk.albumWaitMs) } : {},
      ),
    );
    if (ticket) {
      await store.markFirstResponse(ticket.id, reply.manager.id, now);
      if (ticket.status === 'WAITING' && (await store.changeStatus(ticket.id, 'WAITING', 'IN_WORK', reply.manager.id, now))) {
        taken = true;
        send(syncTopicName.make(topicQueue(userId), { userId }, { coalesceKey: `name:${userId}` }));
        send(refreshCard.make(topicQueue(userId), { ticketId: ticket.id }, { coalesceKey: `card:${ticket.id}` }));
      }
    }
    return { outcome: 'queued', messageId: message.id } as const;
  });
  if (taken) desk.queueChanged();
  return result;
}
