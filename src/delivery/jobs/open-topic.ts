// Creates a new user's forum topic in the support supergroup.
import { z } from 'zod';
import { defineJob, idSchema } from './job.js';

export const openTopic = defineJob('openTopic', z.object({ userId: idSchema, moved: z.boolean().optional() }), async ({ userId, moved }, { topics }) => {
  // After a move to another group, the current topic is read anew.
  await topics.topicOf(userId, moved ? { reload: true } : {});
});
