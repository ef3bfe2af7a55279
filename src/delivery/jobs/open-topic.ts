// Creates a new user's forum topic in the support supergroup.
import { z } from 'zod';
import { defineJob, idSchema } from './job.js';

export const openTopic = defineJob('openTopic', z.object({ userId: idSchema }), async ({ userId }, { topics }) => {
  await topics.threadOf(userId);
});
