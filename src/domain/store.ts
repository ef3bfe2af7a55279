// The desk's queries: users, managers, topics, tickets, relayed messages and
// status changes. Plain functions over a Prisma client; no Telegram here.
import type { Db } from '../db/client.js';
import type { Person } from './people.js';
import type { TicketStatus } from './status.js';

export type Store = ReturnType<typeof createStore>;

export interface MessageRecord {
  ticketId: number | null;
  userId: number;
  direction: 'INBOUND' | 'OUTBOUND';
  managerId?: number;
  userChatMessageId: number | null;
  topicMessageId: number | null;
  kind: string;
  sentAt: Date;
  state: 'DELIVERED' | 'FAILED';
  error?: string;
}

export function createStore(db: Db) {
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

    setUserBlocked(userId: number, blocked: boolean) {
      return db.user.updateMany({ where: { id: BigInt(userId), blocked: !blocked }, data: { blocked } });
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

    topicByThread(chatId: number, threadId: number) {
      return db.topic.findUnique({ where: { chatId_threadId: { chatId: BigInt(chatId), threadId } } });
    },

    createTopic(userId: number, chatId: number, threadId: number, name: string) {
      return db.topic.create({ data: { userId: BigInt(userId), chatId: BigInt(chatId), threadId, name } });
    },

    /** Points the user's topic at a new thread (the old one was deleted). */
    moveTopic(topicId: number, threadId: number, name: string) {
      return db.topic.update({ where: { id: topicId }, data: { threadId, name, closed: false } });
    },

    setTopicName(topicId: number, name: string) {
      return db.topic.update({ where: { id: topicId }, data: { name } });
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

    async openTicket(userId: number, topicId: number, now: Date) {
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
     * on the current status, so a stale decision changes nothing (returns false).
     */
    async changeStatus(ticketId: number, from: TicketStatus, to: TicketStatus, actorId: number | null, now: Date): Promise<boolean> {
      const actor = actorId === null ? null : BigInt(actorId);
      return db.$transaction(async (tx) => {
        const ticket = await tx.ticket.findUnique({ where: { id: ticketId } });
        if (!ticket || ticket.status !== from) return false;
        await tx.ticket.update({
          where: { id: ticketId },
          data: {
            status: to,
            ...(to === 'RESOLVED' ? { resolvedAt: now } : {}),
            ...(to !== 'RESOLVED' && from === 'RESOLVED' ? { resolvedAt: null } : {}),
            // "Who took it": the manager who moved it into work, or else the first to answer.
            ...(to === 'IN_WORK' && actor !== null ? { assigneeId: actor } : {}),
          },
        });
        await tx.statusChange.create({ data: { ticketId, from, to, actorId: actor, at: now } });
        return true;
      });
    },

    /** The first manager answer on a ticket: first-response time and, if nobody took it yet, the assignee. */
    markFirstResponse(ticketId: number, managerId: number, now: Date) {
      return db.$transaction([
        db.ticket.updateMany({ where: { id: ticketId, firstResponseAt: null }, data: { firstResponseAt: now } }),
        db.ticket.updateMany({ where: { id: ticketId, assigneeId: null }, data: { assigneeId: BigInt(managerId) } }),
      ]);
    },

    lastStatusChange(ticketId: number) {
      return db.statusChange.findFirst({ where: { ticketId }, orderBy: { id: 'desc' }, include: { actor: true } });
    },

    recordMessage(r: MessageRecord, now: Date) {
      return db.message.create({
        data: {
          ticketId: r.ticketId,
          userId: BigInt(r.userId),
          direction: r.direction,
          managerId: r.managerId === undefined ? null : BigInt(r.managerId),
          userChatMessageId: r.userChatMessageId,
          topicMessageId: r.topicMessageId,
          kind: r.kind,
          sentAt: r.sentAt,
          relayedAt: r.state === 'DELIVERED' ? now : null,
          state: r.state,
          error: r.error ?? null,
        },
      });
    },
  };
}
