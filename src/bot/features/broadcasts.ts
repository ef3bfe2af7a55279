// Broadcasts and product surveys (domain/broadcasts.ts). In the main group's
// General topic an admin replies to any message with /broadcast (or
// /broadcast 2026-12-01 10:00 to send it later); the panel's buttons choose
// the audience, attach the NPS question and confirm; the progress message's
// pause, resume and cancel it; /broadcasts lists what is scheduled and under
// way. Only the group's admins act; every press is decoded through its codec
// and must come from that broadcast's own message. Users answer the NPS
// question with its buttons, once.
import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { answerManager, postToGroup } from '../../domain/answers.js';
import { type ListedBroadcast, renderList } from '../../domain/broadcast-text.js';
import { actOnBroadcast, type ActOutcome, answerNps, excerptOf, formatWhen, npsOf, parseWhen, startDraft } from '../../domain/broadcasts.js';
import type { Desk } from '../../domain/desk.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import { sleep } from '../../lib/sleep.js';
import { broadcastData, npsData } from '../callback-data/broadcasts.js';
import type { Context } from '../context.js';
import { threadOf } from '../conversation.js';
import { listKeyboard } from '../keyboards/broadcasts.js';
import { isServiceMessage, messageKind } from '../message-kind.js';

export const broadcasts = new Composer<Context>();

/** /broadcasts shows this many finished ones. */
const RECENT = 5;
/** A press on a message whose id is not recorded yet is tried again this often, for up to 2 s. */
const NOT_YET_WAIT_MS = 200;
const NOT_YET_TRIES = 10;

const inMainGroup = (ctx: Context) => ctx.chat?.id === ctx.config.SUPPORT_CHAT_ID;

broadcasts.command('broadcast', async (ctx, next) => {
  if (!inMainGroup(ctx)) return next();
  const desk = ctx.desk;
  const t = desk.managerTexts.broadcast;
  const threadId = threadOf(ctx);
  const at = { userId: ctx.conversationUserId, chatId: ctx.chat.id, threadId, replyTo: ctx.msg.message_id };
  if (!(await ctx.isAdmin())) return answerManager(desk, at, t.onlyAdmins);
  if (ctx.conversationUserId !== undefined || threadId !== undefined) return answerManager(desk, at, t.notInGeneral);
  const source = ctx.msg.reply_to_message as Message | undefined;
  if (!source || isServiceMessage(source) || !ctx.from) return answerManager(desk, at, t.usage);
  const tz = desk.settings.get('timeZone');
  let scheduledAt: Date | null = null;
  if (ctx.match.trim()) {
    const when = parseWhen(ctx.match, tz, desk.now());
    if ('error' in when) return answerManager(desk, at, when.error === 'past' ? t.timePassed(formatWhen(desk.now(), tz), tz) : t.invalidTime(tz));
    scheduledAt = when.at;
  }
  const id = await startDraft(desk, {
    admin: ctx.from,
    sourceMessageId: source.message_id,
    commandMessageId: ctx.msg.message_id,
    excerpt: excerptOf(source.text ?? source.caption, messageKind(source)),
    scheduledAt,
  });
  ctx.log.info({ broadcast_id: id, scheduled: scheduledAt !== null }, 'broadcast drafted');
});

broadcasts.command('broadcasts', async (ctx, next) => {
  if (!inMainGroup(ctx)) return next();
  const desk = ctx.desk;
  const threadId = threadOf(ctx);
  if (!(await ctx.isAdmin())) {
    return answerManager(
      desk,
      { userId: ctx.conversationUserId, chatId: ctx.chat.id, threadId, replyTo: ctx.msg.message_id },
      desk.managerTexts.broadcast.onlyAdmins,
    );
  }
  const { active, finished } = await listed(desk);
  const html = renderList(desk.managerTexts, desk.settings, desk.settings.get('timeZone'), { active, finished });
  const cancellable = active.map((x) => x.b.id);
  await postToGroup(
    desk,
    { threadId, replyTo: ctx.msg.message_id },
    { html, ...(cancellable.length ? { keyboard: listKeyboard(desk.managerTexts, cancellable) } : {}) },
  );
});

async function listed(desk: Desk): Promise<{ active: ListedBroadcast[]; finished: ListedBroadcast[] }> {
  const { active, finished } = await desk.store.broadcastList(RECENT);
  const answers = await desk.store.npsScores({ broadcastId: { in: finished.map((b) => b.id) } });
  const withCounts = (list: typeof active) =>
    Promise.all(
      list.map(async (b) => ({
        b,
        counts: await desk.store.recipientCounts(b.id),
        nps: npsOf(answers.filter((a) => a.broadcastId === b.id).map((a) => a.score)),
      })),
    );
  return { active: await withCounts(active), finished: await withCounts(finished) };
}

broadcasts.callbackQuery(broadcastData.trigger, async (ctx) => {
  const desk = ctx.desk;
  const press = broadcastData.unpack(ctx.callbackQuery.data);
  const message = ctx.callbackQuery.message;
  // Forged or outdated data, or a press outside the main group: refused, nothing changes.
  if (!press || !message || !inMainGroup(ctx)) {
    await ctx.answerCallbackQuery({ text: desk.managerTexts.buttonOutdated });
    return;
  }
  if (!(await ctx.isAdmin())) {
    await ctx.answerCallbackQuery({ text: desk.managerTexts.broadcast.onlyAdmins, show_alert: true });
    return;
  }
  let result = await actOnBroadcast(desk, { ...press, messageId: message.message_id, admin: ctx.from });
  // The message's id is recorded just after Telegram took it: a press right away can come first.
  for (let attempt = 1; result.outcome === 'notYet' && attempt <= NOT_YET_TRIES; attempt++) {
    await sleep(NOT_YET_WAIT_MS);
    result = await actOnBroadcast(desk, { ...press, messageId: message.message_id, admin: ctx.from });
  }
  ctx.log.info({ broadcast_id: press.broadcastId, action: press.action, outcome: result.outcome }, 'broadcast button');
  await ctx.answerCallbackQuery({ text: answerText(desk, result) });
});

function answerText(desk: Desk, r: ActOutcome): string {
  const a = desk.managerTexts.broadcast.answer;
  switch (r.outcome) {
    case 'audience':
      return a.audience(r.count);
    case 'nps':
      return a.nps(r.on);
    case 'sending':
      return a.sending(r.count);
    case 'forged':
    case 'notYet':
      return desk.managerTexts.buttonOutdated;
    default:
      return a[r.outcome];
  }
}

broadcasts.chatType('private').callbackQuery(npsData.trigger, async (ctx) => {
  const t = textsFor(languageOf(ctx.from.language_code)).broadcast.nps;
  const press = npsData.unpack(ctx.callbackQuery.data);
  const message = ctx.callbackQuery.message;
  if (!press || !message) {
    await ctx.answerCallbackQuery({ text: t.outdated });
    return;
  }
  const outcome = await answerNps(ctx.desk, { userId: ctx.from.id, broadcastId: press.broadcastId, score: press.score, messageId: message.message_id });
  await ctx.answerCallbackQuery({ text: outcome === 'answered' ? t.thanks(press.score) : t[outcome] });
});
