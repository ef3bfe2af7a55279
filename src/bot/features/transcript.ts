// /forget in a user's topic: an admin erases what the desk stored of that
// user's conversation (a user's request under data-protection law, say).
// Only the group's admins may: it cannot be undone.
import { Composer } from 'grammy';
import { answerManager } from '../../domain/answers.js';
import { forgetUser } from '../../domain/transcript.js';
import type { Context } from '../context.js';
import { threadOf } from '../conversation.js';
import { isManagerInUserTopic } from '../filters/manager-in-user-topic.js';

export const transcript = new Composer<Context>();

transcript.chatType('supergroup').command('forget', async (ctx) => {
  const desk = ctx.desk;
  const t = desk.managerTexts.transcript;
  if (!isManagerInUserTopic(ctx)) return answerManager(desk, { threadId: threadOf(ctx), replyTo: ctx.msg.message_id }, t.notInTopic);
  const at = { userId: ctx.conversationUserId, chatId: ctx.chat.id, replyTo: ctx.msg.message_id };
  if (!(await ctx.isAdmin())) return answerManager(desk, at, t.onlyAdmins);
  const erased = await forgetUser(desk, ctx.conversationUserId);
  ctx.log.info({ user_id: ctx.conversationUserId, erased }, 'conversation erased on request');
  await answerManager(desk, at, t.forgotten(erased));
});
