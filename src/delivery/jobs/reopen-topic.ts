// Reopens a topic a manager closed in Telegram, before the user's next message lands in it.
import { z } from 'zod';
import { defineJob, idSchema } from './job.js';

export const reopenTopic = defineJob('reopenTopic', z.object({ userId: idSchema }), async ({ userId }, { desk, topics }) => {
  await topics.intoTopic(userId, (at) => desk.courier.reopenTopic(at));
});
