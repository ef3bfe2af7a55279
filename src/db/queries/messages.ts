// Queries about relayed messages, both directions, with their ids on both sides.
import type { Queryable } from '../client.js';

export interface NewMessage {
  ticketId: number | null;
  userId: number;
  direction: 'INBOUND' | 'OUTBOUND' | 'NOTE';
  managerId?: number;
  userChatMessageId: number | null;
  topicMessageId: number | null;
  /** The group of topicMessageId. */
  topicChatId?: number | null;
  kind: string;
  sentAt: Date;
  mediaGroupId?: string | undefined;
  replyToSourceId?: number | undefined;
  /** A canned answer this message sent (by a manager with /a, or automatically without a manager). */
  cannedAnswerId?: number;
  /** PENDING (to be relayed) unless said otherwise: a note is never relayed. */
  state?: 'PENDING' | 'DELIVERED';
}

export function messageQueries(db: Queryable) {
  return {
    /** Records a message to relay (state PENDING until the outbox delivers it). Throws P2002 for a duplicate. */
    addMessage(m: NewMessage) {
      return db.message.create({
        data: {
          ticketId: m.ticketId,
          userId: BigInt(m.userId),
          direction: m.direction,
          managerId: m.managerId === undefined ? null : BigInt(m.managerId),
          userChatMessageId: m.userChatMessageId,
          topicMessageId: m.topicMessageId,
          topicChatId: m.topicChatId == null ? null : BigInt(m.topicChatId),
          kind: m.kind,
          sentAt: m.sentAt,
          state: m.state ?? 'PENDING',
          mediaGroupId: m.mediaGroupId ?? null,
          replyToSourceId: m.replyToSourceId ?? null,
          cannedAnswerId: m.cannedAnswerId ?? null,
        },
      });
    },

    messagesByIds(ids: number[]) {
      return db.message.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    },

    pendingAlbumItems(userId: number, direction: 'INBOUND' | 'OUTBOUND', mediaGroupId: string) {
      return db.message.findMany({
        where: { userId: BigInt(userId), direction, mediaGroupId, state: 'PENDING' },
        orderBy: { id: 'asc' },
      });
    },

    /** Whether an album already has a note among its items (its caption made the whole album a note). */
    async albumIsNote(userId: number, mediaGroupId: string): Promise<boolean> {
      return (await db.message.count({ where: { userId: BigInt(userId), direction: 'NOTE', mediaGroupId } })) > 0;
    },

    /** The latest message recorded in a user's conversation, either direction or a note. */
    lastMessageOf(userId: number) {
      return db.message.findFirst({ where: { userId: BigInt(userId) }, orderBy: { id: 'desc' }, select: { direction: true, ticketId: true } });
    },

    /** A user's message by its id in their private chat. */
    messageInUserChat(userId: number, userChatMessageId: number) {
      return db.message.findUnique({ where: { userId_userChatMessageId: { userId: BigInt(userId), userChatMessageId } } });
    },

    /** A message by its id in a support group (ids are per chat). */
    messageInTopic(userId: number, chatId: number, topicMessageId: number) {
      return db.message.findFirst({ where: { userId: BigInt(userId), topicChatId: BigInt(chatId), topicMessageId } });
    },
  };
}
