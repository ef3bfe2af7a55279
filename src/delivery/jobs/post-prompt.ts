// The bot's question to an admin in a settings dialog ("send the new
// greeting as a reply to this message"). Its id is recorded into the dialog
// it was asked for, so that only a reply to this very message is taken as
// the answer: the admin's other messages in General stay theirs.
import { z } from 'zod';
import { defineJob, idSchema } from './job.js';
import { keyboardSchema } from './notice.js';

export const postPrompt = defineJob(
  'postPrompt',
  z.object({
    adminId: idSchema,
    /** The dialog's start, which tells it from a later dialog of the same admin. */
    startedAt: z.iso.datetime(),
    threadId: z.number().int().positive().optional(),
    html: z.string(),
    keyboard: keyboardSchema.optional(),
  }),
  async (p, { desk }) => {
    const id = await desk.courier.post(
      { chat: 'support', ...(p.threadId !== undefined ? { threadId: p.threadId } : {}) },
      { html: p.html, ...(p.keyboard ? { keyboard: p.keyboard } : {}) },
    );
    return {
      record: (tx) => [
        tx.settingsDialog.updateMany({ where: { adminId: BigInt(p.adminId), startedAt: new Date(p.startedAt) }, data: { promptMessageId: id } }),
      ],
    };
  },
);
