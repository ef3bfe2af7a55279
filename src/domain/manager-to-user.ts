// A manager's reply travels from the user's topic to the user. This is the
// decision: record who answered and when, move a waiting ticket into work
// (📝), and queue the copy in the user's outbox queue, in one transaction.
// delivery/jobs/copy-to-user.ts sends it (and tells the managers if it cannot).
import { decide, topicQueue, userQueue, type Desk } from './desk.js';
import { copyToUser } from '../delivery/jobs/copy-to-user.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import { syncTopicName } from '../delivery/jobs/sync-topic-name.js';
import { markSeen } from './reactions.js';
import { languageOf, textsFor } from '../i18n/index.js';
import type { Person } from './people.js';
import type { MessageContent } from './transcript.js';
import type { TicketStatus } from './status.js';
import type { Store } from '../db/queries/index.js';
import type { NewJob } from '../delivery/outbox.js';

export interface ManagerReply {
  manager: Person;
  /** Whose topic the reply was written in. */
  userId: number;
  /** The group it was written in (the main one, or a category's). */
  chatId: number;
  messageId: number;
  sentAt: Date;
  kind: string;
  mediaGroupId?: string | undefined;
  /** An explicit reply to a message in the topic (not the implicit reply to the topic's creation). */
  replyToMessageId?: number | undefined;
  /** What it says: stored for the transcript, and what a signature goes under. */
  content?: MessageContent | undefined;
}

export type ManagerRelayOutcome = { outcome: 'queued'; messageId: number } | { outcome: 'duplicate' };

export async function relayManagerReply(desk: Desk, reply: ManagerReply): Promise<ManagerRelayOutcome> {
  const userId = reply.userId;
  let taken = false;
  const result = await decide(desk, async (store, send, retry) => {
    taken = false;
    // As for users' messages: a re-sent update fails on the unique key, and the retry finds the row.
    if (retry && (await store.messageInTopic(userId, reply.chatId, reply.messageId))) return { outcome: 'duplicate' } as const;
    const now = desk.now();
    await store.touchManager(reply.manager, now);
    const ticket = await store.latestTicket(userId);
    const message = await store.addMessage({
      ticketId: ticket?.id ?? null,
      userId,
      direction: 'OUTBOUND',
      managerId: reply.manager.id,
      userChatMessageId: null,
      topicMessageId: reply.messageId,
      topicChatId: reply.chatId,
      kind: reply.kind,
      sentAt: reply.sentAt,
      mediaGroupId: reply.mediaGroupId,
      replyToSourceId: reply.replyToMessageId,
      content: reply.content,
    });
    const signed = desk.settings.get('signature') && !reply.mediaGroupId ? await signedText(store, reply) : undefined;
    send(
      copyToUser.make(
        userQueue(userId),
        { messageId: message.id, ...(signed ? { signed } : {}) },
        reply.mediaGroupId ? { coalesceKey: `album:out:${userId}:${reply.mediaGroupId}`, notBefore: new Date(now.getTime() + desk.albumWaitMs) } : {},
      ),
    );
    if (ticket) taken = await takeTicket(desk, store, send, ticket, reply.manager.id, userId, now);
    return { outcome: 'queued', messageId: message.id } as const;
  });
  if (taken) desk.queueChanged();
  return result;
}

/**
 * A manager's answer (a reply, or a canned answer) is the ticket's first
 * response if none came yet, and moves a waiting ticket into work (📝) under
 * that manager; the user sees 👀 on their message then. From now the
 * ticket waits for the user (auto-close counts their silence from here).
 * True when it moved into work (the queue board then has news).
 */
export async function takeTicket(
  desk: Desk,
  store: Store,
  send: (job: NewJob) => void,
  ticket: { id: number; status: TicketStatus },
  managerId: number,
  userId: number,
  now: Date,
): Promise<boolean> {
  await store.markFirstResponse(ticket.id, managerId, now);
  await store.markAwaitingUser(ticket.id, now);
  if (ticket.status === 'WAITING' && (await store.changeStatus(ticket.id, 'WAITING', 'IN_WORK', managerId, now))) {
    send(syncTopicName.make(topicQueue(userId), { userId }, { coalesceKey: `name:${userId}` }));
    send(refreshCard.make(topicQueue(userId), { ticketId: ticket.id }, { coalesceKey: `card:${ticket.id}` }));
    await markSeen(desk, store, send, ticket.id, userId);
    return true;
  }
  return false;
}

/**
 * The reply's text (or caption) with the manager's first name under it, when
 * the admins want replies signed. A message without text or caption (a
 * sticker cannot carry one, and a bare name under a photo reads oddly), and
 * one the signature would push past Telegram's limit, goes unsigned; so does
 * an album (its caption rides on one item of several).
 */
async function signedText(store: Store, reply: ManagerReply) {
  const said = reply.content;
  if (said?.text === undefined) return undefined;
  const user = await store.user(reply.userId);
  const line = textsFor(languageOf(user?.languageCode)).signature.sign(reply.manager.first_name);
  const text = `${said.text}\n\n${line}`;
  if (text.length > (said.caption ? 1024 : 4096)) return undefined;
  return { type: said.caption ? ('caption' as const) : ('text' as const), text, ...(said.entities?.length ? { entities: said.entities } : {}) };
}
