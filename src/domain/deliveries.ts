// Send time: what each kind of outbox job does. Each handler reads the state
// as it is when the job runs (so a rename sends the latest name), calls the
// Courier, and returns the database writes that record the result; those
// commit together with the job's removal from the outbox.
//
// Permanent refusals end here with a notice to a person; transient ones
// (network, 5xx, lost rights) are thrown back to the outbox to retry.
import { DeliveryError, type EditedContent, type Place } from '../delivery/courier.js';
import type { JobHandler, JobOutcome, NewJob } from '../delivery/outbox.js';
import { write } from '../db/client.js';
import { escapeHtml } from '../lib/html.js';
import { createStore } from './store.js';
import { languageOf, textsFor } from '../i18n/index.js';
import { topicQueue, userQueue, type Desk } from './desk.js';
import { topicName } from './people.js';
import { cardFor } from './ticket-status.js';

export type JobKind =
  | 'openTopic'
  | 'reopenTopic'
  | 'postCard'
  | 'syncTopicName'
  | 'refreshCard'
  | 'copyToTopic'
  | 'copyToUser'
  | 'editCopy'
  | 'notice'
  | 'checkOrphanTopic';

export interface Payloads {
  openTopic: { userId: number };
  reopenTopic: { userId: number };
  postCard: { ticketId: number; topicLost?: boolean };
  syncTopicName: { userId: number };
  refreshCard: { ticketId: number };
  /** A message row, or (album) every pending item of its album. */
  copyToTopic: { messageId: number };
  copyToUser: { messageId: number };
  editCopy: { messageId: number; content: EditedContent };
  notice: { userId: number; to: 'topic' | 'user'; html?: string; text?: string; replyTo?: number };
  checkOrphanTopic: { threadId: number };
}

export function job<K extends JobKind>(kind: K, queue: string, payload: Payloads[K], extra: Omit<NewJob, 'kind' | 'queue' | 'payload'> = {}): NewJob {
  return { kind, queue, payload, ...extra };
}

export function noticeToTopic(userId: number, html: string, replyTo?: number): NewJob {
  return job('notice', topicQueue(userId), { userId, to: 'topic', html, ...(replyTo ? { replyTo } : {}) });
}

export function noticeToUser(userId: number, text: string): NewJob {
  return job('notice', userQueue(userId), { userId, to: 'user', text });
}

