// The bot's short answers to people: the /start greeting to a user, and
// answers to managers' commands in the supergroup. They go through the
// outbox like every other message, so they count against Telegram's limits
// and wait out a 429 in their queue instead of holding up a conversation.
import { noticeToGroup, noticeToTopic, noticeToUser } from '../delivery/jobs/notice.js';
import { escapeHtml } from '../lib/html.js';
import type { Language } from '../i18n/index.js';
import type { Desk } from './desk.js';

export function greetUser(desk: Desk, userId: number, language: Language): Promise<void> {
  return desk.outbox.enqueue([noticeToUser(userId, desk.greeting(language))]);
}

/**
 * Answers a manager's message in the supergroup with plain text: in the
 * user's topic when there is one (after what is already queued there), else
 * in the thread it was written in.
 */
export function answerManager(desk: Desk, at: { userId?: number | undefined; threadId?: number | undefined; replyTo: number }, text: string): Promise<void> {
  const html = escapeHtml(text);
  const job = at.userId !== undefined ? noticeToTopic(at.userId, html, at.replyTo) : noticeToGroup(html, { threadId: at.threadId, replyTo: at.replyTo });
  return desk.outbox.enqueue([job]);
}

/** Tells the managers in General (a job failed, the bot lost its rights). */
export function alertGroup(desk: Desk, text: string): Promise<void> {
  return desk.outbox.enqueue([noticeToGroup(escapeHtml(text))]);
}
