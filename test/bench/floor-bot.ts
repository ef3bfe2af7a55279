// The floor of the relay benchmark: the least a grammY bot on @grammyjs/runner
// can do for one user message. No database, no outbox, no ordering, no retry:
// every private message becomes one copyMessage into a fixed thread of the
// supergroup (a topic created at start).
//   BOT_TOKEN=… TELEGRAM_API_ROOT=… SUPPORT_CHAT_ID=… node --import tsx test/bench/floor-bot.ts
import { run } from '@grammyjs/runner';
import { Bot } from 'grammy';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`floor-bot: ${name} is required\n`);
    process.exit(1);
  }
  return value;
}

const token = required('BOT_TOKEN');
const apiRoot = required('TELEGRAM_API_ROOT');
const supportChatId = Number(required('SUPPORT_CHAT_ID'));

const bot = new Bot(token, { client: { apiRoot } });
await bot.init();
const { message_thread_id: threadId } = await bot.api.createForumTopic(supportChatId, 'bench floor');

bot.chatType('private').on('message', async (ctx) => {
  await ctx.api.copyMessage(supportChatId, ctx.chat.id, ctx.message.message_id, { message_thread_id: threadId });
});
bot.catch((err) => process.stderr.write(`floor-bot: update ${err.ctx.update.update_id} failed: ${String(err.error)}\n`));

const runner = run(bot);
process.stdout.write('polling for updates\n');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void (runner.isRunning() ? runner.stop() : Promise.resolve()).finally(() => process.exit(0));
  });
}
