// Queries of reactions as read receipts: which message of the user's chat a
// reaction belongs on.
import type { Queryable } from '../client.js';

export function reactionQueries(db: Queryable) {
  return {
    /**
     * The user's message whose copy is message `topicMessageId` of group
     * `chatId` (a reaction update names nothing else; on the index
     * [topicChatId, topicMessageId]).
     */
    userMessageByCopy(chatId: number, topicMessageId: number) {
      return db.message.findFirst({
        where: { topicChatId: BigInt(chatId), topicMessageId, direction: 'INBOUND' },
        select: { userId: true, userChatMessageId: true },
      });
    },

    /** The user's latest message of a ticket, its id in their chat (on the index [userId, userChatMessageId]). */
    async lastUserMessageOfTicket(userId: number, ticketId: number): Promise<number | undefined> {
      const m = await db.message.findFirst({
        where: { userId: BigInt(userId), ticketId, direction: 'INBOUND', userChatMessageId: { not: null } },
        orderBy: { userChatMessageId: 'desc' },
        select: { userChatMessageId: true },
      });
      return m?.userChatMessageId ?? undefined;
    },
  };
}
