// /assign in a user's topic: as a reply to a colleague's message, the ticket
// is theirs; alone, the managers who answered lately are offered as buttons.
import { Composer } from 'grammy';
import type { InlineKeyboardMarkup, User } from 'grammy/types';
import { answerManager, editInTopic, offerInTopic } from '../../domain/answers.js';
import { assignTicket, recentManagers, type AssignOutcome } from '../../domain/assignment.js';
import type { Texts } from '../../i18n/index.js';
import { escapeHtml } from '../../lib/html.js';
import { assignData, assignListData } from '../callback-data/assign.js';
import type { Context } from '../context.js';
import { threadOf } from '../conversation.js';
import { isManagerInUserTopic } from '../filters/manager-in-user-topic.js';
import { explicitReplyTo } from './manager-replies.js';

export const assignment = new Composer<Context>();
const inGroup = assignment.chatType('supergroup');

inGroup.command('assign', async (ctx) => {
  const desk = ctx.desk;
  const t = desk.managerTexts;
  if (!isManagerInUserTopic(ctx)) return answerManager(desk, { threadId: threadOf(ctx), replyTo: ctx.msg.message_id }, t.assign.notInTopic);
  const userId = ctx.conversationUserId;
  const colleague = explicitReplyTo(ctx.msg) !== undefined ? ctx.msg.reply_to_message?.from : undefined;
  // A reply to a person's message names them; a reply to the bot's (a user's message copy) does not.
  if (colleague && isPerson(colleague, ctx.me.id)) {
    const result = await assignTicket(desk, { by: ctx.from, userId, chatId: ctx.chat.id, to: colleague });
    if (result.outcome !== 'assigned') await answerManager(desk, { userId, chatId: ctx.chat.id, replyTo: ctx.msg.message_id }, outcomeText(t, result));
    return;
  }
  await offerManagers(desk, userId, { chatId: ctx.chat.id, replyTo: ctx.msg.message_id });
});

// The card's «👤 Assign»: the same list, under the card.
inGroup.callbackQuery(assignListData.trigger, async (ctx) => {
  const desk = ctx.desk;
  const press = assignListData.unpack(ctx.callbackQuery.data);
  const card = ctx.callbackQuery.message;
  const ticket = press ? await desk.store.ticket(press.ticketId) : null;
  // Forged data, a card of another user's topic, or a press outside a user's topic: nothing is offered.
  if (!press || !card || !isManagerInUserTopic(ctx) || !ticket || Number(ticket.userId) !== ctx.conversationUserId) {
    await ctx.answerCallbackQuery({ text: desk.managerTexts.buttonOutdated });
    return;
  }
  await offerManagers(desk, ctx.conversationUserId, { chatId: ctx.chat.id, replyTo: card.message_id });
  await ctx.answerCallbackQuery();
});

/** The managers who answered lately, as buttons; or how to hand a ticket over when nobody did. */
async function offerManagers(desk: Context['desk'], userId: number, at: { chatId: number; replyTo: number }): Promise<void> {
  const t = desk.managerTexts;
  const managers = await recentManagers(desk);
  if (managers.length === 0) return answerManager(desk, { userId, ...at }, t.assign.nobody);
  const keyboard: InlineKeyboardMarkup = {
    inline_keyboard: managers.map((m) => [{ text: `📝 ${m.name}`, callback_data: assignData.pack({ managerId: m.id }) }]),
  };
  await offerInTopic(desk, userId, at, escapeHtml(t.assign.pick), keyboard);
}

inGroup.callbackQuery(assignData.trigger, async (ctx) => {
  const desk = ctx.desk;
  const t = desk.managerTexts;
  const press = assignData.unpack(ctx.callbackQuery.data);
  const list = ctx.callbackQuery.message;
  if (!press || !list || !isManagerInUserTopic(ctx)) {
    await ctx.answerCallbackQuery({ text: t.buttonOutdated });
    return;
  }
  const result = await assignTicket(desk, { by: ctx.from, userId: ctx.conversationUserId, chatId: ctx.chat.id, to: { id: press.managerId } });
  if (result.outcome === 'assigned') {
    // The list has served: it becomes a plain line.
    await editInTopic(desk, ctx.conversationUserId, { chatId: ctx.chat.id, messageId: list.message_id }, escapeHtml(t.assign.card(result.name)));
  }
  await ctx.answerCallbackQuery({ text: result.outcome === 'assigned' ? t.assign.card(result.name) : outcomeText(t, result) });
});

const isPerson = (u: User, botId: number) => !u.is_bot && u.id !== botId;

function outcomeText(t: Texts, r: AssignOutcome): string {
  switch (r.outcome) {
    case 'assigned':
      return t.assign.card(r.name);
    case 'already':
      return t.assign.already(r.name);
    case 'no-open-ticket':
      return t.assign.noOpenTicket;
    case 'unknown-manager':
      return t.assign.unknownManager;
  }
}
