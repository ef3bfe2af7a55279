// Telegram created a topic whose answer never reached us (a crash, a lost
// connection), so the user's topic was created again: the first one is
// empty, and is deleted (see domain/orphan-topics.ts).
import { z } from 'zod';
import { DeliveryError } from '../courier.js';
import { defineJob } from './job.js';

export const checkOrphanTopic = defineJob(
  'checkOrphanTopic',
  // Jobs written before groups per category carry no chatId: they are the main group's.
  z.object({ threadId: z.number().int().positive(), chatId: z.number().int().optional() }),
  async (p, { desk, topics }) => {
    const chatId = p.chatId ?? desk.supportChatId;
    const threadId = p.threadId;
    if (await desk.store.topicByThread(chatId, threadId)) return;
    if (topics.creating) throw new DeliveryError('unavailable', 'a topic is being created; checking again shortly');
    try {
      await desk.courier.deleteTopic({ chat: 'support', chatId, threadId });
      desk.logger.info({ chat_id: chatId, thread_id: threadId }, 'deleted an empty topic left behind by an unanswered topic creation');
    } catch (error) {
      if (!(error instanceof DeliveryError) || error.transient) throw error;
      desk.logger.warn(
        { chat_id: chatId, thread_id: threadId, description: error.description },
        'an empty topic was left behind; give the bot the "Delete messages" right to have it removed',
      );
    }
  },
);
