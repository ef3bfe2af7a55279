// Last in line: whatever no feature took. Logged at debug level (ids only).
import { Composer } from 'grammy';
import type { Context } from '../context.js';

export const unhandled = new Composer<Context>();

unhandled.use((ctx) => {
  ctx.log.debug({ chat_id: ctx.chat?.id, kinds: Object.keys(ctx.update).filter((k) => k !== 'update_id') }, 'update not handled');
});
