// What the relay jobs (copy to topic, copy to user, edit a copy) share: the
// message or album to send, the reply target on the other side, and what
// happens when Telegram refuses a relay for good (the sender is told).
import { escapeHtml } from '../../lib/html.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import type { Desk } from '../../domain/desk.js';
import type { DeliveryError } from '../courier.js';
import type { JobOutcome } from '../outbox.js';
import { noticeToTopic, noticeToUser } from './notice.js';

/** The message, or all still-pending items of its album, in order. */
export async function batchOf(desk: Desk, messageId: number) {
  const [first] = await desk.store.messagesByIds([messageId]);
  // A note is never relayed.
  if (!first || first.direction === 'NOTE') return [];
  if (!first.mediaGroupId) return first.state === 'PENDING' ? [first] : [];
  return desk.store.pendingAlbumItems(Number(first.userId), first.direction, first.mediaGroupId);
}

/** A user replied to a message in their chat: its counterpart in a topic (and that topic's group). */
export async function topicReplyTarget(desk: Desk, userId: number, replyToSourceId: number | null): Promise<{ chatId: number; messageId: number } | undefined> {
  if (replyToSourceId === null) return undefined;
  const m = await desk.store.messageInUserChat(userId, replyToSourceId);
  return m?.topicMessageId != null && m.topicChatId != null ? { chatId: Number(m.topicChatId), messageId: m.topicMessageId } : undefined;
}

/** A manager replied to a message in a topic of group `chatId`: its counterpart in the user's chat. */
export async function userReplyTarget(desk: Desk, userId: number, chatId: number, replyToSourceId: number | null): Promise<number | undefined> {
  if (replyToSourceId === null) return undefined;
  const m = await desk.store.messageInTopic(userId, chatId, replyToSourceId);
  return m?.userChatMessageId ?? undefined;
}

/** A user's message Telegram will not take into the topic: the user hears why, in their language. */
export async function failInbound(desk: Desk, userId: number, messageIds: number[], error: DeliveryError): Promise<JobOutcome> {
  desk.logger.warn({ user_id: userId, failure: error.failure, description: error.description }, 'user message not relayed');
  const u = await desk.store.user(userId);
  const t = textsFor(languageOf(u?.languageCode));
  // Telegram's own wording is English jargon; the user gets a plain reason in their language.
  const reason = error.failure === 'too-long' ? t.tooLong : error.failure === 'rejected' ? t.unsupportedContent : t.supportUnavailable;
  return {
    record: (tx) => [tx.message.updateMany({ where: { id: { in: messageIds } }, data: { state: 'FAILED', error: error.description } })],
    followUps: [noticeToUser(userId, t.notDelivered(reason))],
  };
}

/** A manager's reply Telegram will not deliver: the managers see why, under the reply. */
export function failOutbound(
  desk: Desk,
  userId: number,
  messageIds: number[],
  manager: { chatId: number; messageId?: number | undefined },
  error: DeliveryError,
): JobOutcome {
  desk.logger.warn({ user_id: userId, failure: error.failure, description: error.description }, 'manager message not delivered');
  const t = desk.managerTexts;
  const blocked = error.failure === 'blocked' || error.failure === 'deactivated';
  const reason =
    error.failure === 'blocked'
      ? t.userBlockedBot
      : error.failure === 'deactivated'
        ? t.userDeactivated
        : error.failure === 'too-long'
          ? t.tooLongForUser
          : error.description;
  return {
    record: (tx) => [
      tx.message.updateMany({ where: { id: { in: messageIds } }, data: { state: 'FAILED', error: error.description } }),
      ...(blocked ? [tx.user.updateMany({ where: { id: BigInt(userId) }, data: { blocked: true } })] : []),
    ],
    followUps: [noticeToTopic(userId, escapeHtml(t.replyNotDelivered(reason)), manager.messageId, manager.chatId)],
  };
}
