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
import { DeliveryError, type TopicPlace } from './courier.js';
import { cardMessage } from './jobs/card-message.js';

/** A user's topic: its group and thread. */
export type UserTopic = TopicPlace & { chatId: number };

export interface TopicThreads {
  /**
   * The user's current topic, creating it in Telegram if it has no thread yet;
   * `lost` replaces a deleted one; `reload` reads which topic is current
   * (after the user's conversation moved to another group).
   */
  topicOf(userId: number, opts?: { lost?: boolean; reload?: boolean }): Promise<UserTopic>;
  /** Runs a send into the user's current topic; a deleted topic is re-created once and the send repeated there. */
  intoTopic<T>(userId: number, send: (at: UserTopic) => Promise<T>): Promise<T>;
  /**
   * The user whose topic this thread is (current or earlier), or undefined
   * (General, a managers' own topic, an old thread). Synchronous, from memory:
   * every topic is loaded at start (load) and every new one is remembered when
   * created, so ordering updates by conversation never waits for the database.
   */
  userOfThread(chatId: number, threadId: number): number | undefined;
  /** Reads every user's topics; call once before updates are handled. */
  load(): Promise<void>;
  /** True while a topic is being created (its thread id not yet recorded). */
  readonly creating: boolean;
  /** Resolves when the next topic creation in progress ends (recorded or failed). */
  nextCreationEnd(): Promise<void>;
}

const key = (chatId: number, threadId: number) => `${chatId}:${threadId}`;

export function createTopicThreads(desk: Desk): TopicThreads {
  const current = new Map<number, UserTopic>();
  const owners = new Map<string, number>();
  let creating = 0;
  // Resolved (and replaced) each time a creation ends, recorded or not: whoever waits for a thread looks again then.
  let ended!: () => void;
  let nextEnd = new Promise<void>((resolve) => (ended = resolve));
  const began = () => {
    creating++;
  };
  const finished = () => {
    creating--;
    const resolve = ended;
    nextEnd = new Promise<void>((r) => (ended = r));
    resolve();
  };

  const remember = (userId: number, chatId: number, threadId: number, isCurrent: boolean) => {
    const old = current.get(userId);
    // A deleted topic replaced in the same group: its thread is nobody's any more.
    if (isCurrent && old && old.chatId === chatId && old.threadId !== threadId) owners.delete(key(chatId, old.threadId));
    owners.set(key(chatId, threadId), userId);
    if (isCurrent) current.set(userId, { chat: 'support', chatId, threadId });
  };

  async function topicOf(userId: number, opts: { lost?: boolean; reload?: boolean } = {}): Promise<UserTopic> {
    const known = current.get(userId);
    if (known !== undefined && !opts.lost && !opts.reload) return known;
    const { store, courier } = desk;
    const topic = await store.topicOfUser(userId);
    if (!topic) throw new Error(`user ${userId} has no topic row`);
    const chatId = Number(topic.chatId);
    if (topic.threadId !== null && !opts.lost) {
      remember(userId, chatId, topic.threadId, true);
      return { chat: 'support', chatId, threadId: topic.threadId };
    }
    const ticket = await store.latestTicket(userId);
    const u = await store.user(userId);
    const name = topicName(
      ticket?.status ?? 'WAITING',
      { first_name: u?.firstName ?? '?', last_name: u?.lastName, username: u?.username },
      categoryTag(desk, ticket?.categoryId),
    );
    began();
    let threadId: number;
    try {
      threadId = await courier.createTopic(name, chatId);
      await write(desk.db, (tx) => createStore(tx).setTopicThread(topic.id, threadId, name));
      remember(userId, chatId, threadId, true);
    } finally {
      finished();
    }
    const at: UserTopic = { chat: 'support', chatId, threadId };
    if (opts.lost && ticket) {
      // Managers must see who this is and that the earlier conversation is gone.
      const cardId = await courier.post(at, await cardMessage(desk, ticket.id, { topicLost: true }));
      await write(desk.db, (tx) => createStore(tx).setCardMessage(ticket.id, cardId));
    }
    desk.logger.info({ user_id: userId, chat_id: chatId, thread_id: threadId, replaced: Boolean(opts.lost) }, 'topic created');
    // The queue board links to the topic now.
    desk.queueChanged();
    return at;
  }

  return {
    topicOf,
    async intoTopic(userId, send) {
      const at = await topicOf(userId);
      try {
        return await send(at);
      } catch (error) {
        if (!(error instanceof DeliveryError && error.failure === 'thread-missing')) throw error;
        desk.logger.warn({ user_id: userId, chat_id: at.chatId, thread_id: at.threadId }, 'topic is gone; creating a new one');
        return send(await topicOf(userId, { lost: true }));
      }
    },
    userOfThread(chatId, threadId) {
      return owners.get(key(chatId, threadId));
    },
    async load() {
      // Read anew: another instance may have created or replaced topics while this one was not serving.
      const rows = await desk.store.topicsWithThreads();
      current.clear();
      owners.clear();
      for (const topic of rows) remember(Number(topic.userId), Number(topic.chatId), topic.threadId!, topic.current);
    },
    get creating() {
      return creating > 0;
    },
    nextCreationEnd() {
      return nextEnd;
    },
  };
}
