// /settings for canned answers and auto-replies: the admins list, rename and
// delete canned answers, switch auto-replies on and off, and add, change and
// delete rules. Called from features/settings.ts once a press or a dialog's
// answer has been checked for admin rights.
import type { Message } from 'grammy/types';
import { answerManager, editInGroup, postToGroup } from '../../domain/answers.js';
import { addAutoReply, deleteAutoReply, parsePattern, PATTERN_MAX, setAutoReplyFirstOnly, type CompiledRule } from '../../domain/auto-replies.js';
import { ANSWER_NAME_MAX, deleteCannedAnswer, parseAnswerName, renameCannedAnswer } from '../../domain/canned-answers.js';
import type { Desk } from '../../domain/desk.js';
import { changeSetting, type Actor } from '../../domain/settings-changes.js';
import { escapeHtml } from '../../lib/html.js';
import { answersActions, settingsButton as button, type SettingsAction } from '../callback-data/settings.js';
import { kb, shorten, type Screen } from './screens.js';

const PREVIEW = 300;

export type AnswersAction = (typeof answersActions)[number];
export const isAnswersAction = (a: SettingsAction): a is AnswersAction => (answersActions as readonly string[]).includes(a);
export const answersDialogs = ['cannedRename', 'ruleNew'];

/** The two buttons on the home screen. */
export async function answersHomeRows(desk: Desk) {
  const t = desk.managerTexts.answers.settings;
  const canned = (await desk.store.cannedAnswers()).length;
  return [[button(t.cannedButton(canned), 'canned'), button(t.autoButton(desk.settings.autoReplyRules().length, desk.settings.get('autoReplies')), 'auto')]];
}

async function cannedListScreen(desk: Desk): Promise<Screen> {
  const t = desk.managerTexts.answers.settings;
  const all = await desk.store.cannedAnswers();
  return {
    html: [t.cannedTitle, '', ...(all.length ? all.map((a) => `• ${escapeHtml(a.name)}`) : [escapeHtml(t.cannedEmpty)])].join('\n'),
    keyboard: kb(...all.map((a) => [button(`📋 ${a.name}`, 'cannedOne', a.id)]), [button(desk.managerTexts.settings.button.back, 'home')]),
  };
}

async function cannedScreen(desk: Desk, id: number, confirmDelete = false): Promise<Screen | undefined> {
  const t = desk.managerTexts.answers.settings;
  const a = await desk.store.cannedAnswer(id);
  if (!a) return undefined;
  const rules = desk.settings.autoReplyRules().filter((r) => r.answerId === id).length;
  const lines = [
    `📋 <b>${escapeHtml(a.name)}</b>`,
    escapeHtml(t.kind(a.kind)),
    ...(a.text ? ['', escapeHtml(shorten(a.text, PREVIEW))] : []),
    '',
    escapeHtml(t.uses(await desk.store.cannedAnswerUses(id))),
    ...(confirmDelete && rules ? [escapeHtml(t.deleteWarning(rules))] : []),
  ];
  return {
    html: lines.join('\n'),
    keyboard: confirmDelete
      ? kb([button(t.confirmDelete, 'cannedDeleteYes', id)], [button(desk.managerTexts.settings.button.back, 'cannedOne', id)])
      : kb([button(t.rename, 'cannedRename', id), button(t.delete, 'cannedDelete', id)], [button(desk.managerTexts.settings.button.back, 'canned')]),
  };
}

const ruleLabel = (r: Pick<CompiledRule, 'pattern' | 'isRegex'>) => (r.isRegex ? `/${r.pattern}/` : r.pattern);

