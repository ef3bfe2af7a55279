// Managers change a ticket's status with the card's buttons, or resolve the
// current ticket with /close inside the topic.
import { Composer } from 'grammy';
import { parseStatusCallback } from '../../domain/card.js';
import { changeTicketStatus, type StatusChangeResult } from '../../domain/ticket-status.js';
import { languageOf, textsFor, type Texts } from '../../i18n/index.js';
import type { Context } from '../context.js';

export const ticketStatus = new Composer<Context>();

ticketStatus.callbackQuery(/^status:/, async (ctx) => {
  const t = textsFor(languageOf(ctx.from.language_code));
  const request = parseStatusCallback(ctx.callbackQuery.data);
  if (ctx.chat?.id !== ctx.config.SUPPORT_CHAT_ID || !request) {
    await ctx.answerCallbackQuery({ text: t.unknownTicket });
    return;
  }
  const result = await changeTicketStatus(ctx.desk, { ticketId: request.ticketId, to: request.status, manager: ctx.from });
  await ctx.answerCallbackQuery({ text: answerText(t, result) });
});

ticketStatus.command('close', async (ctx, next) => {
  if (ctx.chat.id !== ctx.config.SUPPORT_CHAT_ID) return next();
  const threadId = ctx.msg.is_topic_message ? ctx.msg.message_thread_id : undefined;
  const topic = threadId === undefined ? null : await ctx.desk.store.topicByThread(ctx.chat.id, threadId);
  const ticket = topic ? await ctx.desk.store.latestTicket(Number(topic.userId)) : null;
  const t = ctx.desk.managerTexts;
  const replyTo = { reply_parameters: { message_id: ctx.msg.message_id } };
  if (!ticket || !ctx.from) {
    await ctx.reply(t.notInTopic, replyTo);
    return;
  }
  const result = await changeTicketStatus(ctx.desk, { ticketId: ticket.id, to: 'RESOLVED', manager: ctx.from });
  await ctx.reply(answerText(t, result), replyTo);
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
