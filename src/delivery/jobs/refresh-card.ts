// Edits a ticket's card after its status changed (the job reads the status
// when it runs, so several quick changes cost one edit).
import { z } from 'zod';
import { DeliveryError } from '../courier.js';
import { cardMessage } from './card-message.js';
import { defineJob, idSchema } from './job.js';

export const refreshCard = defineJob('refreshCard', z.object({ ticketId: idSchema }), async ({ ticketId }, { desk }) => {
  const ticket = await desk.store.ticket(ticketId);
  if (ticket?.cardMessageId == null) return;
  try {
    // The card is in the ticket's topic, in that topic's group.
    await desk.courier.edit({ chat: 'support', chatId: Number(ticket.topic.chatId) }, ticket.cardMessageId, await cardMessage(desk, ticketId));
  } catch (error) {
    // A card a manager deleted is not worth a notice: the topic's name still
    // shows the status. Any other refusal (a parse error in the card, say) is
    // a bug, and fails the job where people see it.
    if (error instanceof DeliveryError && error.failure === 'not-editable') {
      desk.logger.info({ ticket_id: ticketId, description: error.description }, 'card not refreshed: it is gone');
      return;
    }
    throw error;
  }
});
