// Queries about users' forum topics in the support supergroups. A user has
// at most one topic per group; the current one (their latest ticket's) is
// where their messages go.
import type { Queryable } from '../client.js';
import type { Ticket, Topic } from '../../generated/sqlite/client.js';
import { directSql } from '../direct-sql.js';
import { TICKET_COLUMNS, TOPIC_COLUMNS } from './columns.js';

export function topicQueries(db: Queryable) {
  return {
    /** The user's current topic. */
    topicOfUser(userId: number) {
      return db.topic.findFirst({ where: { userId: BigInt(userId), current: true } });
    },

    /** The user's current topic with its latest ticket, in one query (the relay's hot path). */
    async topicWithLatestTicket(userId: number): Promise<(Topic & { tickets: Ticket[] }) | null> {
      // On every message's path: direct SQL (db/direct-sql.ts).
      const sql = directSql(db);
      const [topic] = await sql.query<Topic>(`SELECT ${TOPIC_COLUMNS} FROM "Topic" WHERE "userId" = ? AND "current" = ? LIMIT 1`, [BigInt(userId), true]);
      if (!topic) return null;
      const tickets = await sql.query<Ticket>(`SELECT ${TICKET_COLUMNS} FROM "Ticket" WHERE "topicId" = ? ORDER BY "id" DESC LIMIT 1`, [topic.id]);
      return { ...topic, tickets };
    },

    /** Every topic Telegram has created, in every group (loaded once at start). */
    topicsWithThreads() {
      return db.topic.findMany({ where: { threadId: { not: null } }, select: { userId: true, chatId: true, threadId: true, current: true } });
    },

    /** Every group that holds a user's topic. */
    async topicGroups(): Promise<number[]> {
      const rows = await db.topic.findMany({ distinct: ['chatId'], select: { chatId: true } });
      return rows.map((r) => Number(r.chatId));
    },

    topicByThread(chatId: number, threadId: number) {
      return db.topic.findUnique({ where: { chatId_threadId: { chatId: BigInt(chatId), threadId } } });
    },

    topicInGroup(userId: number, chatId: number) {
      return db.topic.findUnique({ where: { userId_chatId: { userId: BigInt(userId), chatId: BigInt(chatId) } } });
    },

    /** The user's topic in a group, before Telegram has created it (threadId comes later); it becomes the current one. */
    createTopic(userId: number, chatId: number) {
      return db.topic.create({ data: { userId: BigInt(userId), chatId: BigInt(chatId), threadId: null, name: '', current: true } });
    },

    /** Makes this topic the user's current one (and no other). */
    async makeCurrent(userId: number, topicId: number) {
      await db.topic.updateMany({ where: { userId: BigInt(userId), current: true, id: { not: topicId } }, data: { current: false } });
      await db.topic.update({ where: { id: topicId }, data: { current: true } });
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