export function createJobHandlers(desk: Desk): Record<JobKind, JobHandler> {
  const { store, courier } = desk;
  const user = (userId: number): Place => ({ chat: 'user', userId });

  // Topics being created right now (from the call until the thread id is
  // recorded): while there are any, a topic without a row may still be claimed.
  let creating = 0;

  // Users' thread ids, as recorded. Only this process (one per database, see
  // db/instance-lock.ts) and only threadOf below ever change them.
  const threads = new Map<number, number>();

  /** The user's topic thread, creating the topic in Telegram if it has none (yet, or any more). */
  async function threadOf(userId: number, opts: { lost?: boolean } = {}): Promise<number> {
    const known = threads.get(userId);
    if (known !== undefined && !opts.lost) return known;
    const topic = await store.topicOfUser(userId);
    if (!topic) throw new Error(`user ${userId} has no topic row`);
    if (topic.threadId !== null && !opts.lost) {
      threads.set(userId, topic.threadId);
      return topic.threadId;
    }
    threads.delete(userId);
    const ticket = await store.latestTicket(userId);
    const u = await store.user(userId);
    const name = topicName(ticket?.status ?? 'WAITING', { first_name: u?.firstName ?? '?', last_name: u?.lastName, username: u?.username });
    creating++;
    let threadId: number;
    try {
      threadId = await courier.createTopic(name);
      await write(desk.db, (tx) => createStore(tx).setTopicThread(topic.id, threadId, name));
      threads.set(userId, threadId);
    } finally {
      creating--;
    }
    if (opts.lost && ticket) {
      // Managers must see who this is and that the earlier conversation is gone.
      const card = await cardFor(desk, ticket.id, { topicLost: true });
      const cardId = await courier.post({ chat: 'support', threadId }, card);
      await write(desk.db, (tx) => createStore(tx).setCardMessage(ticket.id, cardId));
    }
    desk.logger.info({ user_id: userId, thread_id: threadId, replaced: Boolean(opts.lost) }, 'topic created');
    return threadId;
  }

  /** Runs a send into the user's topic; a deleted topic is re-created once and the send repeated there. */
  async function intoTopic<T>(userId: number, send: (threadId: number) => Promise<T>): Promise<T> {
    const threadId = await threadOf(userId);
    try {
      return await send(threadId);
    } catch (error) {
      if (!(error instanceof DeliveryError && error.failure === 'thread-missing')) throw error;
      desk.logger.warn({ user_id: userId, thread_id: threadId }, 'topic is gone; creating a new one');
      return send(await threadOf(userId, { lost: true }));
    }
  }

  /** The reply target on the receiving side, from the stored id mapping. */
  async function replyTarget(userId: number, replyToSourceId: number | null, direction: 'INBOUND' | 'OUTBOUND'): Promise<number | undefined> {
    if (replyToSourceId === null) return undefined;
    if (direction === 'INBOUND') {
      // The user replied to a message in their chat: find its counterpart in the topic.
      const m = await store.messageInUserChat(userId, replyToSourceId);
      return m?.topicMessageId ?? undefined;
    }
    const m = await store.messageInTopic(userId, replyToSourceId);
    return m?.userChatMessageId ?? undefined;
  }

  /** The message, or all still-pending items of its album, in order. */
  async function batchOf(messageId: number) {
    const [first] = await store.messagesByIds([messageId]);
    if (!first) return [];
    if (!first.mediaGroupId) return first.state === 'PENDING' ? [first] : [];
    return store.pendingAlbumItems(Number(first.userId), first.direction, first.mediaGroupId);
  }

  return {
    async checkOrphanTopic(job) {
      const { threadId } = job.payload as Payloads['checkOrphanTopic'];
      if (await store.topicByThread(desk.supportChatId, threadId)) return;
      if (creating > 0) throw new DeliveryError('unavailable', 'a topic is being created; checking again shortly');
      // Telegram created it, but its answer never reached us (a crash, a lost
      // connection), so a second topic was made for the same user: this one is empty.
      try {
        await courier.deleteTopic(threadId);
        desk.logger.info({ thread_id: threadId }, 'deleted an empty topic left behind by an unanswered topic creation');
      } catch (error) {
        if (!(error instanceof DeliveryError) || error.transient) throw error;
        desk.logger.warn({ thread_id: threadId, description: error.description }, 'an empty topic was left behind; give the bot the "Delete messages" right to have it removed');
      }
    },

    async openTopic(job) {
      const { userId } = job.payload as Payloads['openTopic'];
      await threadOf(userId);
    },

    async reopenTopic(job) {
      const { userId } = job.payload as Payloads['reopenTopic'];
      await intoTopic(userId, (threadId) => courier.reopenTopic(threadId));
    },

    async postCard(job) {
      const { ticketId } = job.payload as Payloads['postCard'];
      const ticket = await store.ticket(ticketId);
      if (!ticket) return;
      const userId = Number(ticket.userId);
      const card = await cardFor(desk, ticketId);
      // A topic re-created since this job was queued (the old one was deleted) already got this ticket's card, saying so.
      const cardId = await intoTopic(userId, async (threadId) => (await store.ticket(ticketId))?.cardMessageId ?? courier.post({ chat: 'support', threadId }, card));
      return { record: (tx) => [tx.ticket.update({ where: { id: ticketId }, data: { cardMessageId: cardId } })] };
    },

    async syncTopicName(job) {
      const { userId } = job.payload as Payloads['syncTopicName'];
      const [topic, ticket, u] = await Promise.all([store.topicOfUser(userId), store.latestTicket(userId), store.user(userId)]);
      if (!topic || !ticket || !u || topic.threadId === null) return;
      const name = topicName(ticket.status, { first_name: u.firstName, last_name: u.lastName, username: u.username });
      // Telegram answers TOPIC_NOT_MODIFIED to a rename that changes nothing, and every edit counts against the group's limit.
      if (name === topic.name) return;
      await intoTopic(userId, (threadId) => courier.renameTopic(threadId, name));
      return { record: (tx) => [tx.topic.update({ where: { id: topic.id }, data: { name } })] };
    },

    async refreshCard(job) {
      const { ticketId } = job.payload as Payloads['refreshCard'];
      const ticket = await store.ticket(ticketId);
      if (ticket?.cardMessageId == null) return;
      const cardId = ticket.cardMessageId;
      try {
        await courier.edit({ chat: 'support' }, cardId, await cardFor(desk, ticketId));
      } catch (error) {
        // A card deleted by a manager is not worth a notice: the topic's name still shows the status.
        if (error instanceof DeliveryError && !error.transient) return;
        throw error;
      }
    },

    async copyToTopic(job) {
      const { messageId } = job.payload as Payloads['copyToTopic'];
      const batch = await batchOf(messageId);
      const first = batch[0];
      if (!first) return;
      const userId = Number(first.userId);
      const sourceIds = batch.map((m) => m.userChatMessageId!);
      try {
        const replyTo = await replyTarget(userId, first.replyToSourceId, 'INBOUND');
        const copies = await intoTopic(userId, (threadId) =>
          courier.copy(user(userId), sourceIds, { chat: 'support', threadId }, replyTo ? { replyTo } : {}),
        );
        const now = desk.now();
        return { record: (tx) => batch.map((m, i) => tx.message.update({ where: { id: m.id }, data: { state: 'DELIVERED', relayedAt: now, topicMessageId: copies[i] ?? null } })) };
      } catch (error) {
        if (!(error instanceof DeliveryError) || error.transient) throw error;
        return failInbound(userId, batch.map((m) => m.id), error);
      }
    },

    async copyToUser(job) {
      const { messageId } = job.payload as Payloads['copyToUser'];
      const batch = await batchOf(messageId);
      const first = batch[0];
      if (!first) return;
      const userId = Number(first.userId);
      try {
        const replyTo = await replyTarget(userId, first.replyToSourceId, 'OUTBOUND');
        const copies = await courier.copy({ chat: 'support' }, batch.map((m) => m.topicMessageId!), user(userId), replyTo ? { replyTo } : {});
        const now = desk.now();
        return { record: (tx) => batch.map((m, i) => tx.message.update({ where: { id: m.id }, data: { state: 'DELIVERED', relayedAt: now, userChatMessageId: copies[i] ?? null } })) };
      } catch (error) {
        if (!(error instanceof DeliveryError) || error.transient) throw error;
        return failOutbound(userId, batch.map((m) => m.id), first.topicMessageId!, error);
      }
    },

    async editCopy(job) {
      const { messageId, content } = job.payload as Payloads['editCopy'];
      const [m] = await store.messagesByIds([messageId]);
      if (!m || m.state !== 'DELIVERED') return;
      const userId = Number(m.userId);
      const inbound = m.direction === 'INBOUND';
      const at: Place = inbound ? { chat: 'support' } : user(userId);
      const copyId = inbound ? m.topicMessageId! : m.userChatMessageId!;
      try {
        await courier.editCopy(at, copyId, content);
        return;
      } catch (error) {
        if (!(error instanceof DeliveryError) || error.transient) throw error;
        if (error.failure === 'too-long' || error.failure === 'blocked' || error.failure === 'deactivated') {
          return inbound ? failInbound(userId, [], error) : failOutbound(userId, [], m.topicMessageId!, error);
        }
      }
      // Telegram cannot edit the copy: post the new version as a reply to it, marked as edited.
      const u = await store.user(userId);
      const marker = inbound ? desk.managerTexts.editedMarker : textsFor(languageOf(u?.languageCode)).editedMarker;
      const source = inbound ? user(userId) : ({ chat: 'support' } as Place);
      const sourceId = inbound ? m.userChatMessageId! : m.topicMessageId!;
      if (inbound) {
        await intoTopic(userId, async (threadId) => {
          await courier.post({ chat: 'support', threadId }, { html: escapeHtml(marker), replyTo: copyId });
          await courier.copy(source, [sourceId], { chat: 'support', threadId }, { replyTo: copyId });
        });
      } else {
        await courier.post(at, { text: marker, replyTo: copyId });
        await courier.copy(source, [sourceId], at, { replyTo: copyId });
      }
    },

    async notice(job) {
      const n = job.payload as Payloads['notice'];
      const post = { ...(n.html !== undefined ? { html: n.html } : {}), ...(n.text !== undefined ? { text: n.text } : {}), ...(n.replyTo ? { replyTo: n.replyTo } : {}) };
      try {
        if (n.to === 'topic') await intoTopic(n.userId, (threadId) => courier.post({ chat: 'support', threadId }, post));
        else await courier.post(user(n.userId), post);
      } catch (error) {
        // A notice that cannot be shown (the user blocked the bot meanwhile) has nobody left to tell.
        if (error instanceof DeliveryError && !error.transient) {
          desk.logger.warn({ user_id: n.userId, to: n.to, description: error.description }, 'notice not delivered');
          return;
        }
        throw error;
      }
    },
  };

  async function failInbound(userId: number, messageIds: number[], error: DeliveryError): Promise<JobOutcome> {
    desk.logger.warn({ user_id: userId, failure: error.failure, description: error.description }, 'user message not relayed');
    const u = await store.user(userId);
    const t = textsFor(languageOf(u?.languageCode));
    // Telegram's own wording is English jargon; the user gets a plain reason in their language.
    const reason = error.failure === 'too-long' ? t.tooLong : error.failure === 'rejected' ? t.unsupportedContent : t.supportUnavailable;
    return {
      record: (tx) => [tx.message.updateMany({ where: { id: { in: messageIds } }, data: { state: 'FAILED', error: error.description } })],
      then: [noticeToUser(userId, t.notDelivered(reason))],
    };
  }

  async function failOutbound(userId: number, messageIds: number[], managerMessageId: number, error: DeliveryError): Promise<JobOutcome> {
    desk.logger.warn({ user_id: userId, failure: error.failure, description: error.description }, 'manager message not delivered');
    const t = desk.managerTexts;
    const blocked = error.failure === 'blocked' || error.failure === 'deactivated';
    const reason = error.failure === 'blocked' ? t.userBlockedBot : error.failure === 'deactivated' ? t.userDeactivated : error.failure === 'too-long' ? t.tooLongForUser : error.description;
    return {
      record: (tx) => [
        tx.message.updateMany({ where: { id: { in: messageIds } }, data: { state: 'FAILED', error: error.description } }),
        ...(blocked ? [tx.user.updateMany({ where: { id: BigInt(userId) }, data: { blocked: true } })] : []),
      ],
      then: [noticeToTopic(userId, escapeHtml(t.replyNotDelivered(reason)), managerMessageId)],
    };
  }
}
