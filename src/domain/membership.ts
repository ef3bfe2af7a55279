// What Telegram tells us about who can reach whom: a user blocking or
// unblocking the bot (my_chat_member in the private chat; managers see a
// notice in the topic, so nobody writes into the void), and a manager closing
// or reopening a topic (a closed topic is reopened before the next message).
import { decide, type Desk } from './desk.js';
import { noticeToTopic } from '../delivery/jobs/notice.js';

export function userBlockedBot(desk: Desk, userId: number, blocked: boolean): Promise<void> {
  return decide(desk, async (store, send) => {
    if (!(await store.setUserBlocked(userId, blocked))) return;
    const topic = await store.topicOfUser(userId);
    if (!topic) return;
    const t = desk.managerTexts;
    send(noticeToTopic(userId, blocked ? t.userBlockedNotice : t.userIsBack));
  });
}

export function topicClosedInTelegram(desk: Desk, chatId: number, threadId: number, closed: boolean): Promise<void> {
  return decide(desk, async (store) => {
    await store.setTopicClosed(chatId, threadId, closed);
  });
}
