// A user blocks or unblocks the bot: Telegram says so with my_chat_member in
// the private chat. The flag stays current and managers see a notice.
import { Composer } from 'grammy';
import { userBlockedBot } from '../../domain/membership.js';
import type { Context } from '../context.js';

export const membership = new Composer<Context>();

membership.chatType('private').on('my_chat_member', async (ctx) => {
  const status = ctx.myChatMember.new_chat_member.status;
  if (status === 'kicked') await userBlockedBot(ctx.desk, ctx.chat.id, true);
  else if (status === 'member') await userBlockedBot(ctx.desk, ctx.chat.id, false);
});
