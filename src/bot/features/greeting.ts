// `/start` in the private chat: a greeting in the user's language. It opens
// no topic: a ticket starts only with a real message (this also keeps spam
// bots that only press Start from flooding the supergroup with topics).
import { Composer } from 'grammy';
import type { Config } from '../../config.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import type { Context } from '../context.js';

export const greeting = new Composer<Context>();

greeting.chatType('private').command('start', async (ctx) => {
  const language = languageOf(ctx.from.language_code);
  await ctx.reply(greetingText(ctx.config, language));
});

export function greetingText(config: Config, language: 'ru' | 'en'): string {
  const custom = language === 'en' ? config.GREETING_EN : config.GREETING_RU;
  return custom || textsFor(language).greeting;
}
