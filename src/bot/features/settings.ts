// /settings: the group's admins configure the desk from Telegram. A panel
// (one message, edited as they move through it) and, for texts, a dialog:
// the bot asks, the admin replies to that very message. The dialog is kept
// in the database, so a restart in the middle loses nothing; it is only ever
// answered by a reply to its prompt outside users' topics, so it never takes
// a manager's message meant for a user; /cancel or its button ends it.
//
// Why not @grammyjs/menu: every message the bot sends goes through the
// outbox (Telegram's limits, crash safety), while the menu plugin sends and
// edits from inside the update with ctx; and each press here is checked for
// admin rights and decoded through a zod schema (callback-data/settings.ts).
import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { answerManager, editInGroup, postFormattedToGroup, postToGroup } from '../../domain/answers.js';
import { AUTO_CLOSE_CHOICES } from '../../domain/auto-close.js';
import type { Desk } from '../../domain/desk.js';
import { actorOf, addCategory, changeSetting, editCategory, moveCategory, startDialog, type Actor } from '../../domain/settings-changes.js';
import { categoryLabel } from '../../domain/categories.js';
import type { FormattedText } from '../../domain/settings.js';
import { applyRetention } from '../../domain/transcript.js';
import { formatDayHours, isValidTimeZone, parseDayHours, parseHolidays } from '../../domain/working-hours.js';
import { settingsData, type SettingsAction } from '../callback-data/settings.js';
import { actOnAnswers, answerAnswersDialog, answersDialogs, answersHomeRows, isAnswersAction } from '../settings/answers.js';
import { groupProblem, groupProblemText } from '../group-check.js';
import type { Context } from '../context.js';
import { threadOf } from '../conversation.js';
import {
  BOARD_ALERT_CHOICES,
  boardScreen,
  cancelKeyboard,
  categoriesScreen,
  FLOOD_CHOICES,
  floodRate,
  categoryScreen,
  GREETING_LANGUAGES,
  greetingsScreen,
  homeScreen,
  hoursScreen,
  previewKeyboard,
  RETENTION_CHOICES,
  WEEKLY_HOURS,
  weeklyScreen,
  SURVEY_CHOICES,
  type Screen,
} from '../settings/screens.js';

export const settings = new Composer<Context>();

const RECENT_CHANGES = 5;
const NAME_MAX = 32;
const EMOJI_MAX = 12;
const DESCRIPTION_MAX = 200;
const PROMPT_MAX = 500;
/** Leaves room for the preview's header within Telegram's 4096. */
const GREETING_MAX = 3800;

const inSupportGroup = (ctx: Context) => ctx.chat?.id === ctx.config.SUPPORT_CHAT_ID;

settings.command('settings', async (ctx, next) => {
  if (!inSupportGroup(ctx)) return next();
  const t = ctx.desk.managerTexts.settings;
  const replyTo = ctx.msg.message_id;
  const threadId = ctx.msg.is_topic_message ? ctx.msg.message_thread_id : undefined;
  if (ctx.conversationUserId !== undefined) {
    await answerManager(ctx.desk, { userId: ctx.conversationUserId, chatId: ctx.chat.id, replyTo }, t.notInUserTopic);
    return;
  }
  if (!(await ctx.isAdmin())) {
    await answerManager(ctx.desk, { threadId, replyTo }, t.onlyAdmins);
    return;
  }
  await postToGroup(ctx.desk, { threadId, replyTo }, await home(ctx.desk));
});

settings.command('cancel', async (ctx, next) => {
  if (!inSupportGroup(ctx) || ctx.conversationUserId !== undefined || !ctx.from) return next();
  const t = ctx.desk.managerTexts.settings;
  const ended = await endDialog(ctx.desk, ctx.from.id);
  await answerManager(ctx.desk, { threadId: threadOf(ctx), replyTo: ctx.msg.message_id }, ended ? t.cancelled : t.nothingToCancel);
});

