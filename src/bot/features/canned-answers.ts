// Canned answers from the managers' side: /save <name> in reply to any
// message keeps it; /a <name> in a user's topic sends it to the user (a
// partial or unknown name offers the matching ones as buttons). Every
// manager of the group may do both; renaming and deleting are for the
// admins, in /settings.
import { Composer } from 'grammy';
import type { InlineKeyboardMarkup, Message } from 'grammy/types';
import { answerManager, editInTopic, offerInTopic } from '../../domain/answers.js';
import { ANSWER_NAME_MAX, findAnswers, parseAnswerName, saveCannedAnswer, sendCannedAnswer, type AnswerRef } from '../../domain/canned-answers.js';
import { displayName } from '../../domain/people.js';
import { escapeHtml } from '../../lib/html.js';
import { cannedPickData } from '../callback-data/answers.js';
import type { Context } from '../context.js';
import { threadOf } from '../conversation.js';
import { isManagerInUserTopic } from '../filters/manager-in-user-topic.js';
import { contentOf, isServiceMessage, messageKind } from '../message-kind.js';
import { explicitReplyTo } from './manager-replies.js';

export const cannedAnswers = new Composer<Context>();
// Users' own /save or /a are just messages to support: only the support groups are served here.
const inGroup = cannedAnswers.chatType('supergroup');

/** Buttons enough to choose from on a phone; the rest are a more exact name away. */
const PICK_MAX = 30;

inGroup.command('save', async (ctx) => {
  const desk = ctx.desk;
  const t = desk.managerTexts.answers;
  const at = { userId: ctx.conversationUserId, chatId: ctx.chat.id, threadId: threadOf(ctx), replyTo: ctx.msg.message_id };
  if (!ctx.from) return;
  const replied = explicitReplyTo(ctx.msg) !== undefined ? ctx.msg.reply_to_message : undefined;
  if (!replied) return answerManager(desk, at, t.saveHowTo);
  const name = parseAnswerName(ctx.match);
  if (!name) return answerManager(desk, at, t.nameInvalid(ANSWER_NAME_MAX));
  if (isServiceMessage(replied as Message)) return answerManager(desk, at, t.notCopyable);
  const kind = messageKind(replied as Message);
  const result = await saveCannedAnswer(desk, ctx.from, name, { chatId: ctx.chat.id, messageId: replied.message_id, kind, ...contentOf(replied as Message) });
  await answerManager(desk, at, result.outcome === 'saved' ? t.saved(name) : t.taken(name));
});

inGroup.command('a', async (ctx) => {
  const desk = ctx.desk;
  const t = desk.managerTexts.answers;
  if (!isManagerInUserTopic(ctx)) return answerManager(desk, { threadId: threadOf(ctx), replyTo: ctx.msg.message_id }, t.useInTopic);
  const userId = ctx.conversationUserId;
  const found = await findAnswers(desk, ctx.match);
  if (found.exact) {
    const result = await sendCannedAnswer(desk, {
      manager: ctx.from,
      userId,
      chatId: ctx.chat.id,
      messageId: ctx.msg.message_id,
      sentAt: new Date(ctx.msg.date * 1000),
      answerId: found.exact.id,
    });
    ctx.log.debug({ outcome: result.outcome }, 'canned answer');
    return;
  }
  const at = { chatId: ctx.chat.id, replyTo: ctx.msg.message_id };
  if (found.all === 0) return answerManager(desk, { userId, ...at }, t.none);
  const query = ctx.match.trim();
  await offerInTopic(desk, userId, at, escapeHtml(query ? t.notFound(query) : t.pick), pickKeyboard(found.matches));
});

inGroup.callbackQuery(cannedPickData.trigger, async (ctx) => {
  const desk = ctx.desk;
  const t = desk.managerTexts.answers;
  const press = cannedPickData.unpack(ctx.callbackQuery.data);
  const list = ctx.callbackQuery.message;
  // Forged data, or a press outside a user's topic: refused, nothing is sent.
  if (!press || !list || !isManagerInUserTopic(ctx)) {
    await ctx.answerCallbackQuery({ text: desk.managerTexts.buttonOutdated });
    return;
  }
  const result = await sendCannedAnswer(desk, {
    manager: ctx.from,
    userId: ctx.conversationUserId,
    chatId: ctx.chat.id,
    // The list's own id: pressed twice (or by two managers), it still sends once.
    messageId: list.message_id,
    sentAt: new Date(),
    answerId: press.answerId,
  });
  if (result.outcome === 'unknown') {
    await ctx.answerCallbackQuery({ text: t.unknownAnswer });
    return;
  }
  if (result.outcome === 'queued') {
    // The list has served: it becomes a line saying who sent what.
    await editInTopic(
      desk,
      ctx.conversationUserId,
      { chatId: ctx.chat.id, messageId: list.message_id },
      escapeHtml(t.sentBy(result.name, displayName(ctx.from))),
    );
  }
  await ctx.answerCallbackQuery();
});

function pickKeyboard(answers: AnswerRef[]): InlineKeyboardMarkup {
  return { inline_keyboard: answers.slice(0, PICK_MAX).map((a) => [{ text: `📋 ${a.name}`, callback_data: cannedPickData.pack({ answerId: a.id }) }]) };
}
