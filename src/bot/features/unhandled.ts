// Last in line: whatever no feature took. A button press nobody handled
// (forged data, or a button of a feature that no longer exists) is answered,
// so the manager's spinner stops and they learn the button is stale; the rest
// is logged at debug level (ids only).
import { Composer } from 'grammy';
import { languageOf, textsFor } from '../../i18n/index.js';
import type { Context } from '../context.js';

export const unhandled = new Composer<Context>();

unhandled.on('callback_query', async (ctx) => {
  await ctx.answerCallbackQuery({ text: textsFor(languageOf(ctx.from.language_code)).buttonOutdated });
});

unhandled.use((ctx) => {
  ctx.log.debug({ chat_id: ctx.chat?.id, kinds: Object.keys(ctx.update).filter((k) => k !== 'update_id') }, 'update not handled');
});
