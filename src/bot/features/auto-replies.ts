// The user's verdict on an automatic answer: «this solved it» resolves the
// ticket (recorded as resolved by an auto-reply), «I still need a person»
// leaves it waiting and tells the managers. The rules themselves are set in
// /settings (bot/settings/answers.ts); matching is in domain/auto-replies.ts.
import { Composer } from 'grammy';
import { userJudgesAutoReply } from '../../domain/auto-replies.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import { autoReplyVerdictData } from '../callback-data/answers.js';
import type { Context } from '../context.js';

export const autoReplies = new Composer<Context>();

autoReplies.chatType('private').callbackQuery(autoReplyVerdictData.trigger, async (ctx) => {
  const t = textsFor(languageOf(ctx.from.language_code)).answers;
  const press = autoReplyVerdictData.unpack(ctx.callbackQuery.data);
  const message = ctx.callbackQuery.message;
  // Forged data, or a ticket that is not this user's latest open one: nothing changes.
  if (!press || !message) {
    await ctx.answerCallbackQuery({ text: t.outdated });
    return;
  }
  const outcome = await userJudgesAutoReply(ctx.desk, {
    userId: ctx.from.id,
    ticketId: press.ticketId,
    solved: press.solved === '1',
    messageId: message.message_id,
  });
  await ctx.answerCallbackQuery({ text: outcome === 'resolved' ? t.thanks : outcome === 'waits' ? t.personComing : t.outdated });
});
