// The bot's reaction on a message in a user's chat: 👀 once their ticket is
// taken, or a manager's reaction mirrored (null takes it off). A reaction is
// a courtesy: a user who blocked the bot, or a message they deleted, is
// logged and the job is done; only a transient failure is tried again.
import { z } from 'zod';
import { isReactionEmoji } from '../../domain/reaction-emoji.js';
import { DeliveryError } from '../courier.js';
import { defineJob, idSchema } from './job.js';

export const setReaction = defineJob(
  'setReaction',
  z.object({
    userId: idSchema,
    /** The message's id in the user's chat. */
    messageId: idSchema,
    emoji: z.string().refine(isReactionEmoji, 'not an emoji a bot may react with').nullable(),
  }),
  async ({ userId, messageId, emoji }, { desk }) => {
    try {
      await desk.courier.react({ chat: 'user', userId }, messageId, emoji);
    } catch (error) {
      if (error instanceof DeliveryError && !error.transient) {
        desk.logger.info({ user_id: userId, failure: error.failure, description: error.description }, 'reaction not set');
        return;
      }
      throw error;
    }
  },
);
