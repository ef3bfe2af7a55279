// Telegram created a topic whose answer never reached us (a crash, a lost
// connection), so the user's topic was created again: the first one is
// empty, and is deleted (see domain/orphan-topics.ts).
import { z } from 'zod';
import { DeliveryError } from '../courier.js';
import { defineJob } from './job.js';

export const checkOrphanTopic = defineJob('checkOrphanTopic', z.object({ threadId: z.number().int().positive() }), async ({ threadId }, { desk, topics }) => {
  if (await desk.store.topicByThread(desk.supportChatId, threadId)) return;
  if (topics.creating) throw new DeliveryError('unavailable', 'a topic is being created; checking again shortly');
  try {
    await desk.courier.deleteTopic(threadId);
    desk.logger.info({ thread_id: threadId }, 'deleted an empty topic left behind by an unanswered topic creation');
  } catch (error) {
    if (!(error instanceof DeliveryError) || error.transient) throw error;
    desk.logger.warn(
      { thread_id: threadId, description: error.description },
      'an empty topic was left behind; give the bot the "Delete messages" right to have it removed',
    );
  }
});
