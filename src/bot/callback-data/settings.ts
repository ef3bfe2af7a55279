// The /settings panel's buttons: an action and its argument (a language, a
// category, a weekday, minutes; 0 when none). Every press is checked for
// admin rights before the action runs, whatever the data says.
import { z } from 'zod';
import { createCallbackCodec, idOrZero } from './codec.js';

/** The screens of canned answers and auto-replies (bot/settings/answers.ts runs them). */
export const answersActions = [
  'canned',
  'cannedOne',
  'cannedRename',
  'cannedDelete',
  'cannedDeleteYes',
  'auto',
  'autoSwitch',
  'rule',
  'ruleNew',
  'ruleAnswer',
  'ruleFirstOnly',
  'ruleDelete',
] as const;

export const settingsActions = [
  'home',
  'greetings',
  'greetingEdit',
  'greetingReset',
  'language',
  'timeZone',
  'hours',
  'day',
  'holidays',
  'categories',
  'categoryNew',
  'category',
  'categoryName',
  'categoryDescription',
  'categoryPrompt',
  'categoryUp',
  'categoryDown',
  'categoryArchive',
  'categoryRestore',
  'categoryDefault',
  'categoryWait',
  'categoryGroup',
  'notePrefix',
  'signature',
  'retention',
  'survey',
  'weekly',
  'weeklyDay',
  'weeklyHour',
  'weeklyOff',
  'autoClose',
  'reactions',
  'floodLimit',
  ...answersActions,
  'save',
  'cancel',
  'close',
  // The queue board: its screen, on/off (arg 1/0), the ⚠️ threshold (arg: minutes).
  'board',
  'boardToggle',
  'boardAlert',
] as const;

export type SettingsAction = (typeof settingsActions)[number];

export const settingsData = createCallbackCodec(
  'cfg',
  z.object({
    action: z.enum(settingsActions),
    arg: idOrZero,
  }),
);

export const settingsButton = (text: string, action: SettingsAction, arg = 0) => ({ text, callback_data: settingsData.pack({ action, arg }) });
