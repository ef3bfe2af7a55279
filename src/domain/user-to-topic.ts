// A user's message travels to their topic. This is the decision: record the
// user, the message and the ticket, and queue what must be sent (topic
// creation, card, the copy, the ❗️ name) in the topic's outbox queue, all
// in one transaction. delivery/jobs/copy-to-topic.ts sends it.
import { answerAutomatically } from './auto-replies.js';
import { takeRatingComment } from './ratings.js';
import type { MessageContent } from './transcript.js';
import type { NewMessage } from '../db/queries/index.js';
import { relayFromBanned } from './bans.js';
import { quoteBroadcast } from './broadcasts.js';
import { categorizeNewTicket, categoryTag } from './categories.js';
import { groupOfCategory, switchTopic } from './ticket-moves.js';
import { decide, topicQueue, userQueue, type Desk } from './desk.js';
import { copyIntoTopic } from './flood.js';
import { isOpen } from './working-hours.js';
import { offHoursNotice } from '../delivery/jobs/off-hours-notice.js';
import { noticeToTopic } from '../delivery/jobs/notice.js';
import { openTopic } from '../delivery/jobs/open-topic.js';
import { postCard } from '../delivery/jobs/post-card.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import { reopenTopic } from '../delivery/jobs/reopen-topic.js';
import { syncTopicName } from '../delivery/jobs/sync-topic-name.js';
import { topicName, type Person } from './people.js';

export interface IncomingUserMessage {
  from: Person;
  messageId: number;
  /** Telegram's date of the message. */
  sentAt: Date;
  /** text, photo, sticker, ... (for the history) */
  kind: string;
  mediaGroupId?: string | undefined;
  /** The message in the user's chat this one replies to. */
  replyToMessageId?: number | undefined;
  /** What it says (stored for the transcript; its text is matched against the auto-reply rules). */
  content?: MessageContent | undefined;
}

/**
 * The row a user's message is stored as: one place for every path that
 * takes one in (a banned user's too), so none of them forgets a field.
 */
export function inboundRow(msg: IncomingUserMessage, ticketId: number | null): NewMessage {
  return {
    ticketId,
    userId: msg.from.id,
    direction: 'INBOUND',
    userChatMessageId: msg.messageId,
    topicMessageId: null,
    kind: msg.kind,
    sentAt: msg.sentAt,
    mediaGroupId: msg.mediaGroupId,
    replyToSourceId: msg.replyToMessageId,
    content: msg.content,
  };
}

export type UserRelayOutcome =
  | { outcome: 'queued'; ticketId: number; messageId: number }
  | { outcome: 'duplicate' }
  /** From a banned user: shown in the topic, no ticket (domain/bans.ts). */
  | { outcome: 'banned'; messageId: number };

