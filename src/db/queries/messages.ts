// Queries about relayed messages, both directions, with their ids on both sides.
import type { Queryable } from '../client.js';
import type { Message } from '../../generated/sqlite/client.js';
import { directSql } from '../direct-sql.js';
import { MESSAGE_COLUMNS } from './columns.js';
import type { MessageContent } from '../../domain/transcript.js';

/** The columns a message's content is stored in. */
function contentColumns(c: MessageContent | undefined) {
  return {
    text: c?.text ?? null,
    entities: c?.entities?.length ? JSON.stringify(c.entities) : null,
    fileId: c?.fileId ?? null,
  };
}

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
  /** The text or caption, its formatting and the media's file id (see domain/transcript.ts). */
  content?: MessageContent | undefined;
  /** A canned answer this message sent (by a manager with /a, or automatically without a manager). */
  cannedAnswerId?: number;
  /** PENDING (to be relayed) unless said otherwise: a note is never relayed. */
  state?: 'PENDING' | 'DELIVERED';
}

export function messageQueries(db: Queryable) {
  return {
    /**
     * Erases messages' content (text, formatting, file ids), keeping the rows:
     * a user's (/forget), or everything sent before a time (retention). In
     * batches, so a large erase never holds one long transaction.
     */
    async eraseContent(which: { userId?: number; before?: Date }, batch = 5000): Promise<number> {
      const where = {
        erased: false,
        ...(which.userId !== undefined ? { userId: BigInt(which.userId) } : {}),
        ...(which.before ? { sentAt: { lt: which.before } } : {}),
      };
      let total = 0;
      for (;;) {
        const ids = (await db.message.findMany({ where, select: { id: true }, take: batch })).map((m) => m.id);
        if (ids.length === 0) return total;
        const r = await db.message.updateMany({ where: { id: { in: ids } }, data: { text: null, entities: null, fileId: null, erased: true } });
        total += r.count;
      }
    },

    /** A relayed message was edited: its stored text follows. */
    setContentText(messageId: number, text: string, entities: string | null) {
      return db.message.updateMany({ where: { id: messageId, erased: false }, data: { text, entities } });
    },

    /** Records a message to relay (state PENDING until the outbox delivers it). Throws P2002 for a duplicate. */
    async addMessage(m: NewMessage): Promise<Message> {
      // On every message's path: direct SQL (db/direct-sql.ts).
      const c = contentColumns(m.content);
      const [row] = await directSql(db).query<Message>(
        `INSERT INTO "Message" ("ticketId", "userId", "direction", "managerId", "userChatMessageId", "topicMessageId", "topicChatId", "kind", "sentAt",
           "state", "mediaGroupId", "replyToSourceId", "cannedAnswerId", "text", "entities", "fileId", "erased")
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false)
         RETURNING ${MESSAGE_COLUMNS}`,
        [
          m.ticketId,
          BigInt(m.userId),
          m.direction,
          m.managerId === undefined ? null : BigInt(m.managerId),
          m.userChatMessageId,
          m.topicMessageId,
          m.topicChatId == null ? null : BigInt(m.topicChatId),
          m.kind,
          m.sentAt,
          m.state ?? 'PENDING',
          m.mediaGroupId ?? null,
          m.replyToSourceId ?? null,
          m.cannedAnswerId ?? null,
          c.text,
          c.entities,
          c.fileId,
        ],
      );
      return row!;
    },

    /** A user's message was copied into their topic (`copies[i]` is `ids[i]`'s copy): delivered. */
    async markRelayedToTopic(ids: number[], copies: number[], chatId: number, at: Date): Promise<void> {
      // One after another: a PostgreSQL transaction is one connection, which takes one query at a time.
      const sql = directSql(db);
      for (const [i, id] of ids.entries()) {
        await sql.execute(`UPDATE "Message" SET "state" = 'DELIVERED', "relayedAt" = ?, "topicMessageId" = ?, "topicChatId" = ? WHERE "id" = ?`, [
          at,
          copies[i] ?? null,
          BigInt(chatId),
          id,
        ]);
      }
    },

    /** A manager's message was copied to the user (`copies[i]` is `ids[i]`'s copy): delivered. */
    async markRelayedToUser(ids: number[], copies: number[], at: Date): Promise<void> {
      const sql = directSql(db);
      for (const [i, id] of ids.entries()) {
        await sql.execute(`UPDATE "Message" SET "state" = 'DELIVERED', "relayedAt" = ?, "userChatMessageId" = ? WHERE "id" = ?`, [at, copies[i] ?? null, id]);
      }
    },

    messagesByIds(ids: number[]): Promise<Message[]> {
      if (ids.length === 0) return Promise.resolve([]);
      // On every relay's path (its job reads the message): direct SQL.
      return directSql(db).query<Message>(`SELECT ${MESSAGE_COLUMNS} FROM "Message" WHERE "id" IN (${ids.map(() => '?').join(', ')}) ORDER BY "id"`, ids);
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
