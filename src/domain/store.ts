// The desk's queries: users, managers, topics, tickets, relayed messages and
// status changes. Plain functions over a Prisma client or transaction; no
// Telegram here.
import type { Queryable } from '../db/client.js';
import type { Person } from './people.js';
import type { TicketStatus } from './status.js';

export type Store = ReturnType<typeof createStore>;

export interface NewMessage {
  ticketId: number | null;
  userId: number;
  direction: 'INBOUND' | 'OUTBOUND';
  managerId?: number;
  userChatMessageId: number | null;
  topicMessageId: number | null;
  kind: string;
  sentAt: Date;
  mediaGroupId?: string | undefined;
  replyToSourceId?: number | undefined;
}

export function createStore(db: Queryable) {
  const personFields = (p: Person) => ({
    firstName: p.first_name,
    lastName: p.last_name ?? null,
    username: p.username ?? null,
  });

  return {
    /** Creates or refreshes the user; counts one more message when asked. */
    touchUser(p: Person, now: Date, countMessage: boolean) {
      const fields = { ...personFields(p), languageCode: p.language_code ?? null, lastSeenAt: now };
      return db.user.upsert({
        where: { id: BigInt(p.id) },
        create: { id: BigInt(p.id), ...fields, firstSeenAt: now, messageCount: countMessage ? 1 : 0 },
        update: { ...fields, ...(countMessage ? { messageCount: { increment: 1 } } : {}) },
      });
    },

    user(userId: number) {
      return db.user.findUnique({ where: { id: BigInt(userId) } });
    },

    /** Returns true when the flag actually changed. */
    async setUserBlocked(userId: number, blocked: boolean): Promise<boolean> {
      const r = await db.user.updateMany({ where: { id: BigInt(userId), blocked: !blocked }, data: { blocked } });
      return r.count > 0;
    },

    touchManager(p: Person, now: Date) {
      const fields = { ...personFields(p), lastSeenAt: now };
      return db.manager.upsert({
        where: { id: BigInt(p.id) },
        create: { id: BigInt(p.id), ...fields, firstSeenAt: now },
        update: fields,
      });
    },

    topicOfUser(userId: number) {
      return db.topic.findUnique({ where: { userId: BigInt(userId) } });
    },

    /** The user's topic with its latest ticket, in one query (the relay's hot path). */
    topicWithLatestTicket(userId: number) {
      return db.topic.findUnique({ where: { userId: BigInt(userId) }, include: { tickets: { orderBy: { id: 'desc' }, take: 1 } } });
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

    latestTicket(userId: number) {
      return db.ticket.findFirst({ where: { userId: BigInt(userId) }, orderBy: { id: 'desc' } });
    },

    ticket(ticketId: number) {
      return db.ticket.findUnique({ where: { id: ticketId }, include: { user: true, topic: true } });
    },

    /** How many tickets the user had before this one. */
    countTicketsBefore(userId: number, ticketId: number) {
      return db.ticket.count({ where: { userId: BigInt(userId), id: { lt: ticketId } } });
    },

    openTicket(userId: number, topicId: number, now: Date) {
      return db.ticket.create({
        data: {
          userId: BigInt(userId),
          topicId,
          status: 'WAITING',
          openedAt: now,
          statusChanges: { create: { from: null, to: 'WAITING', actorId: null, at: now } },
        },
      });
    },

    setCardMessage(ticketId: number, cardMessageId: number) {
      return db.ticket.update({ where: { id: ticketId }, data: { cardMessageId } });
    },

    /**
     * Moves a ticket from `from` to `to` and records who did it. Conditional
     * on the current status, so a stale decision changes nothing (returns
     * false). Call inside a transaction.
     */
    async changeStatus(ticketId: number, from: TicketStatus, to: TicketStatus, actorId: number | null, now: Date): Promise<boolean> {
      const actor = actorId === null ? null : BigInt(actorId);
      const changed = await db.ticket.updateMany({
        where: { id: ticketId, status: from },
        data: {
          status: to,
          ...(to === 'RESOLVED' ? { resolvedAt: now } : {}),
          ...(to !== 'RESOLVED' && from === 'RESOLVED' ? { resolvedAt: null } : {}),
          // "Who took it": the manager who last moved it into work.
          ...(to === 'IN_WORK' && actor !== null ? { assigneeId: actor } : {}),
        },
      });
      if (changed.count === 0) return false;
      await db.statusChange.create({ data: { ticketId, from, to, actorId: actor, at: now } });
      return true;
    },

    /** The first manager answer on a ticket: first-response time and, if nobody took it yet, the assignee. */
    async markFirstResponse(ticketId: number, managerId: number, now: Date) {
      await db.ticket.updateMany({ where: { id: ticketId, firstResponseAt: null }, data: { firstResponseAt: now } });
      await db.ticket.updateMany({ where: { id: ticketId, assigneeId: null }, data: { assigneeId: BigInt(managerId) } });
    },

    lastStatusChange(ticketId: number) {
      return db.statusChange.findFirst({ where: { ticketId }, orderBy: { id: 'desc' }, include: { actor: true } });
    },

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
          kind: m.kind,
          sentAt: m.sentAt,
          state: 'PENDING',
          mediaGroupId: m.mediaGroupId ?? null,
          replyToSourceId: m.replyToSourceId ?? null,
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

    /** A user's message by its id in their private chat. */
    messageInUserChat(userId: number, userChatMessageId: number) {
      return db.message.findUnique({ where: { userId_userChatMessageId: { userId: BigInt(userId), userChatMessageId } } });
    },

    /** A message by its id in the support chat. */
    messageInTopic(userId: number, topicMessageId: number) {
      return db.message.findUnique({ where: { userId_topicMessageId: { userId: BigInt(userId), topicMessageId } } });
    },


  };
}