export async function relayUserMessage(desk: Desk, msg: IncomingUserMessage): Promise<UserRelayOutcome> {
  const userId = msg.from.id;
  const queue = topicQueue(userId);
  let queueChanged = false;
  // A user's messages are decided one at a time (one turn per conversation),
  // so the pace read here is still the user's when the decision commits.
  const pace = desk.flood.pace(userId, desk.now(), desk.settings.get('floodLimit'), msg.mediaGroupId);
  const result = await decide(desk, async (store, send, retry) => {
    queueChanged = false;
    // Telegram can deliver the same message twice (a re-fetched update); relay it once.
    // The first attempt finds out from the unique key on the message's ids.
    if (retry && (await store.messageInUserChat(userId, msg.messageId))) return { outcome: 'duplicate' } as const;
    const now = desk.now();
    // touchUser leaves `blocked` alone, so the row it returns still tells whether the user was blocked.
    const user = await store.touchUser(msg.from, now, true);
    if (user.bannedAt !== null) return relayFromBanned(desk, store, send, user, msg, pace);

    const found = await store.topicWithLatestTicket(userId);
    let ticket = found?.tickets[0] ?? null;
    let statusChanged = false;
    if (ticket && ticket.status === 'IN_WORK') {
      statusChanged = await store.changeStatus(ticket.id, 'IN_WORK', 'WAITING', null, now);
      // A manager resolved it at this very moment: read what they committed.
      if (!statusChanged) ticket = await store.latestTicket(userId);
    }
    // The user answered: auto-close no longer counts their silence.
    if (ticket && ticket.status !== 'RESOLVED' && ticket.awaitingUserSince !== null) await store.clearAwaitingUser(ticket.id);
    const newTicket = !ticket || ticket.status === 'RESOLVED';
    queueChanged = statusChanged || newTicket;

    // A new ticket opens in the group of the category the user picked on the
    // greeting, else in the main group; an open one stays where it is.
    let topic: { id: number; chatId: bigint; threadId: number | null; closed: boolean; name: string } | null = found;
    let newTopic = !topic;
    const chosen = desk.settings.category(user.chosenCategoryId);
    const home = newTicket ? groupOfCategory(desk, chosen && !chosen.archived ? chosen.id : null) : null;
    if (!topic) {
      topic = await store.createTopic(userId, home ?? desk.supportChatId);
      desk.settings.rememberGroup(home ?? desk.supportChatId);
      send(openTopic.make(queue, { userId }));
    } else if (home !== null && Number(topic.chatId) !== home) {
      topic = (await switchTopic(desk, store, send, userId, home, found)).topic;
      newTopic = topic.threadId === null;
    } else if (topic.closed && topic.threadId !== null) {
      // Managers would never see a message in a closed topic.
      await store.setTopicClosed(Number(topic.chatId), topic.threadId, false);
      send(reopenTopic.make(queue, { userId }));
    }

    let categoryId = ticket?.categoryId ?? null;
    if (!ticket || ticket.status === 'RESOLVED') {
      ticket = await store.openTicket(userId, topic.id, now);
      // Off hours: the user learns when the team is back, once per ticket (its first message).
      if (!isOpen(desk.settings.hours(), now)) send(offHoursNotice.make(userQueue(userId), { userId }));
      categoryId = await categorizeNewTicket(desk, store, send, {
        ticketId: ticket.id,
        userId,
        chosenCategoryId: user.chosenCategoryId,
        languageCode: user.languageCode,
      });
      send(postCard.make(queue, { ticketId: ticket.id }));
    } else if (statusChanged) {
      send(refreshCard.make(queue, { ticketId: ticket.id }, { coalesceKey: `card:${ticket.id}` }));
    }
    // A new topic is created with the right name. Otherwise rename when the
    // status changed (a rename already queued may carry the old one) or the
    // user renamed themselves; the job reads the state when it runs, so a
    // burst costs one rename.
    const expectedName = topicName('WAITING', msg.from, categoryTag(desk, categoryId));
    if (!newTopic && (statusChanged || newTicket || (topic.threadId !== null && expectedName !== topic.name))) {
      send(syncTopicName.make(queue, { userId }, { coalesceKey: `name:${userId}` }));
    }
    // A user who writes has evidently unblocked the bot.
    if (user.blocked && (await store.setUserBlocked(userId, false))) send(noticeToTopic(userId, desk.managerTexts.userIsBack));

    // The comment on a low rating the user was asked for: kept with the rating, and relayed as usual.
    if (user.ratingCommentFor !== null) {
      await takeRatingComment(desk, store, send, {
        userId,
        ticketId: user.ratingCommentFor,
        comment: msg.content?.text ?? `[${msg.kind}]`,
        languageCode: user.languageCode,
      });
    }
    // A reply to a broadcast: the managers see which one, before the copy.
    if (msg.replyToMessageId !== undefined) await quoteBroadcast(desk, store, send, userId, msg.replyToMessageId);
    const message = await store.addMessage(inboundRow(msg, ticket.id));
    // At the user's pace: a flood is slowed (domain/flood.ts).
    for (const job of copyIntoTopic(desk, { userId, messageRowId: message.id, mediaGroupId: msg.mediaGroupId, now, pace })) send(job);
    if (msg.content?.text) {
      await answerAutomatically(desk, store, send, {
        userId,
        firstName: msg.from.first_name,
        ticketId: ticket.id,
        messageRowId: message.id,
        text: msg.content.text,
        firstOfTicket: newTicket,
        now,
      });
    }
    return { outcome: 'queued', ticketId: ticket.id, messageId: message.id } as const;
  });
  if (result.outcome !== 'duplicate') desk.flood.commit(pace);
  // A new ticket, or one back to waiting: the queue board shows it soon.
  if (queueChanged) desk.queueChanged();
  return result;
}
