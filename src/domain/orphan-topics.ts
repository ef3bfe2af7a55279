// Telegram creates a topic, and its answer never reaches us (the process was
// killed, the connection dropped): the topic is created again, and the first
// one stays behind, empty, carrying the user's name. Telegram does tell the
// bot about every topic it creates (the forum_topic_created message): any
// topic of ours that no user's row claims is checked and removed.
import { decide, type Desk } from './desk.js';
import { checkOrphanTopic } from '../delivery/jobs/check-orphan-topic.js';

export const ORPHAN_QUEUE = 'orphan-topics';

export function topicCreatedByBot(desk: Desk, chatId: number, threadId: number): Promise<void> {
  return decide(desk, async (store, send) => {
    if (await store.topicByThread(chatId, threadId)) return;
    send(checkOrphanTopic.make(ORPHAN_QUEUE, { threadId, chatId }, { notBefore: new Date(desk.now().getTime() + 1000) }));
  });
}
