// The /settings panel's screens: the text (HTML; whatever admins typed is
// escaped) and the buttons of each, drawn from the settings as they are now.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import { AUTO_CLOSE_CHOICES } from '../../domain/auto-close.js';
import { categoryLabel } from '../../domain/categories.js';
import type { Desk } from '../../domain/desk.js';
import { formatDayHours, formatStamp, keepsHours } from '../../domain/working-hours.js';
import type { Language } from '../../i18n/index.js';
import { escapeHtml } from '../../lib/html.js';
import { settingsButton as button } from '../callback-data/settings.js';
import { bannedUsersButton } from './banned-users.js';

/** The languages greetings are kept in, by their index in callback data. */
export const GREETING_LANGUAGES: readonly Language[] = ['ru', 'en'];

const GREETING_PREVIEW = 300;
/** Cut to `max` characters with «…», never inside a surrogate pair. */
export const shorten = (text: string, max: number) => (text.length <= max ? text : `${Array.from(text.slice(0, max)).slice(0, -1).join('')}…`);

export interface Screen {
  html: string;
  keyboard: InlineKeyboardMarkup;
}

export interface ChangeLine {
  summary: string;
  actorName: string;
  at: Date;
}

/** A keyboard from rows; empty rows (a button that does not apply) are left out. */
export const kb = (...rows: InlineKeyboardButton[][]): InlineKeyboardMarkup => ({ inline_keyboard: rows.filter((r) => r.length > 0) });

/** `more`: rows of other features' screens (canned answers, auto-replies), above Close. */
export function homeScreen(desk: Desk, changes: ChangeLine[], more: InlineKeyboardButton[][] = []): Screen {
  const t = desk.managerTexts.settings;
  const s = desk.settings;
  const tz = s.get('timeZone');
  const language = s.get('managerLanguage');
  const other: Language = language === 'ru' ? 'en' : 'ru';
  const lines = [
    t.title,
    '',
    ...GREETING_LANGUAGES.map((l) => escapeHtml(t.summary.greeting(t.languageName[l], s.greeting(l) !== undefined))),
    escapeHtml(t.summary.categories(s.activeCategories().length)),
    escapeHtml(t.summary.hours(keepsHours(s.hours()))),
    escapeHtml(t.summary.language(t.languageName[language])),
    escapeHtml(t.summary.timeZone(tz)),
    escapeHtml(t.summary.notePrefix(s.get('notePrefix'))),
    '',
    t.summary.recent,
    ...(changes.length
      ? changes.map((c) => `• ${formatStamp(c.at, tz)} · ${escapeHtml(c.actorName)}: ${escapeHtml(c.summary)}`)
      : [escapeHtml(t.summary.noChanges)]),
  ];
  return {
    html: lines.join('\n'),
    keyboard: kb(
      [button(t.button.greetings, 'greetings'), button(t.button.categories, 'categories')],
      [button(t.button.hours, 'hours'), button(t.button.timeZone(tz), 'timeZone')],
      // Pressing it switches to the other language: the label says what it is now.
      [button(t.button.language(t.languageName[language]), 'language', GREETING_LANGUAGES.indexOf(other))],
      [button(t.button.notePrefix(s.get('notePrefix')), 'notePrefix')],
      [button(desk.managerTexts.signature.button(s.get('signature')), 'signature')],
      // Pressing it steps to the next choice: forever, 30, 90, 365 days.
      [button(desk.managerTexts.transcript.retentionButton(s.get('retentionDays')), 'retention', nextRetention(s.get('retentionDays')))],
      [button(desk.managerTexts.rating.button(s.get('surveyDelayMinutes')), 'survey', nextSurveyDelay(s.get('surveyDelayMinutes')))],
      [button(desk.managerTexts.weekly.button(weeklyLabel(desk)), 'weekly')],
      // Each press moves to the next choice (off, 1, 3, 7, 14 days); the button carries the value it sets, not «next».
      [button(desk.managerTexts.autoClose.button(s.get('autoCloseDays')), 'autoClose', nextAutoClose(s.get('autoCloseDays')))],
      [button(desk.managerTexts.reactions.button(s.get('reactionReceipts')), 'reactions')],
      // Pressing it steps to the next rate: the label says what it is now.
      [button(desk.managerTexts.flood.button(floodRate(desk, s.get('floodLimit'))), 'floodLimit', nextFloodLimit(s.get('floodLimit')))],
      [bannedUsersButton(desk)],
      [button(t.board.button(s.get('queueBoard')), 'board')],
      ...more,
      [button(t.button.close, 'close')],
    ),
  };
}

/** The anti-flood rates an admin steps through (messages per window; 0: off). */
export const FLOOD_CHOICES = [10, 20, 60, 0];
const nextFloodLimit = (current: number) => FLOOD_CHOICES[(FLOOD_CHOICES.indexOf(current) + 1) % FLOOD_CHOICES.length]!;
export const floodRate = (desk: Desk, limit: number) => desk.managerTexts.flood.rate(limit, desk.flood.windowSeconds);

