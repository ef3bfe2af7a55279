// Whether a user can be written to: Telegram tells us when a user blocks or
// unblocks the bot (my_chat_member in the private chat). Managers see it in
// the topic, so nobody writes into the void.
import { decide, type Desk } from './desk.js';
import { noticeToTopic } from './deliveries.js';

export function userBlockedBot(desk: Desk, userId: number, blocked: boolean): Promise<void> {
  return decide(desk, async (store, send) => {
    if (!(await store.setUserBlocked(userId, blocked))) return;
    const topic = await store.topicOfUser(userId);
    if (!topic) return;
    const t = desk.managerTexts;
    send(noticeToTopic(userId, blocked ? t.userBlockedNotice : t.userIsBack));
  });
}
