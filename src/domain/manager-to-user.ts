// A manager's reply travels from the user's topic to the user: copy it to the
// private chat, record who answered and when, and move a waiting ticket into
// work (📝). A refusal (blocked bot, deleted account, bad content) is posted
// back into the topic as a reply to the manager's message.
import { DeliveryError } from '../delivery/courier.js';
import { escapeHtml } from '../lib/html.js';
import { conversationKey, type Desk } from './desk.js';
import type { Person } from './people.js';
import { refreshCard, syncTopicName } from './ticket-status.js';

export interface ManagerReply {
  manager: Person;
  threadId: number;
  messageId: number;
  sentAt: Date;
  kind: string;
}

export type ManagerRelayOutcome =
  | { outcome: 'relayed'; userChatMessageId: number }
  | { outcome: 'failed'; reason: DeliveryError }
  | { outcome: 'not-a-user-topic' };

export async function relayManagerReply(desk: Desk, reply: ManagerReply): Promise<ManagerRelayOutcome> {
  const topic = await desk.store.topicByThread(desk.supportChatId, reply.threadId);
  if (!topic) return { outcome: 'not-a-user-topic' };
  const userId = Number(topic.userId);
  return desk.conversations.run(conversationKey(userId), async () => {
    const now = desk.now();
    await desk.store.touchManager(reply.manager, now);
    const ticket = await desk.store.latestTicket(userId);
    const base = {
      ticketId: ticket?.id ?? null,
      userId,
      direction: 'OUTBOUND' as const,
      managerId: reply.manager.id,
      topicMessageId: reply.messageId,
      kind: reply.kind,
      sentAt: reply.sentAt,
    };
    let userChatMessageId: number;
    try {
      userChatMessageId = await desk.courier.copyToUser(userId, reply.messageId);
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      if (error.failure === 'blocked' || error.failure === 'deactivated') await desk.store.setUserBlocked(userId, true);
      await desk.store.recordMessage({ ...base, userChatMessageId: null, state: 'FAILED', error: error.description }, now);
      desk.logger.warn({ user_id: userId, failure: error.failure, description: error.description }, 'manager reply not delivered');
      const t = desk.managerTexts;
      const reason = error.failure === 'blocked' ? t.userBlockedBot : error.failure === 'deactivated' ? t.userDeactivated : error.description;
      await desk.courier.postToTopic(topic.threadId, { html: escapeHtml(t.replyNotDelivered(reason)), replyTo: reply.messageId });
      return { outcome: 'failed', reason: error };
    }
    await desk.store.recordMessage({ ...base, userChatMessageId, state: 'DELIVERED' }, desk.now());
    if (ticket) {
      await desk.store.markFirstResponse(ticket.id, reply.manager.id, now);
      if (ticket.status === 'WAITING' && (await desk.store.changeStatus(ticket.id, 'WAITING', 'IN_WORK', reply.manager.id, now))) {
        await syncTopicName(desk, ticket.id);
        await refreshCard(desk, ticket.id);
      }
    }
    return { outcome: 'relayed', userChatMessageId };
  });
}
