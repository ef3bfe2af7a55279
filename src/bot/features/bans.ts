// Any manager bans or unbans the user of a topic: /ban [reason] and /unban
// in the topic, or the card's 🚫 Ban / ✅ Unban button. What a ban does is
// domain/bans.ts; here is who may, and the answers.
import { Composer } from 'grammy';
import { answerManager } from '../../domain/answers.js';
import { banUser, cleanReason, type BanInfo, type BanResult, type UnbanResult, unbanUser } from '../../domain/bans.js';
import { isSupportGroup } from '../../domain/desk.js';
import { formatStamp } from '../../domain/working-hours.js';
import { languageOf, textsFor, type Texts } from '../../i18n/index.js';
import { banData } from '../callback-data/ban.js';
import type { Context } from '../context.js';
import { isManagerInUserTopic } from '../filters/manager-in-user-topic.js';
import { isGroupMember } from '../members.js';

export const bans = new Composer<Context>();

for (const action of ['ban', 'unban'] as const) {
  bans.command(action, async (ctx, next) => {
    if (!isSupportGroup(ctx.desk, ctx.chat.id)) return next();
    const t = ctx.desk.managerTexts;
    const replyTo = ctx.msg.message_id;
    if (!isManagerInUserTopic(ctx)) {
      await answerManager(ctx.desk, { threadId: ctx.msg.is_topic_message ? ctx.msg.message_thread_id : undefined, replyTo }, t.ban.notInTopic);
      return;
    }
    // Someone who is not in the group (a public group lets strangers write) gets no answer at all.
    if (!(await isGroupMember(ctx))) {
      ctx.log.info({ from: ctx.from.id }, 'ban command from a non-member ignored');
      return;
    }
    const userId = ctx.conversationUserId;
    const at = { chatId: ctx.chat.id, replyTo };
    const result =
      action === 'ban'
        ? await banUser(ctx.desk, { userId, manager: ctx.from, reason: cleanReason(ctx.match), at })
        : await unbanUser(ctx.desk, { userId, manager: ctx.from, at });
    // A ban or unban that happened is answered by its line in the topic.
    if (result.outcome === 'banned' || result.outcome === 'unbanned') return;
    await answerManager(ctx.desk, { userId, chatId: ctx.chat.id, replyTo }, answerText(t, ctx.desk.settings.get('timeZone'), result));
  });
}

bans.callbackQuery(banData.trigger, async (ctx) => {
  const t = textsFor(languageOf(ctx.from.language_code));
  const press = banData.unpack(ctx.callbackQuery.data);
  // Forged data, a press outside a user's topic, or by someone not in the group: refused, nothing changes.
  if (!press || !isManagerInUserTopic(ctx) || !(await isGroupMember(ctx))) {
    await ctx.answerCallbackQuery({ text: t.buttonOutdated });
    return;
  }
  const userId = ctx.conversationUserId;
  // The card must be of this topic's user (a forged ticket id is not).
  const ticket = await ctx.desk.store.ticket(press.ticketId);
  if (!ticket || Number(ticket.userId) !== userId) {
    await ctx.answerCallbackQuery({ text: t.buttonOutdated });
    return;
  }
  const at = { chatId: ctx.chat.id };
  const result =
    press.action === 'ban'
      ? await banUser(ctx.desk, { userId, manager: ctx.from, reason: null, at })
      : await unbanUser(ctx.desk, { userId, manager: ctx.from, at });
  await ctx.answerCallbackQuery({ text: answerText(t, ctx.desk.settings.get('timeZone'), result) });
});

function answerText(t: Texts, timeZone: string, result: BanResult | UnbanResult): string {
  switch (result.outcome) {
    case 'banned':
      return t.ban.done;
    case 'unbanned':
      return t.ban.undone;
    case 'already':
      return t.ban.already(result.ban.by, stamp(result.ban, timeZone));
    case 'not-banned':
      return t.ban.notBanned;
    case 'unknown-user':
      return t.buttonOutdated;
  }
}

const stamp = (ban: BanInfo, timeZone: string) => `${formatStamp(ban.at, timeZone)} ${timeZone}`;
