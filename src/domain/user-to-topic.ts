// A user's message travels to their topic: find or open the topic and the
// ticket, post the card for a new ticket, copy the message in, record it,
// and mark the topic ❗️. Any refusal by Telegram ends in a notice to the user.
import { DeliveryError } from '../delivery/courier.js';
import { languageOf, textsFor } from '../i18n/index.js';
import { conversationKey, type Desk } from './desk.js';
import { topicName, type Person } from './people.js';
import { cardFor, refreshCard, syncTopicName } from './ticket-status.js';

export interface IncomingUserMessage {
  from: Person;
  messageId: number;
  /** Telegram's date of the message. */
  sentAt: Date;
  /** text, photo, sticker, ... (for the history) */
  kind: string;
}

export type UserRelayOutcome =
  | { outcome: 'relayed'; ticketId: number; topicMessageId: number }
  | { outcome: 'failed'; reason: DeliveryError };

export function relayUserMessage(desk: Desk, msg: IncomingUserMessage): Promise<UserRelayOutcome> {
  return desk.conversations.run(conversationKey(msg.from.id), async () => {
    const progress: { ticketId: number | null } = { ticketId: null };
    try {
      return await relay(desk, msg, progress);
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      return failInbound(desk, msg, progress.ticketId, error);
    }
  });
}

async function relay(desk: Desk, msg: IncomingUserMessage, progress: { ticketId: number | null }): Promise<UserRelayOutcome> {
  const { store, courier } = desk;
  const now = desk.now();
  const userId = msg.from.id;
  const wasBlocked = (await store.user(userId))?.blocked ?? false;
  await store.touchUser(msg.from, now, true);
  // A user who writes has evidently unblocked the bot.
  if (wasBlocked) await store.setUserBlocked(userId, false);

  let topic = await store.topicOfUser(userId);
  if (!topic) {
    const name = topicName('WAITING', msg.from);
    const threadId = await courier.createTopic(name);
    topic = await store.createTopic(userId, desk.supportChatId, threadId, name);
  } else if (topic.closed) {
    // Managers would never see a message in a closed topic.
    await courier.reopenTopic(topic.threadId);
    await store.setTopicClosed(desk.supportChatId, topic.threadId, false);
  }

  let ticket = await store.latestTicket(userId);
  let statusChanged = false;
  if (!ticket || ticket.status === 'RESOLVED') {
    ticket = await store.openTicket(userId, topic.id, now);
    progress.ticketId = ticket.id;
    await postCard(desk, ticket.id, topic.threadId);
  } else if (ticket.status !== 'WAITING') {
    statusChanged = await store.changeStatus(ticket.id, ticket.status, 'WAITING', null, now);
  }
  progress.ticketId = ticket.id;
  if (wasBlocked) await courier.postToTopic(topic.threadId, { html: desk.managerTexts.userIsBack });

  let topicMessageId: number;
  try {
    topicMessageId = await courier.copyToTopic(userId, msg.messageId, topic.threadId);
  } catch (error) {
    if (!(error instanceof DeliveryError && error.failure === 'thread-missing')) throw error;
    // The topic was deleted: open a new one, say so in its card, and deliver there.
    const name = topicName('WAITING', msg.from);
    const threadId = await courier.createTopic(name);
    topic = await store.moveTopic(topic.id, threadId, name);
    await postCard(desk, ticket.id, threadId, { topicLost: true });
    statusChanged = false;
    topicMessageId = await courier.copyToTopic(userId, msg.messageId, threadId);
  }

  await store.recordMessage(
    {
      ticketId: ticket.id,
      userId,
      direction: 'INBOUND',
      userChatMessageId: msg.messageId,
      topicMessageId,
      kind: msg.kind,
      sentAt: msg.sentAt,
      state: 'DELIVERED',
    },
    desk.now(),
  );
  await syncTopicName(desk, ticket.id);
  if (statusChanged) await refreshCard(desk, ticket.id);
  return { outcome: 'relayed', ticketId: ticket.id, topicMessageId };
}

async function postCard(desk: Desk, ticketId: number, threadId: number, opts: { topicLost?: boolean } = {}) {
  const card = await cardFor(desk, ticketId, opts);
  const cardMessageId = await desk.courier.postToTopic(threadId, card);
  await desk.store.setCardMessage(ticketId, cardMessageId);
}

async function failInbound(desk: Desk, msg: IncomingUserMessage, ticketId: number | null, error: DeliveryError): Promise<UserRelayOutcome> {
  const log = error.failure === 'no-rights' ? desk.logger.error.bind(desk.logger) : desk.logger.warn.bind(desk.logger);
  log({ user_id: msg.from.id, failure: error.failure, description: error.description }, 'user message not relayed');
  await desk.store.recordMessage(
    {
      ticketId,
      userId: msg.from.id,
      direction: 'INBOUND',
      userChatMessageId: msg.messageId,
      topicMessageId: null,
      kind: msg.kind,
      sentAt: msg.sentAt,
      state: 'FAILED',
      error: error.description,
    },
    desk.now(),
  );
  const t = textsFor(languageOf(msg.from.language_code));
  const reason =
    error.failure === 'too-long' ? t.tooLong : error.failure === 'rejected' ? t.unsupportedContent : t.supportUnavailable;
  await desk.courier.sendToUser(msg.from.id, t.notDelivered(reason));
  return { outcome: 'failed', reason: error };
}