settings.callbackQuery(settingsData.trigger, async (ctx) => {
  const desk = ctx.desk;
  const t = desk.managerTexts.settings;
  const press = settingsData.unpack(ctx.callbackQuery.data);
  const panel = ctx.callbackQuery.message;
  // Forged or outdated data, or a press outside the support group: refused, nothing changes.
  if (!press || !panel || !inSupportGroup(ctx)) {
    await ctx.answerCallbackQuery({ text: desk.managerTexts.buttonOutdated });
    return;
  }
  if (!(await ctx.isAdmin())) {
    await ctx.answerCallbackQuery({ text: t.onlyAdmins, show_alert: true });
    return;
  }
  const answer = await act(ctx, press.action, press.arg, panel.message_id);
  await ctx.answerCallbackQuery(answer ? { text: answer } : {});
});

// A reply to a dialog's prompt, outside users' topics: the admin's answer.
settings.on('message', async (ctx, next) => {
  const replied = ctx.msg.reply_to_message;
  if (!inSupportGroup(ctx) || ctx.conversationUserId !== undefined || !replied || !ctx.from || replied.from?.id !== ctx.me.id) return next();
  // An admin posting anonymously writes as the group: their dialog is found by its prompt.
  const anonymous = ctx.msg.sender_chat?.id === ctx.chat.id;
  const dialog = anonymous ? await ctx.desk.store.dialogByPrompt(replied.message_id) : await ctx.desk.store.dialogOf(ctx.from.id);
  // The prompt's id is recorded just after Telegram took it: a quick reply
  // (or a slow database) can come first. A reply to the bot's message sent
  // since the dialog started is then the answer too.
  const answered =
    dialog && (dialog.promptMessageId === replied.message_id || (dialog.promptMessageId === null && replied.date * 1000 >= dialog.startedAt.getTime() - 1000));
  if (!dialog || !answered) return next();
  if (!(await ctx.isAdmin())) return next();
  await answerDialog(ctx, dialog, ctx.msg);
});

async function home(desk: Desk): Promise<Screen> {
  const changes = await desk.store.recentChanges(RECENT_CHANGES);
  return homeScreen(desk, changes, await answersHomeRows(desk));
}

async function endDialog(desk: Desk, adminId: number): Promise<boolean> {
  return desk.store.endDialog(adminId);
}