export function greetingsScreen(desk: Desk): Screen {
  const t = desk.managerTexts.settings;
  const parts = [t.greetings.title];
  for (const l of GREETING_LANGUAGES) {
    const own = desk.settings.greeting(l);
    // Shortened: two long greetings in full would pass Telegram's 4096 characters and the screen could not be shown.
    parts.push('', t.greetings.current(t.languageName[l]), own ? escapeHtml(shorten(own.text, GREETING_PREVIEW)) : t.greetings.builtIn);
  }
  return {
    html: parts.join('\n'),
    keyboard: kb(
      GREETING_LANGUAGES.map((l, i) => button(t.button.editGreeting(t.languageName[l]), 'greetingEdit', i)),
      ...GREETING_LANGUAGES.map((l, i) =>
        desk.settings.isSet(`greeting.${l}`) ? [button(t.button.resetGreeting(t.languageName[l]), 'greetingReset', i)] : [],
      ),
      [button(t.button.back, 'home')],
    ),
  };
}

export function categoriesScreen(desk: Desk): Screen {
  const t = desk.managerTexts.settings;
  const all = desk.settings.allCategories();
  const fallback = desk.settings.get('defaultCategoryId');
  const wait = desk.settings.get('categoryWaitMinutes');
  const lines = [t.categories.title, ''];
  if (all.length === 0) lines.push(escapeHtml(t.categories.empty));
  for (const c of all) {
    lines.push(
      `${c.position}. ${escapeHtml(categoryLabel(c))}${c.id === fallback ? ` ${t.categories.isDefault}` : ''}${c.archived ? ` <i>${escapeHtml(t.categories.archived)}</i>` : ''}`,
    );
  }
  if (all.length) lines.push('', escapeHtml(fallback ? t.categories.defaultNote(wait) : t.categories.noDefault));
  return {
    html: lines.join('\n'),
    keyboard: kb(
      ...all.map((c) => [button(`${categoryLabel(c)}${c.archived ? ' 🗄' : ''}`, 'category', c.id)]),
      [button(t.button.add, 'categoryNew')],
      fallback ? [button(t.button.wait(wait), 'categoryWait', nextWait(wait))] : [],
      [button(t.button.back, 'home')],
    ),
  };
}

/** How long conversations may be kept, in days; 0 stands for forever in callback data. */
export const RETENTION_CHOICES = [0, 30, 90, 365];
function nextRetention(current: number | null): number {
  const i = RETENTION_CHOICES.indexOf(current ?? 0);
  return RETENTION_CHOICES[(i + 1) % RETENTION_CHOICES.length]!;
}

/**
 * The survey's delay steps through off, at once and a few minutes; in
 * callback data a delay is minutes + 1, and 0 is off.
 */
export const SURVEY_CHOICES: readonly (number | null)[] = [1, 5, 15, 60, 0, null];
function nextSurveyDelay(current: number | null): number {
  const next = SURVEY_CHOICES[(SURVEY_CHOICES.indexOf(current) + 1) % SURVEY_CHOICES.length]!;
  return next === null ? 0 : next + 1;
}

function nextAutoClose(days: number): number {
  return AUTO_CLOSE_CHOICES.find((d) => d > days) ?? 0;
}

/** The wait button steps through a few sensible values. */
export const WAIT_CHOICES = [2, 5, 15, 60];
function nextWait(current: number): number {
  return WAIT_CHOICES.find((m) => m > current) ?? WAIT_CHOICES[0]!;
}

export function categoryScreen(desk: Desk, id: number): Screen | undefined {
  const t = desk.managerTexts.settings;
  const c = desk.settings.category(id);
  if (!c) return undefined;
  const isDefault = desk.settings.get('defaultCategoryId') === c.id;
  const lines = [
    `<b>${escapeHtml(categoryLabel(c))}</b>${isDefault ? ` ${t.categories.isDefault}` : ''}`,
    `${escapeHtml(t.category.description)}: ${escapeHtml(c.description ?? t.category.none)}`,
    `${escapeHtml(t.category.prompt)}: ${escapeHtml(c.prompt ?? t.category.none)}`,
    `${escapeHtml(t.category.group)}: ${c.chatId === null ? escapeHtml(t.category.mainGroup) : `<code>${c.chatId}</code>`}`,
    ...(c.archived ? ['', escapeHtml(t.category.archived)] : []),
  ];
  return {
    html: lines.join('\n'),
    keyboard: kb(
      [button(t.button.rename, 'categoryName', c.id), button(t.button.describe, 'categoryDescription', c.id)],
      [button(t.button.prompt, 'categoryPrompt', c.id)],
      [button(t.button.group(c.chatId === null ? t.category.mainGroup : String(c.chatId)), 'categoryGroup', c.id)],
      [button(t.button.up, 'categoryUp', c.id), button(t.button.down, 'categoryDown', c.id)],
      [
        c.archived ? button(t.button.restore, 'categoryRestore', c.id) : button(t.button.archive, 'categoryArchive', c.id),
        isDefault ? button(t.button.unsetDefault, 'categoryDefault', 0) : button(t.button.makeDefault, 'categoryDefault', c.id),
      ],
      [button(t.button.back, 'categories')],
    ),
  };
}

