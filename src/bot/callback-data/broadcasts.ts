// Broadcasts' buttons. The admins' (`bc`): an action, the broadcast, and an
// argument (an audience's code, or nothing); every press is checked for
// admin rights and for coming from that broadcast's own message before it
// acts. The users' (`nps`): the broadcast and the score, 0 to 10.
import { z } from 'zod';
import { createCallbackCodec, rowId } from './codec.js';

export const broadcastActions = ['aud', 'nps', 'ok', 'no', 'pause', 'resume', 'stop', 'drop'] as const;

export const broadcastData = createCallbackCodec(
  'bc',
  z.object({
    action: z.enum(broadcastActions),
    broadcastId: rowId,
    arg: z.string().regex(/^[a-z0-9]{0,12}$/),
  }),
);

export const npsData = createCallbackCodec('nps', z.object({ broadcastId: rowId, score: z.coerce.number().int().min(0).max(10) }));
