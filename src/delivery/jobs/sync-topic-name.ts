// Renames a user's topic to show the latest ticket's status (❗️ 📝 🏁) and
// the user's current name. Reads the state when it runs, so a burst of
// changes costs one rename.
import { z } from 'zod';
import { topicQueries } from '../../db/queries/topics.js';
import { categoryTag } from '../../domain/categories.js';
import { topicName } from '../../domain/people.js';
import { DeliveryError } from '../courier.js';
import { defineJob, idSchema } from './job.js';

export const syncTopicName = defineJob('syncTopicName', z.object({ userId: idSchema }), async ({ userId }, { desk, topics }) => {
  const { store } = desk;
  const [topic, ticket, u] = await Promise.all([store.topicOfUser(userId), store.latestTicket(userId), store.user(userId)]);
  if (!topic || !ticket || !u || topic.threadId === null) return;
  const name = topicName(ticket.status, { first_name: u.firstName, last_name: u.lastName, username: u.username }, categoryTag(desk, ticket.categoryId));
  // Telegram answers TOPIC_NOT_MODIFIED to a rename that changes nothing, and every edit counts against the group's limit.
  if (name === topic.name) return;
  const current = await topics.topicOf(userId);
  if (current.chatId === Number(topic.chatId) && current.threadId === topic.threadId) {
    await topics.intoTopic(userId, (at) => desk.courier.renameTopic(at, name));
  } else {
    // The user's conversation moved to another group and the process has not
    // caught up yet: rename exactly the topic that was read, never another.
    try {
      await desk.courier.renameTopic({ chat: 'support', chatId: Number(topic.chatId), threadId: topic.threadId }, name);
    } catch (error) {
      if (error instanceof DeliveryError && error.failure === 'thread-missing') return;
      throw error;
    }
  }
  return { record: (tx) => [topicQueries(tx).setTopicName(topic.id, name)] };
});
