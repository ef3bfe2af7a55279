// Request categories in use: the user picks one (on the greeting, or on the
// question their new ticket's first message gets); a manager sets or changes
// it from the card's 🗂 button.
import { Composer } from 'grammy';
import { askTicketCategory, editInTopic } from '../../domain/answers.js';
import { categoryLabel, managerSetsCategory, userPicksCategory } from '../../domain/categories.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import { escapeHtml } from '../../lib/html.js';
import { ticketCategoryData, userPickData } from '../callback-data/categories.js';
import type { Context } from '../context.js';
import { isManagerInUserTopic } from '../filters/manager-in-user-topic.js';
import { ticketCategoryKeyboard } from '../keyboards/categories.js';

export const categories = new Composer<Context>();

categories.chatType('private').callbackQuery(userPickData.trigger, async (ctx) => {
  const t = textsFor(languageOf(ctx.from.language_code));
  const pick = userPickData.unpack(ctx.callbackQuery.data);
  if (!pick) {
    await ctx.answerCallbackQuery({ text: t.categoryOutdated });
    return;
  }
  const result = await userPicksCategory(ctx.desk, {
    user: ctx.from,
    ticketId: pick.ticketId,
    categoryId: pick.categoryId,
    // The greeting keeps its buttons (the user may change their mind); the question is answered once.
    questionMessageId: pick.ticketId !== 0 ? ctx.callbackQuery.message?.message_id : undefined,
  });
  await ctx.answerCallbackQuery({ text: result.outcome === 'refused' ? t.categoryOutdated : t.categoryChosen(categoryLabel(result.category)) });
});

categories.callbackQuery(ticketCategoryData.trigger, async (ctx) => {
  const mt = ctx.desk.managerTexts;
  const press = ticketCategoryData.unpack(ctx.callbackQuery.data);
  const message = ctx.callbackQuery.message;
  if (!press || !message || !isManagerInUserTopic(ctx)) {
    await ctx.answerCallbackQuery({ text: textsFor(languageOf(ctx.from.language_code)).buttonOutdated });
    return;
  }
  const userId = ctx.conversationUserId;
  if (press.categoryId === 0) {
    const ticket = await ctx.desk.store.ticket(press.ticketId);
    if (!ticket || Number(ticket.userId) !== userId) {
      await ctx.answerCallbackQuery({ text: mt.unknownTicket });
      return;
    }
    await askTicketCategory(
      ctx.desk,
      userId,
      escapeHtml(mt.chooseTicketCategory(press.ticketId)),
      ticketCategoryKeyboard(ctx.desk.settings.activeCategories(), press.ticketId, ticket.categoryId),
    );
    await ctx.answerCallbackQuery();
    return;
  }
  const result = await managerSetsCategory(ctx.desk, { manager: ctx.from, userId, ticketId: press.ticketId, categoryId: press.categoryId });
  if (result.outcome === 'refused') {
    await ctx.answerCallbackQuery({ text: mt.buttonOutdated });
    return;
  }
  // The list has served: it becomes a plain line, so nobody presses an old choice later.
  await editInTopic(ctx.desk, userId, { chatId: ctx.chat.id, messageId: message.message_id }, escapeHtml(mt.categorySet(categoryLabel(result.category))));
  await ctx.answerCallbackQuery({ text: mt.categorySet(categoryLabel(result.category)) });
});
