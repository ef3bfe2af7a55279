// `/start` in the private chat: a greeting in the user's language. It opens
// no topic: a ticket starts only with a real message (this also keeps spam
// bots that only press Start from flooding the supergroup with topics).
import { Composer } from 'grammy';
import { greetUser } from '../../domain/answers.js';
import { answerBannedStart } from '../../domain/bans.js';
import { languageOf } from '../../i18n/index.js';
import type { Context } from '../context.js';

export const greeting = new Composer<Context>();

greeting.chatType('private').command('start', async (ctx) => {
  // A banned user gets no greeting (domain/bans.ts), only their one notice.
  const user = await ctx.desk.store.user(ctx.from.id);
  if (user?.bannedAt) {
    await answerBannedStart(ctx.desk, ctx.from.id, ctx.from.language_code);
    return;
  }
  await greetUser(ctx.desk, ctx.from.id, languageOf(ctx.from.language_code));
});
