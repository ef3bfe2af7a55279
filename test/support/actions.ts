// What tests do as users and managers, and the waits that go with it, in one
// place: every e2e file uses these instead of keeping its own copies.
import assert from 'node:assert/strict';
import type { Message, User } from 'grammy/types';
import type { CallRecord, FakeTelegram } from '../fake-telegram/server.js';
import { eventually, text, type TestDesk } from './desk.js';

/**
 * Waits this long. Only to show that something does NOT happen, or to space
 * out simulated people; never to wait for something that should happen.
 */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether the bot wrote this message. */
export const fromBot = (d: TestDesk, m: Message) => m.from?.id === d.tg.botUser.id;

/** The user writes a text; resolves once its copy is in their topic. */
export async function userWrites(d: TestDesk, user: User, body: string, opts: { replyToMessageId?: number } = {}) {
  const sent = d.tg.userSends(user, { text: body }, opts);
  const topic = await d.waitForTopicOf(user);
  const copy = await d.tg.waitFor(() => d.topicMessages(topic.message_thread_id).find((m) => fromBot(d, m) && text(m) === body));
  return { sent, topic, thread: topic.message_thread_id, copy };
}

/**
 * A manager (the desk's own unless given) writes a text in a user's topic;
 * resolves once the copy is in that user's chat.
 */
export async function managerWrites(d: TestDesk, threadId: number, body: string, opts: { replyToMessageId?: number; manager?: User } = {}) {
  const sent = d.tg.managerSends(d.group.id, opts.manager ?? d.manager, { text: body }, { threadId, replyToMessageId: opts.replyToMessageId });
  const row = await eventually(() => d.app.db.prisma.topic.findFirst({ where: { threadId } }));
  const userId = Number(row.userId);
  const copy = await d.tg.waitFor(() => d.tg.messages(userId).find((m) => fromBot(d, m) && text(m) === body));
  return { sent, copy };
}

/** A text command as Telegram clients send it: with its bot_command entity. */
export function command(body: string) {
  const length = body.split(/\s/, 1)[0]!.length;
  return { text: body, entities: [{ type: 'bot_command' as const, offset: 0, length }] };
}

/**
 * Presses the button labelled `label` on a message the bot sent into the
 * support group (a ticket card), with whatever callback_data the bot put
 * there. Resolves with the callback query's id.
 */
export function pressCardButton(d: TestDesk, manager: User, cardMessageId: number, label: string): string {
  const card = d.tg.message(d.group.id, cardMessageId);
  assert.ok(card, `no message ${cardMessageId} in the support group`);
  const buttons = card.reply_markup?.inline_keyboard.flat() ?? [];
  const button = buttons.find((b) => b.text === label);
  assert.ok(
    button && 'callback_data' in button,
    `no button «${label}» on message ${cardMessageId}; it has: ${buttons.map((b) => `«${b.text}»`).join(', ') || 'none'}`,
  );
  return d.tg.pressButton(manager, d.group.id, cardMessageId, button.callback_data);
}

/** The user's latest ticket's card message id, as stored. */
export async function cardOf(d: TestDesk, user: User): Promise<number> {
  const ticket = await eventually(() =>
    d.app.db.prisma.ticket.findFirst({ where: { userId: BigInt(user.id), cardMessageId: { not: null } }, orderBy: { id: 'desc' } }),
  );
  return ticket.cardMessageId!;
}

/** The outbox has nothing left to send: no PENDING jobs. */
export async function outboxDrained(d: TestDesk, timeoutMs = 15_000): Promise<void> {
  // A satisfaction survey waits its delay (a minute by default), and the queue
  // board its period, on purpose: they are not in flight.
  await eventually(
    async () => (await d.app.db.prisma.outboxJob.count({ where: { state: 'PENDING', kind: { notIn: ['askRating', 'queueBoard'] } } })) === 0,
    timeoutMs,
  );
}

/** A job the outbox gave up on as a bug (state FAILED) must never appear. */
export async function assertNoBrokenJobs(d: TestDesk): Promise<void> {
  const broken = await d.app.db.prisma.outboxJob.findMany({ where: { state: 'FAILED' } });
  assert.deepEqual(
    broken.map((j) => [j.kind, j.lastError]),
    [],
  );
}

/** The bot's calls of a method into one chat (chat_id is a number in grammY's JSON bodies). */
export function callsTo(tg: FakeTelegram, method: string, chatId: number, where: (c: CallRecord) => boolean = () => true): CallRecord[] {
  return tg.calls.filter((c) => c.method === method && Number(c.params.chat_id) === chatId && where(c));
}

/** Texts in a topic starting with `prefix`, in order: the copies of a test's numbered messages. */
export function copiesIn(tg: FakeTelegram, groupId: number, threadId: number, prefix: string): string[] {
  return tg
    .messages(groupId, threadId)
    .map((m) => text(m))
    .filter((t): t is string => t?.startsWith(prefix) === true);
}

/** A user presses the button labelled `label` on a bot message in their private chat; resolves with the answer. */
export async function userPresses(d: TestDesk, user: User, messageId: number, label: string) {
  const m = d.tg.message(user.id, messageId);
  const button = m?.reply_markup?.inline_keyboard.flat().find((b) => b.text === label);
  assert.ok(button && 'callback_data' in button, `no button «${label}» on message ${messageId}: ${JSON.stringify(m?.reply_markup)}`);
  const id = d.tg.pressButton(user, user.id, messageId, button.callback_data);
  return d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === id));
}
