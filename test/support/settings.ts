// What tests do as the group's admins in /settings: open the panel, press
// its buttons, answer the bot's prompts. Every step waits for what a person
// would wait for (the panel to change, the prompt to appear).
import assert from 'node:assert/strict';
import type { Message, User } from 'grammy/types';
import type { CallbackAnswer } from '../fake-telegram/server.js';
import { command, fromBot, pressCardButton } from './actions.js';
import { text, type TestDesk } from './desk.js';

/** Messages in the group's General topic (outside every forum topic). */
export const generalMessages = (d: TestDesk) => d.tg.messages(d.group.id).filter((m) => m.message_thread_id === undefined);

/** The bot's latest message in General whose text starts with `prefix` (and, if given, newer than message `after`). */
export function latestInGeneral(d: TestDesk, prefix: string, after = 0): Message | undefined {
  return generalMessages(d)
    .filter((m) => fromBot(d, m) && m.message_id > after && text(m)?.startsWith(prefix))
    .at(-1);
}

/** The newest message id in the group: a prompt asked after this moment has a larger one. */
export const lastGroupMessageId = (d: TestDesk) => Math.max(0, ...d.tg.messages(d.group.id).map((m) => m.message_id));

/** An admin sends /settings in General; resolves with the panel the bot posts in answer. */
export async function openSettings(d: TestDesk, admin: User = d.manager, title = '⚙️ Settings'): Promise<number> {
  const sent = d.tg.managerSends(d.group.id, admin, command('/settings'));
  const panel = await d.tg.waitFor(() =>
    generalMessages(d).find((m) => fromBot(d, m) && m.reply_to_message?.message_id === sent.message_id && text(m)?.startsWith(title)),
  );
  return panel.message_id;
}

/** Presses the button labelled `label` (or starting with it) on a bot message in the group; resolves with the answer. */
export async function press(d: TestDesk, who: User, messageId: number, label: string): Promise<CallbackAnswer> {
  const m = d.tg.message(d.group.id, messageId);
  const found = m?.reply_markup?.inline_keyboard.flat().find((b) => b.text === label || b.text.startsWith(label));
  const id = pressCardButton(d, who, messageId, found?.text ?? label);
  return d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === id));
}

/** Waits until the bot's message shows a text that passes `check`. */
export function waitForMessageText(d: TestDesk, messageId: number, check: (t: string) => boolean): Promise<Message> {
  return d.tg.waitFor(() => {
    const m = d.tg.message(d.group.id, messageId);
    return m && check(text(m) ?? '') ? m : undefined;
  });
}

/** Waits for the bot's prompt (starting with `prompt`, newer than message `after`) and replies to it as `admin`. */
export async function answerPrompt(
  d: TestDesk,
  admin: User,
  prompt: string,
  content: { text: string; entities?: Message['entities'] },
  after = 0,
): Promise<Message> {
  const asked = await d.tg.waitFor(() => latestInGeneral(d, prompt, after));
  return d.tg.managerSends(d.group.id, admin, content, { replyToMessageId: asked.message_id });
}

/** The bot's answer to an admin's message (a reply to it). */
export function answerTo(d: TestDesk, message: Message): Promise<Message> {
  return d.tg.waitFor(() => generalMessages(d).find((m) => fromBot(d, m) && m.reply_to_message?.message_id === message.message_id));
}

/** Adds a category the way an admin does: Categories → Add → reply with its emoji and name. */
export async function addCategoryFromSettings(d: TestDesk, label: string, panelId?: number): Promise<number> {
  const panel = panelId ?? (await openSettings(d));
  if (!text(d.tg.message(d.group.id, panel))?.startsWith('🗂 Categories')) {
    await press(d, d.manager, panel, '🗂 Categories');
    await waitForMessageText(d, panel, (t) => t.startsWith('🗂 Categories'));
  }
  const before = lastGroupMessageId(d);
  await press(d, d.manager, panel, '➕ Add a category');
  const reply = await answerPrompt(d, d.manager, '✏️ Reply to this message with the new category', { text: label }, before);
  assert.equal(text(await answerTo(d, reply)), '✅ Saved.');
  await waitForMessageText(d, panel, (t) => t.includes(label));
  return panel;
}
