// Posts a new ticket's card at the top of its part of the topic.
import { z } from 'zod';
import { ticketQueries } from '../../db/queries/tickets.js';
import { cardMessage } from './card-message.js';
import { defineJob, idSchema } from './job.js';

export const postCard = defineJob('postCard', z.object({ ticketId: idSchema }), async ({ ticketId }, { desk, topics }) => {
  const ticket = await desk.store.ticket(ticketId);
  if (!ticket) return;
  const card = await cardMessage(desk, ticketId);
  const cardId = await topics.intoTopic(Number(ticket.userId), async (at) => {
    const now = await desk.store.ticket(ticketId);
    // The ticket moved to another group's topic since (its category): the
    // move queued a card of its own there, after the process learns of it.
    if (!now || Number(now.topic.chatId) !== at.chatId) return undefined;
    // A topic re-created since this job was queued (the old one was deleted) already got this ticket's card, saying so.
    return now.cardMessageId ?? desk.courier.post(at, card);
  });
  if (cardId === undefined) return;
  // Only while the ticket is still in that topic.
  return { record: (tx) => [ticketQueries(tx).setCardMessage(ticketId, cardId, ticket.topicId)] };
});
