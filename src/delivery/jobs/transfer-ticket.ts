// A ticket moved to a category with its own group: its new topic there is
// shown where it came from and the ticket's last messages, and the old topic
// says where the conversation went. Managers in either group see the whole
// story; nothing has to be retold.
import { z } from 'zod';
import { escapeHtml } from '../../lib/html.js';
import { DeliveryError, type Place } from '../courier.js';
import { defineJob, idSchema } from './job.js';

/** How many of the ticket's messages the new topic is shown. */
const CARRIED_MESSAGES = 10;

/** A link to a forum topic (works for members of that group). */
export function topicLink(chatId: number, threadId: number): string {
  return `https://t.me/c/${String(-chatId).replace(/^100/, '')}/${threadId}`;
}

export const transferTicket = defineJob(
  'transferTicket',
  z.object({
    userId: idSchema,
    ticketId: idSchema,
    /** The topic the ticket moved to. */
    toTopicId: idSchema,
    fromChatId: z.number().int(),
    fromThreadId: z.number().int().positive().nullable(),
  }),
  async (p, { desk, topics }) => {
    const t = desk.managerTexts;
    // Moved on again since (a quick change of mind): the later move tells its own story.
    const ticket = await desk.store.ticket(p.ticketId);
    if (ticket?.topicId !== p.toTopicId) return;
    const messages = await desk.store.lastMessagesOfTicket(p.ticketId, CARRIED_MESSAGES);
    const from = p.fromThreadId === null ? null : topicLink(p.fromChatId, p.fromThreadId);
    const header = t.movedHere(p.ticketId, from ? `<a href="${escapeHtml(from)}">${escapeHtml(t.previousTopic)}</a>` : null, messages.length);
    const to = await topics.intoTopic(p.userId, async (at) => {
      await desk.courier.post(at, { html: header });
      return at;
    });
    for (const m of messages) {
      const source: Place | null =
        m.direction === 'INBOUND' && m.userChatMessageId !== null
          ? { chat: 'user', userId: p.userId }
          : m.topicMessageId !== null && m.topicChatId !== null
            ? { chat: 'support', chatId: Number(m.topicChatId) }
            : null;
      const id = m.direction === 'INBOUND' ? m.userChatMessageId : m.topicMessageId;
      if (!source || id === null) continue;
      try {
        await desk.courier.copy(source, [id], to);
      } catch (error) {
        // A message deleted since cannot be shown again; the rest still can.
        if (error instanceof DeliveryError && !error.transient && error.failure !== 'thread-missing') continue;
        throw error;
      }
    }
    if (p.fromThreadId !== null) {
      const old = { chat: 'support' as const, chatId: p.fromChatId, threadId: p.fromThreadId };
      try {
        await desk.courier.post(old, {
          html: t.movedAway(p.ticketId, `<a href="${escapeHtml(topicLink(to.chatId, to.threadId))}">${escapeHtml(t.newTopic)}</a>`),
        });
        // Closed, so its name (still the ticket's old status) does not sit among the open ones; the user's next ticket there reopens it.
        await desk.courier.closeTopic(old);
      } catch (error) {
        // The old topic was deleted meanwhile: nobody is left there to tell.
        if (!(error instanceof DeliveryError && error.failure === 'thread-missing')) throw error;
        return;
      }
      return { record: (tx) => [tx.topic.updateMany({ where: { chatId: BigInt(old.chatId), threadId: old.threadId }, data: { closed: true } })] };
    }
  },
);
