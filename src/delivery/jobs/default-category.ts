// The user did not pick a category in time: the default applies, unless
// somebody chose one meanwhile (the update is conditional, so a choice made
// at this very moment wins).
import { z } from 'zod';
import { refreshCard } from './refresh-card.js';
import { syncTopicName } from './sync-topic-name.js';
import { defineJob, idSchema } from './job.js';
import { topicQueue } from '../../domain/desk.js';

export const defaultCategory = defineJob('defaultCategory', z.object({ ticketId: idSchema, userId: idSchema }), async ({ ticketId, userId }, { desk }) => {
  const fallback = desk.settings.category(desk.settings.get('defaultCategoryId'));
  const ticket = await desk.store.ticket(ticketId);
  if (!fallback || fallback.archived || !ticket || ticket.categoryId !== null) return;
  return {
    record: (tx) => [tx.ticket.updateMany({ where: { id: ticketId, categoryId: null }, data: { categoryId: fallback.id } })],
    followUps: [
      refreshCard.make(topicQueue(userId), { ticketId }, { coalesceKey: `card:${ticketId}` }),
      syncTopicName.make(topicQueue(userId), { userId }, { coalesceKey: `name:${userId}` }),
    ],
  };
});
