// Edits a message the bot posted: the /settings panel as an admin moves
// through it, a user's category question once they answered it. What to show
// is decided when the job is made; edits of one place go in order, so the
// last press wins.
import { z } from 'zod';
import { DeliveryError, type Place } from '../courier.js';
import { defineJob, idSchema } from './job.js';
import { entitiesSchema, keyboardSchema } from './notice.js';

const content = {
  messageId: z.number().int().positive(),
  html: z.string().optional(),
  text: z.string().optional(),
  entities: entitiesSchema.optional(),
  keyboard: keyboardSchema.optional(),
};

export const editMessage = defineJob(
  'editMessage',
  z.discriminatedUnion('to', [
    z.object({ to: z.literal('group'), chatId: z.number().int().optional(), ...content }),
    z.object({ to: z.literal('user'), userId: idSchema, ...content }),
  ]),
  async (p, { desk }) => {
    const at: Place = p.to === 'group' ? { chat: 'support', ...(p.chatId !== undefined ? { chatId: p.chatId } : {}) } : { chat: 'user', userId: p.userId };
    try {
      await desk.courier.edit(at, p.messageId, {
        ...(p.html !== undefined ? { html: p.html } : {}),
        ...(p.text !== undefined ? { text: p.text } : {}),
        ...(p.entities ? { entities: p.entities } : {}),
        ...(p.keyboard ? { keyboard: p.keyboard } : {}),
      });
    } catch (error) {
      // The message was deleted meanwhile, or the user blocked the bot: there is nothing left to update.
      if (error instanceof DeliveryError && ['not-editable', 'blocked', 'deactivated', 'thread-missing'].includes(error.failure)) {
        desk.logger.info({ failure: error.failure }, 'message not updated');
        return;
      }
      throw error;
    }
  },
);