function autoScreen(desk: Desk): Screen {
  const t = desk.managerTexts.answers.settings;
  const on = desk.settings.get('autoReplies');
  const rules = desk.settings.autoReplyRules();
  const lines = [
    t.autoTitle,
    escapeHtml(t.autoExplain),
    '',
    escapeHtml(on ? t.autoOn : t.autoOff),
    '',
    ...(rules.length ? rules.map((r, i) => `${i + 1}. ${escapeHtml(t.ruleLine(ruleLabel(r), r.answer.name, r.firstMessageOnly))}`) : [escapeHtml(t.autoEmpty)]),
  ];
  return {
    html: lines.join('\n'),
    keyboard: kb(
      ...rules.map((r, i) => [button(`${i + 1}. ${shorten(ruleLabel(r), 40)}`, 'rule', r.id)]),
      [button(t.addRule, 'ruleNew')],
      [button(on ? t.switchOff : t.switchOn, 'autoSwitch', on ? 0 : 1)],
      [button(desk.managerTexts.settings.button.back, 'home')],
    ),
  };
}

function ruleScreen(desk: Desk, id: number): Screen | undefined {
  const t = desk.managerTexts.answers.settings;
  const r = desk.settings.autoReplyRules().find((x) => x.id === id);
  if (!r) return undefined;
  return {
    html: [
      `🤖 <b>${escapeHtml(r.isRegex ? t.regex : t.keywords)}</b>: <code>${escapeHtml(ruleLabel(r))}</code>`,
      `${escapeHtml(t.ruleAnswer)}: 📋 ${escapeHtml(r.answer.name)}`,
    ].join('\n'),
    keyboard: kb(
      [button(r.firstMessageOnly ? t.firstOnlyOn : t.firstOnlyOff, 'ruleFirstOnly', id)],
      [button(t.delete, 'ruleDelete', id)],
      [button(desk.managerTexts.settings.button.back, 'auto')],
    ),
  };
}

export interface AnswersPress {
  desk: Desk;
  actor: Actor;
  action: AnswersAction;
  arg: number;
  panelId: number;
  /** Starts a dialog: the bot asks, the admin replies to the question. */
  ask: (kind: string, arg: number, prompt: string) => Promise<undefined>;
}

/** Runs a press; returns the short text the admin sees, if any. */
export async function actOnAnswers({ desk, actor, action, arg, panelId, ask }: AnswersPress): Promise<string | undefined> {
  const t = desk.managerTexts.answers.settings;
  const outdated = desk.managerTexts.buttonOutdated;
  const show = async (screen: Screen | undefined) => {
    if (!screen) return outdated;
    await editInGroup(desk, panelId, screen);
    return undefined;
  };
  switch (action) {
    case 'canned':
      return show(await cannedListScreen(desk));
    case 'cannedOne':
      return show(await cannedScreen(desk, arg));
    case 'cannedRename':
      return (await desk.store.cannedAnswer(arg)) ? ask('cannedRename', arg, escapeHtml(t.askRename)) : outdated;
    case 'cannedDelete':
      return show(await cannedScreen(desk, arg, true));
    case 'cannedDeleteYes': {
      const a = await desk.store.cannedAnswer(arg);
      if (!a) return outdated;
      await deleteCannedAnswer(desk, actor, arg, t.changed.deleted(a.name));
      await show(await cannedListScreen(desk));
      return desk.managerTexts.settings.saved;
    }
    case 'auto':
      return show(autoScreen(desk));
    case 'autoSwitch': {
      const on = arg === 1;
      if (desk.settings.get('autoReplies') !== on) await changeSetting(desk, actor, 'autoReplies', on, t.changed.autoReplies(on));
      await show(autoScreen(desk));
      return desk.managerTexts.settings.saved;
    }
    case 'rule':
      return show(ruleScreen(desk, arg));
    case 'ruleNew':
      if ((await desk.store.cannedAnswers()).length === 0) return t.needCannedFirst;
      return ask('ruleNew', 0, escapeHtml(t.askPattern));
    case 'ruleAnswer':
      return chooseRuleAnswer(desk, actor, arg, panelId);
    case 'ruleFirstOnly': {
      const r = desk.settings.autoReplyRules().find((x) => x.id === arg);
      if (!r) return outdated;
      await setAutoReplyFirstOnly(desk, actor, arg, !r.firstMessageOnly, t.changed.ruleFirstOnly(ruleLabel(r), !r.firstMessageOnly));
      await show(ruleScreen(desk, arg));
      return desk.managerTexts.settings.saved;
    }
    case 'ruleDelete': {
      const r = desk.settings.autoReplyRules().find((x) => x.id === arg);
      if (!r) return outdated;
      await deleteAutoReply(desk, actor, arg, t.changed.ruleDeleted(ruleLabel(r)));
      await show(autoScreen(desk));
      return desk.managerTexts.settings.saved;
    }
  }
}