/** Runs a press; returns the short text the admin sees on their screen, if any. */
async function act(ctx: Context, action: SettingsAction, arg: number, panelId: number): Promise<string | undefined> {
  const desk = ctx.desk;
  const t = desk.managerTexts.settings;
  const actor = actorOf(ctx.from!);
  const show = (screen: Screen | undefined) => (screen ? editInGroup(desk, panelId, screen) : Promise.resolve());
  const ask = async (kind: string, a: number, prompt: string) => {
    await startDialog(
      desk,
      actor.id,
      { kind, arg: a, panelMessageId: panelId, threadId: threadOf(ctx) },
      { html: `${prompt}\n\n${t.ask.footer}`, keyboard: cancelKeyboard(desk) },
    );
    return undefined;
  };
  if (isAnswersAction(action)) return actOnAnswers({ desk, actor, action, arg, panelId, ask });
  const category = desk.settings.category(arg);
  switch (action) {
    case 'home':
      await show(await home(desk));
      return;
    case 'greetings':
      await show(greetingsScreen(desk));
      return;
    case 'greetingEdit': {
      const language = GREETING_LANGUAGES[arg];
      if (!language) return desk.managerTexts.buttonOutdated;
      return ask('greeting', arg, t.ask.greeting(t.languageName[language]));
    }
    case 'greetingReset': {
      const language = GREETING_LANGUAGES[arg];
      if (!language) return desk.managerTexts.buttonOutdated;
      await changeSetting(desk, actor, `greeting.${language}`, undefined, t.changed.greetingReset(t.languageName[language]));
      await show(greetingsScreen(desk));
      return t.saved;
    }
    case 'language': {
      const language = GREETING_LANGUAGES[arg];
      if (!language) return desk.managerTexts.buttonOutdated;
      if (desk.settings.get('managerLanguage') !== language) {
        await changeSetting(desk, actor, 'managerLanguage', language, t.changed.language(t.languageName[language]));
      }
      // The panel itself now speaks the new language.
      await show(await home(desk));
      return desk.managerTexts.settings.saved;
    }
    case 'timeZone':
      return ask('timeZone', 0, t.ask.timeZone);
    case 'notePrefix':
      return ask('notePrefix', 0, t.ask.notePrefix);
    case 'retention': {
      if (!RETENTION_CHOICES.includes(arg)) return desk.managerTexts.buttonOutdated;
      const days = arg === 0 ? null : arg;
      await changeSetting(desk, actor, 'retentionDays', days, desk.managerTexts.transcript.changed(days));
      // Takes effect at once: what is already older than the new period is erased now.
      await applyRetention(desk);
      await show(await home(desk));
      return t.saved;
    }
    case 'weekly':
      await show(weeklyScreen(desk));
      return;
    case 'weeklyDay':
    case 'weeklyHour':
    case 'weeklyOff': {
      const now = desk.settings.get('weeklyReport') ?? { weekday: 0, hour: 9 };
      if (action === 'weeklyDay' && arg > 6) return desk.managerTexts.buttonOutdated;
      if (action === 'weeklyHour' && !WEEKLY_HOURS.includes(arg)) return desk.managerTexts.buttonOutdated;
      const next = action === 'weeklyOff' ? null : action === 'weeklyDay' ? { ...now, weekday: arg } : { ...now, hour: arg };
      const label = next ? `${t.weekdays[next.weekday]} ${String(next.hour).padStart(2, '0')}:00` : null;
      await changeSetting(desk, actor, 'weeklyReport', next, desk.managerTexts.weekly.changed(label));
      await show(weeklyScreen(desk));
      return t.saved;
    }
    case 'survey': {
      const minutes = arg === 0 ? null : arg - 1;
      if (!SURVEY_CHOICES.includes(minutes)) return desk.managerTexts.buttonOutdated;
      await changeSetting(desk, actor, 'surveyDelayMinutes', minutes, desk.managerTexts.rating.changed(minutes));
      await show(await home(desk));
      return t.saved;
    }
    case 'signature': {
      const on = !desk.settings.get('signature');
      await changeSetting(desk, actor, 'signature', on, desk.managerTexts.signature.changed(on));
      await show(await home(desk));
      return t.saved;
    }
    case 'autoClose': {
      // Only the choices the panel offers: anything else is forged.
      if (!(AUTO_CLOSE_CHOICES as readonly number[]).includes(arg)) return desk.managerTexts.buttonOutdated;
      if (desk.settings.get('autoCloseDays') !== arg) await changeSetting(desk, actor, 'autoCloseDays', arg, desk.managerTexts.autoClose.changed(arg));
      await show(await home(desk));
      return t.saved;
    }
    case 'reactions': {
      const on = !desk.settings.get('reactionReceipts');
      await changeSetting(desk, actor, 'reactionReceipts', on, desk.managerTexts.reactions.changed(on));
      await show(await home(desk));
      return t.saved;
    }
    case 'floodLimit': {
      if (!FLOOD_CHOICES.includes(arg)) return desk.managerTexts.buttonOutdated;
      if (desk.settings.get('floodLimit') !== arg) await changeSetting(desk, actor, 'floodLimit', arg, desk.managerTexts.flood.changed(floodRate(desk, arg)));
      await show(await home(desk));
      return t.saved;
    }
    case 'hours':
      await show(hoursScreen(desk));
      return;
    case 'day': {
      const day = t.weekdays[arg];
      if (!day) return desk.managerTexts.buttonOutdated;
      return ask('dayHours', arg, t.ask.dayHours(day));
    }
    case 'holidays':
      return ask('holidays', 0, t.ask.holidays);
    case 'categories':
      await show(categoriesScreen(desk));
      return;
    case 'categoryNew':
      return ask('categoryNew', 0, t.ask.categoryNew);
    case 'category':
      if (!category) return desk.managerTexts.buttonOutdated;
      await show(categoryScreen(desk, arg));
      return;
    case 'categoryName':
      return category ? ask('categoryName', arg, t.ask.categoryName) : desk.managerTexts.buttonOutdated;
    case 'categoryDescription':
      return category ? ask('categoryDescription', arg, t.ask.categoryDescription) : desk.managerTexts.buttonOutdated;
    case 'categoryPrompt':
      return category ? ask('categoryPrompt', arg, t.ask.categoryPrompt) : desk.managerTexts.buttonOutdated;
    case 'categoryGroup':
      return category ? ask('categoryGroup', arg, t.ask.categoryGroup) : desk.managerTexts.buttonOutdated;
    case 'categoryUp':
    case 'categoryDown':
      if (!category) return desk.managerTexts.buttonOutdated;
      await moveCategory(desk, actor, arg, action === 'categoryUp' ? -1 : 1, t.changed.categoryMoved(categoryLabel(category)));
      await show(categoryScreen(desk, arg));
      return;
    case 'categoryArchive':
    case 'categoryRestore': {
      if (!category) return desk.managerTexts.buttonOutdated;
      const archived = action === 'categoryArchive';
      if (category.archived !== archived) {
        await editCategory(desk, actor, arg, { archived }, (archived ? t.changed.categoryArchived : t.changed.categoryRestored)(categoryLabel(category)));
        // An archived category cannot be the default: it is offered to nobody.
        if (archived && desk.settings.get('defaultCategoryId') === arg)
          await changeSetting(desk, actor, 'defaultCategoryId', null, t.changed.defaultCategory(null));
      }
      await show(categoryScreen(desk, arg));
      return t.saved;
    }
    case 'categoryDefault': {
      if (arg !== 0 && (!category || category.archived)) return desk.managerTexts.buttonOutdated;
      const current = desk.settings.get('defaultCategoryId');
      const next = arg === 0 ? null : arg;
      if (current !== next) await changeSetting(desk, actor, 'defaultCategoryId', next, t.changed.defaultCategory(category ? categoryLabel(category) : null));
      await show(categoryScreen(desk, arg === 0 ? (current ?? 0) : arg) ?? categoriesScreen(desk));
      return t.saved;
    }
    case 'categoryWait': {
      if (arg < 1 || arg > 1440) return desk.managerTexts.buttonOutdated;
      await changeSetting(desk, actor, 'categoryWaitMinutes', arg, t.changed.categoryWait(arg));
      await show(categoriesScreen(desk));
      return t.saved;
    }
    case 'board':
      await show(boardScreen(desk));
      return;
    case 'boardToggle':
    case 'boardAlert': {
      if (action === 'boardToggle' ? arg > 1 : !BOARD_ALERT_CHOICES.includes(arg)) return desk.managerTexts.buttonOutdated;
      if (action === 'boardToggle') await changeSetting(desk, actor, 'queueBoard', arg === 1, t.board.changed(arg === 1));
      else await changeSetting(desk, actor, 'queueBoardAlertMinutes', arg, t.board.changedAlert(arg));
      // The board follows at once: posted, redrawn or taken down.
      desk.queueChanged();
      await show(boardScreen(desk));
      return t.saved;
    }
    case 'save':
      return saveDraft(ctx, actor, panelId);
    case 'cancel': {
      const ended = await endDialog(desk, actor.id);
      // The prompt or preview loses its buttons, so nobody presses them again.
      await editInGroup(desk, panelId, { html: t.cancelled });
      return ended ? t.cancelled : t.nothingToCancel;
    }
    case 'close':
      await editInGroup(desk, panelId, { html: t.closed });
      return;
  }
}

