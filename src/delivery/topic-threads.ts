// Which forum topic (thread) belongs to which user, both ways, and creating a
// user's topic in Telegram when it has none (yet, or any more: a manager
// deleted it). Only this process changes thread ids (one instance per
// database, see db/instance-lock.ts) and only through here, so what it
// remembers stays true; a miss reads the database.
import { write } from '../db/client.js';
import { createStore } from '../db/queries/index.js';
import type { Desk } from '../domain/desk.js';
import { categoryTag } from '../domain/categories.js';
import { topicName } from '../domain/people.js';
import { DeliveryError } from './courier.js';
import { cardMessage } from './jobs/card-message.js';

export interface TopicThreads {
  /** The user's thread, creating the topic in Telegram if it has none; `lost` replaces a deleted one. */
  threadOf(userId: number, opts?: { lost?: boolean }): Promise<number>;
  /** Runs a send into the user's topic; a deleted topic is re-created once and the send repeated there. */
  intoTopic<T>(userId: number, send: (threadId: number) => Promise<T>): Promise<T>;
  /**
   * The user whose topic this thread is, or undefined (General, a managers'
   * own topic, an old thread). Synchronous, from memory: every topic is
   * loaded at start (load) and every new one is remembered when created, so
   * ordering updates by conversation never waits for the database.
   */
  userOfThread(threadId: number): number | undefined;
  /** Reads every user's thread; call once before updates are handled. */
  load(): Promise<void>;
  /** True while a topic is being created (its thread id not yet recorded). */
  readonly creating: boolean;
}

export function createTopicThreads(desk: Desk): TopicThreads {
  const threadByUser = new Map<number, number>();
  const userByThread = new Map<number, number>();
  let creating = 0;

  const remember = (userId: number, threadId: number) => {
    const old = threadByUser.get(userId);
    if (old !== undefined && old !== threadId) userByThread.delete(old);
    threadByUser.set(userId, threadId);
    userByThread.set(threadId, userId);
  };

  async function threadOf(userId: number, opts: { lost?: boolean } = {}): Promise<number> {
    const known = threadByUser.get(userId);
    if (known !== undefined && !opts.lost) return known;
    const { store, courier } = desk;
    const topic = await store.topicOfUser(userId);
    if (!topic) throw new Error(`user ${userId} has no topic row`);
    if (topic.threadId !== null && !opts.lost) {
      remember(userId, topic.threadId);
      return topic.threadId;
    }
    const ticket = await store.latestTicket(userId);
    const u = await store.user(userId);
    const name = topicName(
      ticket?.status ?? 'WAITING',
      { first_name: u?.firstName ?? '?', last_name: u?.lastName, username: u?.username },
      categoryTag(desk, ticket?.categoryId),
    );
    creating++;
    let threadId: number;
    try {
      threadId = await courier.createTopic(name);
      await write(desk.db, (tx) => createStore(tx).setTopicThread(topic.id, threadId, name));
      remember(userId, threadId);
    } finally {
      creating--;
    }
    if (opts.lost && ticket) {
      // Managers must see who this is and that the earlier conversation is gone.
      const cardId = await courier.post({ chat: 'support', threadId }, await cardMessage(desk, ticket.id, { topicLost: true }));
      await write(desk.db, (tx) => createStore(tx).setCardMessage(ticket.id, cardId));
    }
    desk.logger.info({ user_id: userId, thread_id: threadId, replaced: Boolean(opts.lost) }, 'topic created');
    return threadId;
  }

  return {
    threadOf,
    async intoTopic(userId, send) {
      const threadId = await threadOf(userId);
      try {
        return await send(threadId);
      } catch (error) {
        if (!(error instanceof DeliveryError && error.failure === 'thread-missing')) throw error;
        desk.logger.warn({ user_id: userId, thread_id: threadId }, 'topic is gone; creating a new one');
        return send(await threadOf(userId, { lost: true }));
      }
    },
    userOfThread(threadId) {
      return userByThread.get(threadId);
    },
    async load() {
      // Read anew: another instance may have created or replaced topics while this one was not serving.
      const rows = await desk.store.topicsWithThreads(desk.supportChatId);
      threadByUser.clear();
      userByThread.clear();
      for (const topic of rows) remember(Number(topic.userId), topic.threadId!);
    },
    get creating() {
      return creating > 0;
    },
  };
}