/** The rule's pattern was given (kept as the dialog's draft); the answer picked now makes it a rule. */
async function chooseRuleAnswer(desk: Desk, actor: Actor, answerId: number, messageId: number): Promise<string | undefined> {
  const t = desk.managerTexts.answers.settings;
  const dialog = await desk.store.dialogOf(actor.id);
  const answer = await desk.store.cannedAnswer(answerId);
  if (dialog?.kind !== 'ruleNew' || !dialog.draft) return desk.managerTexts.settings.nothingToSave;
  if (!answer) return desk.managerTexts.buttonOutdated;
  const pattern = JSON.parse(dialog.draft) as { pattern: string; isRegex: boolean };
  const label = ruleLabel(pattern);
  await addAutoReply(desk, actor, { ...pattern, answerId }, t.changed.ruleAdded(label, answer.name));
  await desk.store.endDialog(actor.id);
  // The list of answers becomes the rules' screen.
  await editInGroup(desk, messageId, autoScreen(desk));
  if (dialog.panelMessageId && dialog.panelMessageId !== messageId) await editInGroup(desk, dialog.panelMessageId, autoScreen(desk));
  return desk.managerTexts.settings.saved;
}

export interface AnswersDialogAnswer {
  desk: Desk;
  actor: Actor;
  dialog: { adminId: bigint; kind: string; arg: number; panelMessageId: number | null };
  msg: Message;
  at: { threadId: number | undefined; replyTo: number };
}

/** An admin's reply to one of these dialogs' questions. */
export async function answerAnswersDialog({ desk, actor, dialog, msg, at }: AnswersDialogAnswer): Promise<void> {
  const t = desk.managerTexts.answers.settings;
  const st = desk.managerTexts.settings;
  const adminId = Number(dialog.adminId);
  const refuse = (text: string) => answerManager(desk, at, text);
  const text = msg.text?.trim();
  if (!text) return refuse(st.invalid.textOnly);
  if (dialog.kind === 'cannedRename') {
    const name = parseAnswerName(text);
    if (!name) return refuse(desk.managerTexts.answers.nameInvalid(ANSWER_NAME_MAX));
    const before = await desk.store.cannedAnswer(dialog.arg);
    if (!before) return refuse(desk.managerTexts.buttonOutdated);
    const outcome = await renameCannedAnswer(desk, actor, dialog.arg, name, t.changed.renamed(before.name, name));
    if (outcome === 'taken') return refuse(desk.managerTexts.answers.taken(name));
    await desk.store.endDialog(adminId);
    await answerManager(desk, at, st.saved);
    const screen = await cannedScreen(desk, dialog.arg);
    if (dialog.panelMessageId && screen) await editInGroup(desk, dialog.panelMessageId, screen);
    return;
  }
  // ruleNew: the pattern first; the answer is picked from buttons next.
  const parsed = parsePattern(text);
  if ('error' in parsed) {
    return refuse(
      parsed.error === 'tooLong' ? t.patternTooLong(PATTERN_MAX) : parsed.error === 'invalid' ? t.invalidPattern(parsed.detail) : t.invalidPattern('—'),
    );
  }
  await desk.store.setDialogDraft(adminId, JSON.stringify(parsed));
  const answers = await desk.store.cannedAnswers();
  await postToGroup(desk, at, {
    html: `<code>${escapeHtml(ruleLabel(parsed))}</code>\n\n${escapeHtml(t.chooseAnswer)}`,
    keyboard: kb(...answers.map((a) => [button(`📋 ${a.name}`, 'ruleAnswer', a.id)]), [button(st.button.cancel, 'cancel')]),
  });
}
