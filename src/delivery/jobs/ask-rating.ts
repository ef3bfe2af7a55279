// The satisfaction survey goes out a little after a manager resolved the
// ticket, unless by then the user wrote again (the ticket reopened, or a new
// one opened), was surveyed in the last day, blocked the bot or was banned.
// The survey is recorded with the send, so a ticket is surveyed once.
import { z } from 'zod';
import { ratingKeyboard } from '../../bot/keyboards/rating.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import { DeliveryError } from '../courier.js';
import { defineJob, idSchema } from './job.js';

/** At most one survey per user in this time. */
const SURVEY_GAP_MS = 24 * 3_600_000;

export const askRating = defineJob('askRating', z.object({ ticketId: idSchema, userId: idSchema }), async ({ ticketId, userId }, { desk }) => {
  const [latest, user, earlier] = await Promise.all([
    desk.store.latestTicket(userId),
    desk.store.user(userId),
    desk.store.surveySince(userId, new Date(desk.now().getTime() - SURVEY_GAP_MS)),
  ]);
  if (latest?.id !== ticketId || latest.status !== 'RESOLVED' || earlier || !user || user.blocked || user.bannedAt) return;
  const t = textsFor(languageOf(user.languageCode));
  let messageId: number;
  try {
    messageId = await desk.courier.post({ chat: 'user', userId }, { text: t.rating.ask, keyboard: ratingKeyboard(ticketId) });
  } catch (error) {
    if (error instanceof DeliveryError && (error.failure === 'blocked' || error.failure === 'deactivated')) return;
    throw error;
  }
  const now = desk.now();
  return { record: (tx) => [tx.rating.create({ data: { ticketId, userId: BigInt(userId), sentAt: now, messageId } })] };
});
