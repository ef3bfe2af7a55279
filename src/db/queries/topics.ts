// Queries about users' forum topics in the support supergroup.
import type { Queryable } from '../client.js';

export function topicQueries(db: Queryable) {
  return {
    topicOfUser(userId: number) {
      return db.topic.findUnique({ where: { userId: BigInt(userId) } });
    },

    /** The user's topic with its latest ticket, in one query (the relay's hot path). */
    topicWithLatestTicket(userId: number) {
      return db.topic.findUnique({ where: { userId: BigInt(userId) }, include: { tickets: { orderBy: { id: 'desc' }, take: 1 } } });
    },

    /** Every user's topic that Telegram has created, thread ids only (loaded once at start). */
    topicsWithThreads(chatId: number) {
      return db.topic.findMany({ where: { chatId: BigInt(chatId), threadId: { not: null } }, select: { userId: true, threadId: true } });
    },

    topicByThread(chatId: number, threadId: number) {
      return db.topic.findUnique({ where: { chatId_threadId: { chatId: BigInt(chatId), threadId } } });
    },

    /** The user's topic, before Telegram has created it (threadId comes later). */
    createTopic(userId: number, chatId: number) {
      return db.topic.create({ data: { userId: BigInt(userId), chatId: BigInt(chatId), threadId: null, name: '' } });
    },

    /** Telegram created (or re-created) the topic. */
    setTopicThread(topicId: number, threadId: number, name: string) {
      return db.topic.update({ where: { id: topicId }, data: { threadId, name, closed: false } });
    },

    setTopicClosed(chatId: number, threadId: number, closed: boolean) {
      return db.topic.updateMany({ where: { chatId: BigInt(chatId), threadId }, data: { closed } });
    },
  };
}
