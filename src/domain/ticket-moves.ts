// A category may have a supergroup of its own (billing in one group, tech
// support in another). A user's current topic is in the group of their
// current ticket's category; when the ticket's category moves it to another
// group, the conversation follows: a topic there (new, or the user's earlier
// one), the card, the ticket's last messages and links both ways
// (delivery/jobs/transfer-ticket.ts). The earlier topic stays the user's, so
// an answer written there still reaches them.
import type { Store } from '../db/queries/index.js';
import { openTopic } from '../delivery/jobs/open-topic.js';
import { postCard } from '../delivery/jobs/post-card.js';
import { reopenTopic } from '../delivery/jobs/reopen-topic.js';
import { syncTopicName } from '../delivery/jobs/sync-topic-name.js';
import { transferTicket } from '../delivery/jobs/transfer-ticket.js';
import type { NewJob } from '../delivery/outbox.js';
import { topicQueue, type Desk } from './desk.js';

/** The group a category's tickets live in: its own, or the main one. */
export function groupOfCategory(desk: Pick<Desk, 'settings' | 'supportChatId'>, categoryId: number | null | undefined): number {
  return desk.settings.category(categoryId)?.chatId ?? desk.supportChatId;
}

type TopicRow = NonNullable<Awaited<ReturnType<Store['topicOfUser']>>>;

/**
 * Makes the user's topic in `chatId` their current one (its row created if
 * they have none there yet; Telegram's topic is created by the queued job).
 * Returns the topic and the one that was current before, if it changed.
 */
export async function switchTopic(
  desk: Pick<Desk, 'settings'>,
  store: Store,
  send: (job: NewJob) => void,
  userId: number,
  chatId: number,
  current: TopicRow | null,
): Promise<{ topic: TopicRow; previous: TopicRow | null }> {
  if (current && Number(current.chatId) === chatId) return { topic: current, previous: null };
  const queue = topicQueue(userId);
  let topic = await store.topicInGroup(userId, chatId);
  if (!topic) topic = await store.createTopic(userId, chatId);
  // Served from now on, whatever happens to the category that sent the user there.
  desk.settings.rememberGroup(chatId);
  await store.makeCurrent(userId, topic.id);
  // The jobs read which topic is current anew: the process remembers the previous one.
  send(openTopic.make(queue, { userId, moved: true }));
  if (topic.closed && topic.threadId !== null) {
    await store.setTopicClosed(chatId, topic.threadId, false);
    send(reopenTopic.make(queue, { userId }));
  }
  return { topic: { ...topic, current: true, closed: false }, previous: current };
}

/** After a ticket's category changed: if that puts it in another group, the ticket and the conversation move there. */
export async function followCategory(
  desk: Desk,
  store: Store,
  send: (job: NewJob) => void,
  userId: number,
  ticketId: number,
  categoryId: number,
): Promise<boolean> {
  const current = await store.topicOfUser(userId);
  const latest = await store.latestTicket(userId);
  // Only the current ticket decides where the conversation is.
  if (!current || latest?.id !== ticketId) return false;
  const { topic, previous } = await switchTopic(desk, store, send, userId, groupOfCategory(desk, categoryId), current);
  if (!previous) return false;
  await store.moveTicket(ticketId, topic.id);
  const queue = topicQueue(userId);
  send(postCard.make(queue, { ticketId }));
  send(transferTicket.make(queue, { userId, ticketId, toTopicId: topic.id, fromChatId: Number(previous.chatId), fromThreadId: previous.threadId }));
  // Not merged with a rename queued earlier: that one may run before the process learns of the move.
  send(syncTopicName.make(queue, { userId }));
  return true;
}
