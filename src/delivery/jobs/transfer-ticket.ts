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
  z.object({ userId: idSchema, ticketId: idSchema, fromChatId: z.number().int(), fromThreadId: z.number().int().positive().nullable() }),
  async (p, { desk, topics }) => {
    const t = desk.managerTexts;
    const messages = await desk.store.lastMessagesOfTicket(p.ticketId, CARRIED_MESSAGES);
    const to = await topics.topicOf(p.userId);
    const from = p.fromThreadId === null ? null : topicLink(p.fromChatId, p.fromThreadId);
    await desk.courier.post(to, {
      html: t.movedHere(p.ticketId, from ? `<a href="${escapeHtml(from)}">${escapeHtml(t.previousTopic)}</a>` : null, messages.length),
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
      } catch (error) {
        // The old topic was deleted meanwhile: nobody is left there to tell.
        if (!(error instanceof DeliveryError && error.failure === 'thread-missing')) throw error;
      }
    }
  },
);
