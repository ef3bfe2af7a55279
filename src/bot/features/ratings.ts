// The user's answer to a satisfaction survey: one of five buttons.
import { Composer } from 'grammy';
import { rateTicket } from '../../domain/ratings.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import { ratingData } from '../callback-data/rating.js';
import type { Context } from '../context.js';

export const ratings = new Composer<Context>();

ratings.chatType('private').callbackQuery(ratingData.trigger, async (ctx) => {
  const t = textsFor(languageOf(ctx.from.language_code)).rating;
  const press = ratingData.unpack(ctx.callbackQuery.data);
  const message = ctx.callbackQuery.message;
  if (!press || !message) {
    await ctx.answerCallbackQuery({ text: t.outdated });
    return;
  }
  const outcome = await rateTicket(ctx.desk, { userId: ctx.from.id, ticketId: press.ticketId, score: press.score, messageId: message.message_id });
  await ctx.answerCallbackQuery({ text: outcome === 'rated' ? t.thanks(press.score) : t[outcome] });
});
