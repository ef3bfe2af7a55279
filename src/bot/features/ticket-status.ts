// Managers change a ticket's status with the card's buttons, or resolve the
// current ticket with /close inside the topic.
import { Composer } from 'grammy';
import { answerManager } from '../../domain/answers.js';
import { isSupportGroup } from '../../domain/desk.js';
import { changeTicketStatus, type StatusChangeResult } from '../../domain/ticket-status.js';
import { languageOf, textsFor, type Texts } from '../../i18n/index.js';
import { ticketStatusData } from '../callback-data/ticket-status.js';
import type { Context } from '../context.js';
import { isManagerInUserTopic } from '../filters/manager-in-user-topic.js';

export const ticketStatus = new Composer<Context>();

ticketStatus.callbackQuery(ticketStatusData.trigger, async (ctx) => {
  const t = textsFor(languageOf(ctx.from.language_code));
  const request = ticketStatusData.unpack(ctx.callbackQuery.data);
  // Forged or outdated data, a press outside a user's topic of the support group: refused, nothing changes.
  if (!request || !isManagerInUserTopic(ctx)) {
    await ctx.answerCallbackQuery({ text: t.buttonOutdated });
    return;
  }
  const result = await changeTicketStatus(ctx.desk, { ticketId: request.ticketId, to: request.status, manager: ctx.from, userId: ctx.conversationUserId });
  await ctx.answerCallbackQuery({ text: answerText(t, result) });
});

ticketStatus.command('close', async (ctx, next) => {
  if (!isSupportGroup(ctx.desk, ctx.chat.id)) return next();
  const t = ctx.desk.managerTexts;
  const replyTo = ctx.msg.message_id;
  if (!isManagerInUserTopic(ctx)) {
    await answerManager(ctx.desk, { threadId: ctx.msg.is_topic_message ? ctx.msg.message_thread_id : undefined, replyTo }, t.notInTopic);
    return;
  }
  const userId = ctx.conversationUserId;
  const ticket = await ctx.desk.store.latestTicket(userId);
  if (!ticket) {
    await answerManager(ctx.desk, { userId, chatId: ctx.chat.id, replyTo }, t.unknownTicket);
    return;
  }
  const result = await changeTicketStatus(ctx.desk, { ticketId: ticket.id, to: 'RESOLVED', manager: ctx.from, userId });
  await answerManager(ctx.desk, { userId, chatId: ctx.chat.id, replyTo }, answerText(t, result));
});

function answerText(t: Texts, result: StatusChangeResult): string {
  switch (result.outcome) {
    case 'changed':
      return t.statusChanged(t.statusName[result.status]);
    case 'unchanged':
      return t.statusUnchanged(t.statusName[result.status]);
    case 'old-ticket':
      return t.oldTicket;
    case 'unknown-ticket':
      return t.unknownTicket;
  }
}