export function hoursScreen(desk: Desk): Screen {
  const t = desk.managerTexts.settings;
  const h = desk.settings.hours();
  const lines = [t.hours.title, escapeHtml(t.hours.timeZone(h.timeZone)), ''];
  if (!keepsHours(h)) lines.push(escapeHtml(t.hours.notKept), '');
  t.weekdays.forEach((day, i) => {
    lines.push(`${escapeHtml(day)}: ${formatDayHours(h.days[i] ?? null)}`);
  });
  lines.push('', `${escapeHtml(t.hours.holidays)}: ${h.holidays.length ? h.holidays.join(', ') : escapeHtml(t.hours.noHolidays)}`);
  const dayButtons = t.weekdays.map((day, i) => button(`${day} ${formatDayHours(h.days[i] ?? null)}`, 'day', i));
  return {
    html: lines.join('\n'),
    keyboard: kb(
      dayButtons.slice(0, 2),
      dayButtons.slice(2, 4),
      dayButtons.slice(4, 6),
      dayButtons.slice(6),
      [button(t.button.holidays, 'holidays'), button(t.button.timeZone(h.timeZone), 'timeZone')],
      [button(t.button.back, 'home')],
    ),
  };
}

/** Under a prompt or a preview: stop the dialog. */
export function cancelKeyboard(desk: Desk): InlineKeyboardMarkup {
  return kb([button(desk.managerTexts.settings.button.cancel, 'cancel')]);
}

export function previewKeyboard(desk: Desk): InlineKeyboardMarkup {
  const t = desk.managerTexts.settings;
  return kb([button(t.button.save, 'save'), button(t.button.cancel, 'cancel')]);
}

/** The ⚠️ thresholds of the queue board an admin picks from, in minutes. */
export const BOARD_ALERT_CHOICES = [10, 30, 60, 120];

/** The queue board: on or off, and after how long a waiting ticket is marked ⚠️. */
export function boardScreen(desk: Desk): Screen {
  const t = desk.managerTexts.settings;
  const on = desk.settings.get('queueBoard');
  const alert = desk.settings.get('queueBoardAlertMinutes');
  return {
    html: [t.board.title, '', escapeHtml(t.board.state(on)), escapeHtml(t.board.alertAfter(alert))].join('\n'),
    keyboard: kb(
      [on ? button(t.board.turnOff, 'boardToggle', 0) : button(t.board.turnOn, 'boardToggle', 1)],
      BOARD_ALERT_CHOICES.map((m) => button(t.board.choice(m, m === alert), 'boardAlert', m)),
      [button(t.button.back, 'home')],
    ),
  };
}

/** Hours the weekly report can go out at (a row of buttons). */
export const WEEKLY_HOURS = [0, 8, 9, 10, 12, 15, 17, 18];

/** «Mon 09:00», or null when the report is off. */
export function weeklyLabel(desk: Desk): string | null {
  const w = desk.settings.get('weeklyReport');
  return w ? `${desk.managerTexts.settings.weekdays[w.weekday]} ${String(w.hour).padStart(2, '0')}:00` : null;
}

export function weeklyScreen(desk: Desk): Screen {
  const t = desk.managerTexts;
  const w = desk.settings.get('weeklyReport');
  const mark = (on: boolean, label: string) => (on ? `✅ ${label}` : label);
  return {
    html: [t.weekly.title, escapeHtml(t.weekly.explain), '', escapeHtml(t.weekly.button(weeklyLabel(desk)))].join('\n'),
    keyboard: kb(
      t.settings.weekdays.slice(0, 4).map((d, i) => button(mark(w?.weekday === i, d), 'weeklyDay', i)),
      t.settings.weekdays.slice(4).map((d, i) => button(mark(w?.weekday === i + 4, d), 'weeklyDay', i + 4)),
      WEEKLY_HOURS.slice(0, 4).map((h) => button(mark(w?.hour === h, `${String(h).padStart(2, '0')}:00`), 'weeklyHour', h)),
      WEEKLY_HOURS.slice(4).map((h) => button(mark(w?.hour === h, `${String(h).padStart(2, '0')}:00`), 'weeklyHour', h)),
      w ? [button(t.weekly.off, 'weeklyOff')] : [],
      [button(t.settings.button.back, 'home')],
    ),
  };
}
