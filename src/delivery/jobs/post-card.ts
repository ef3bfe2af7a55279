// Posts a new ticket's card at the top of its part of the topic.
import { z } from 'zod';
import { cardMessage } from './card-message.js';
import { defineJob, idSchema } from './job.js';

export const postCard = defineJob('postCard', z.object({ ticketId: idSchema }), async ({ ticketId }, { desk, topics }) => {
  const ticket = await desk.store.ticket(ticketId);
  if (!ticket) return;
  const card = await cardMessage(desk, ticketId);
  // A topic re-created since this job was queued (the old one was deleted) already got this ticket's card, saying so.
  const cardId = await topics.intoTopic(Number(ticket.userId), async (at) => (await desk.store.ticket(ticketId))?.cardMessageId ?? desk.courier.post(at, card));
  return { record: (tx) => [tx.ticket.update({ where: { id: ticketId }, data: { cardMessageId: cardId } })] };
});