/** The greeting's preview was confirmed: it becomes the greeting. */
async function saveDraft(ctx: Context, actor: Actor, previewId: number): Promise<string> {
  const desk = ctx.desk;
  const t = desk.managerTexts.settings;
  const dialog = await desk.store.dialogOf(actor.id);
  const language = dialog ? GREETING_LANGUAGES[dialog.arg] : undefined;
  if (dialog?.kind !== 'greeting' || !dialog.draft || !language) return t.nothingToSave;
  const draft = JSON.parse(dialog.draft) as FormattedText;
  await changeSetting(desk, actor, `greeting.${language}`, draft, t.changed.greeting(t.languageName[language]));
  await endDialog(desk, actor.id);
  await editInGroup(desk, previewId, { html: t.saved });
  if (dialog.panelMessageId) await editInGroup(desk, dialog.panelMessageId, greetingsScreen(desk));
  return t.saved;
}

type Dialog = NonNullable<Awaited<ReturnType<Desk['store']['dialogOf']>>>;

async function answerDialog(ctx: Context, dialog: Dialog, msg: Message): Promise<void> {
  const desk = ctx.desk;
  const t = desk.managerTexts.settings;
  const actor = actorOf(ctx.from!);
  // The dialog's owner (the same person, also when they post anonymously).
  const adminId = Number(dialog.adminId);
  const at = { threadId: threadOf(ctx), replyTo: msg.message_id };
  const refuse = (text: string) => answerManager(desk, at, text);
  const text = msg.text?.trim();
  if (!text) return refuse(t.invalid.textOnly);
  const done = async (screen: Screen | undefined) => {
    await endDialog(desk, adminId);
    await answerManager(desk, at, t.saved);
    if (dialog.panelMessageId && screen) await editInGroup(desk, dialog.panelMessageId, screen);
  };
  if (answersDialogs.includes(dialog.kind)) return answerAnswersDialog({ desk, actor, dialog, msg, at });
  const category = desk.settings.category(dialog.arg);
  const clearable = (max: number) => (text === '-' || text === '—' ? null : text.length > max ? undefined : text);

  switch (dialog.kind) {
    case 'greeting': {
      const language = GREETING_LANGUAGES[dialog.arg];
      if (!language) return refuse(desk.managerTexts.buttonOutdated);
      // Kept exactly as typed: the raw text and Telegram's entities (not trimmed, or the offsets would shift).
      const raw = msg.text ?? '';
      if (raw.length > GREETING_MAX) return refuse(t.invalid.tooLong(GREETING_MAX));
      const draft: FormattedText = { text: raw, ...(msg.entities?.length ? { entities: msg.entities } : {}) };
      await desk.store.setDialogDraft(adminId, JSON.stringify(draft));
      const header = `${t.preview(t.languageName[language])}\n\n`;
      await postFormattedToGroup(desk, at, {
        text: header + raw,
        // The header comes first: every entity moves by its length (in UTF-16 units, as Telegram counts).
        entities: (draft.entities ?? []).map((e) => ({ ...e, offset: e.offset + header.length })),
        keyboard: previewKeyboard(desk),
      });
      return;
    }
    case 'categoryNew':
    case 'categoryName': {
      const parsed = parseCategoryName(text);
      if (!parsed) return refuse(t.invalid.categoryName);
      if (parsed.name.length > NAME_MAX) return refuse(t.invalid.tooLong(NAME_MAX));
      if (dialog.kind === 'categoryNew') {
        await addCategory(desk, actor, parsed, t.changed.categoryAdded(categoryLabel(parsed)));
        return done(categoriesScreen(desk));
      }
      if (!category) return refuse(desk.managerTexts.buttonOutdated);
      await editCategory(desk, actor, category.id, parsed, t.changed.categoryRenamed(categoryLabel(category), categoryLabel(parsed)));
      return done(categoryScreen(desk, category.id));
    }
    case 'categoryDescription':
    case 'categoryPrompt': {
      if (!category) return refuse(desk.managerTexts.buttonOutdated);
      const max = dialog.kind === 'categoryPrompt' ? PROMPT_MAX : DESCRIPTION_MAX;
      const value = clearable(max);
      if (value === undefined) return refuse(t.invalid.tooLong(max));
      if (dialog.kind === 'categoryPrompt') await editCategory(desk, actor, category.id, { prompt: value }, t.changed.categoryPrompt(categoryLabel(category)));
      else await editCategory(desk, actor, category.id, { description: value }, t.changed.categoryDescription(categoryLabel(category)));
      return done(categoryScreen(desk, category.id));
    }
    case 'categoryGroup': {
      if (!category) return refuse(desk.managerTexts.buttonOutdated);
      const main = text === '-' || text === '—' || text === String(desk.supportChatId);
      if (!main && !/^-100\d{5,}$/.test(text)) return refuse(t.invalid.groupId);
      const chatId = main ? null : Number(text);
      // Checked now, with Telegram: a group the bot cannot work in is refused here, not discovered by a lost ticket.
      const problem = chatId === null ? null : await groupProblem(ctx.api, chatId, ctx.me.id);
      if (problem) return refuse(groupProblemText(desk.managerTexts, problem));
      await editCategory(
        desk,
        actor,
        category.id,
        { chatId },
        t.changed.categoryGroup(categoryLabel(category), chatId === null ? t.category.mainGroup : String(chatId)),
      );
      return done(categoryScreen(desk, category.id));
    }
    case 'notePrefix': {
      if (!/^\S{1,8}$/.test(text)) return refuse(t.invalid.notePrefix);
      await changeSetting(desk, actor, 'notePrefix', text, t.changed.notePrefix(text));
      return done(await home(desk));
    }
    case 'timeZone': {
      if (!isValidTimeZone(text)) return refuse(t.invalid.timeZone);
      // Intl knows the canonical spelling ("europe/moscow" is Europe/Moscow).
      const zone = new Intl.DateTimeFormat('en', { timeZone: text }).resolvedOptions().timeZone;
      await changeSetting(desk, actor, 'timeZone', zone, t.changed.timeZone(zone));
      return done(hoursScreen(desk));
    }
    case 'dayHours': {
      const day = t.weekdays[dialog.arg];
      const hours = parseDayHours(text);
      if (!day || hours === 'invalid') return refuse(t.invalid.hours);
      const days = [...desk.settings.get('hours')];
      days[dialog.arg] = hours;
      await changeSetting(desk, actor, 'hours', days, t.changed.dayHours(day, formatDayHours(hours)));
      return done(hoursScreen(desk));
    }
    case 'holidays': {
      const dates = parseHolidays(text);
      if (dates === 'invalid') return refuse(t.invalid.holidays);
      await changeSetting(desk, actor, 'holidays', dates, t.changed.holidays(dates.join(', ') || '—'));
      return done(hoursScreen(desk));
    }
    default:
      // A dialog of a kind this version does not know (written by another version): end it.
      await endDialog(desk, adminId);
      return refuse(desk.managerTexts.buttonOutdated);
  }
}

/** "🧾 Billing" → emoji and name; a name without an emoji gets 🗂. */
export function parseCategoryName(text: string): { emoji: string; name: string } | undefined {
  const m =
    /^((?:\p{Extended_Pictographic}|\p{Regional_Indicator})(?:\uFE0F|\u200D|\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator})*)\s*(.*)$/su.exec(
      text.trim(),
    );
  const emoji = m ? m[1]! : '🗂';
  const name = (m ? m[2]! : text).replace(/\s+/g, ' ').trim();
  // One emoji (a flag or a joined one is several code points, never more than a dozen).
  return name && emoji.length <= EMOJI_MAX ? { emoji, name } : undefined;
}
