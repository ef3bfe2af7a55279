// The user did not pick a category in time: the default applies (see
// domain/categories.ts), which may move the ticket to the category's group.
import { z } from 'zod';
import { applyDefaultCategory } from '../../domain/categories.js';
import { defineJob, idSchema } from './job.js';

export const defaultCategory = defineJob('defaultCategory', z.object({ ticketId: idSchema, userId: idSchema }), async ({ ticketId, userId }, { desk }) => {
  // A decision of its own: run again after a crash, it finds the category set and does nothing.
  await applyDefaultCategory(desk, ticketId, userId);
});
