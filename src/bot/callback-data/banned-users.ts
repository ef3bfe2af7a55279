// The /settings screen of banned users: show the list, or lift one user's
// ban. Every press is checked for admin rights before it acts, whatever the
// data says; a user id that is not banned (any more) changes nothing.
import { z } from 'zod';
import { createCallbackCodec } from './codec.js';

export const bannedUsersData = createCallbackCodec(
  'banned',
  z.object({
    action: z.enum(['list', 'unban']),
    /** 0 for the list. Telegram user ids fit in 52 bits. */
    userId: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  }),
);
