// Queries about users' forum topics in the support supergroups. A user has
// at most one topic per group; the current one (their latest ticket's) is
// where their messages go.
import type { Queryable } from '../client.js';
import type { Ticket, Topic } from '../../generated/sqlite/client.js';
import { directSql, splitRow } from '../direct-sql.js';
import { TICKET_ALIAS, TICKET_COLUMNS_AS_JOINED, TOPIC_COLUMNS, TOPIC_COLUMNS_OF_TOPIC } from './columns.js';

export function topicQueries(db: Queryable) {
  return {
    /** The user's current topic (every topic creation and move reads it: direct SQL, db/direct-sql.ts). */
    async topicOfUser(userId: number): Promise<Topic | null> {
      const [topic] = await directSql(db).query<Topic>(`SELECT ${TOPIC_COLUMNS} FROM "Topic" WHERE "userId" = ? AND "current" = ? LIMIT 1`, [
        BigInt(userId),
        true,
      ]);
      return topic ?? null;
    },

    /** The user's current topic with its latest ticket, in one query (the relay's hot path). */
    async topicWithLatestTicket(userId: number): Promise<(Topic & { tickets: Ticket[] }) | null> {
      // On every message's path: direct SQL (db/direct-sql.ts), one statement (a round trip on PostgreSQL costs
      // the bot about 0.1 ms of CPU).
      const [row] = await directSql(db).query<Record<string, unknown>>(
        `SELECT ${TOPIC_COLUMNS_OF_TOPIC}, ${TICKET_COLUMNS_AS_JOINED} FROM "Topic"
         LEFT JOIN "Ticket" ON "Ticket"."id" = (SELECT MAX("id") FROM "Ticket" WHERE "topicId" = "Topic"."id")
         WHERE "Topic"."userId" = ? AND "Topic"."current" = ? LIMIT 1`,
        [BigInt(userId), true],
      );
      if (!row) return null;
      const [topic, ticket] = splitRow<Topic, Ticket>(row, TICKET_ALIAS);
      return { ...topic, tickets: ticket.id === null ? [] : [ticket] };
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

    /**
     * The user's topic in a group, before Telegram has created it (threadId comes later); it becomes the
     * current one. Every new user's first message: direct SQL.
     */
    async createTopic(userId: number, chatId: number): Promise<Topic> {
      const [topic] = await directSql(db).query<Topic>(
        `INSERT INTO "Topic" ("chatId", "threadId", "userId", "current", "name", "closed", "createdAt") VALUES (?, NULL, ?, ?, '', ?, ?) RETURNING ${TOPIC_COLUMNS}`,
        [BigInt(chatId), BigInt(userId), true, false, new Date()],
      );
      return topic!;
    },

    /** Makes this topic the user's current one (and no other). */
    async makeCurrent(userId: number, topicId: number) {
      await db.topic.updateMany({ where: { userId: BigInt(userId), current: true, id: { not: topicId } }, data: { current: false } });
      await db.topic.update({ where: { id: topicId }, data: { current: true } });
    },

    /** The name Telegram shows now (every rename: direct SQL). */
    async setTopicName(topicId: number, name: string): Promise<void> {
      await directSql(db).execute(`UPDATE "Topic" SET "name" = ? WHERE "id" = ?`, [name, topicId]);
    },

    /** Telegram created (or re-created) the topic (direct SQL: every new user). */
    async setTopicThread(topicId: number, threadId: number, name: string): Promise<void> {
      await directSql(db).execute(`UPDATE "Topic" SET "threadId" = ?, "name" = ?, "closed" = ? WHERE "id" = ?`, [threadId, name, false, topicId]);
    },

    setTopicClosed(chatId: number, threadId: number, closed: boolean) {
      return db.topic.updateMany({ where: { chatId: BigInt(chatId), threadId }, data: { closed } });
    },
  };
}
