// The bot's short answers to people: the /start greeting to a user, and
// answers to managers' commands in the supergroup. They go through the
// outbox like every other message, so they count against Telegram's limits
// and wait out a 429 in their queue instead of holding up a conversation.
import { greet } from '../delivery/jobs/greet.js';
import type { InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import { editMessage } from '../delivery/jobs/edit-message.js';
import { GROUP_QUEUE, notice, noticeToGroup, noticeToTopic } from '../delivery/jobs/notice.js';
import { escapeHtml } from '../lib/html.js';
import type { Language } from '../i18n/index.js';
import { topicQueue, userQueue, type Desk } from './desk.js';

export function greetUser(desk: Desk, userId: number, language: Language): Promise<void> {
  return desk.outbox.enqueue([greet.make(userQueue(userId), { userId, language })]);
}

/**
 * Answers a manager's message in the supergroup with plain text: in the
 * user's topic when there is one (after what is already queued there), else
 * in the thread it was written in.
 */
export function answerManager(
  desk: Desk,
  at: { userId?: number | undefined; chatId?: number | undefined; threadId?: number | undefined; replyTo: number },
  text: string,
): Promise<void> {
  const html = escapeHtml(text);
  const job =
    at.userId !== undefined ? noticeToTopic(at.userId, html, at.replyTo, at.chatId) : noticeToGroup(html, { threadId: at.threadId, replyTo: at.replyTo });
  return desk.outbox.enqueue([job]);
}

/** Tells the managers in General (a job failed, the bot lost its rights). */
export function alertGroup(desk: Desk, text: string): Promise<void> {
  return desk.outbox.enqueue([noticeToGroup(escapeHtml(text))]);
}

/** Where in the supergroup (outside users' topics) an answer goes. */
export interface GroupSpot {
  threadId?: number | undefined;
  replyTo?: number | undefined;
}

/** Posts a message with buttons (the /settings panel, a prompt) outside users' topics. */
export function postToGroup(desk: Desk, at: GroupSpot, post: { html: string; keyboard?: InlineKeyboardMarkup }): Promise<void> {
  return desk.outbox.enqueue([
    noticeToGroup(post.html, { threadId: at.threadId, ...(at.replyTo ? { replyTo: at.replyTo } : {}), ...(post.keyboard ? { keyboard: post.keyboard } : {}) }),
  ]);
}

/** Shows an admin's own formatted text (a greeting's preview) exactly as users will get it. */
export function postFormattedToGroup(
  desk: Desk,
  at: GroupSpot,
  post: { text: string; entities?: MessageEntity[]; keyboard?: InlineKeyboardMarkup },
): Promise<void> {
  return desk.outbox.enqueue([
    notice.make(GROUP_QUEUE, {
      to: 'group',
      text: post.text,
      ...(post.entities?.length ? { entities: post.entities } : {}),
      ...(post.keyboard ? { keyboard: post.keyboard } : {}),
      ...(at.threadId !== undefined ? { threadId: at.threadId } : {}),
      ...(at.replyTo ? { replyTo: at.replyTo } : {}),
    }),
  ]);
}

/** Edits a message the bot posted in the supergroup (the panel after a press). */
export function editInGroup(desk: Desk, messageId: number, post: { html: string; keyboard?: InlineKeyboardMarkup }): Promise<void> {
  return desk.outbox.enqueue([
    editMessage.make(GROUP_QUEUE, { to: 'group', messageId, html: post.html, ...(post.keyboard ? { keyboard: post.keyboard } : {}) }),
  ]);
}

/** A manager asked to set a ticket's category: the choices, as buttons, in the topic. */
export function askTicketCategory(desk: Desk, userId: number, html: string, keyboard: InlineKeyboardMarkup): Promise<void> {
  return desk.outbox.enqueue([notice.make(topicQueue(userId), { to: 'topic', userId, html, keyboard })]);
}

/** Edits a message the bot posted in a user's topic (after a manager chose from it), in the topic's order. */
export function editInTopic(desk: Desk, userId: number, at: { chatId: number; messageId: number }, html: string): Promise<void> {
  return desk.outbox.enqueue([editMessage.make(topicQueue(userId), { to: 'group', chatId: at.chatId, messageId: at.messageId, html })]);
}

/** A choice for the managers in a user's topic (in the group they asked from), as buttons under their message. */
export function offerInTopic(desk: Desk, userId: number, at: { chatId: number; replyTo: number }, html: string, keyboard: InlineKeyboardMarkup): Promise<void> {
  return desk.outbox.enqueue([notice.make(topicQueue(userId), { to: 'topic', userId, chatId: at.chatId, replyTo: at.replyTo, html, keyboard })]);
}
