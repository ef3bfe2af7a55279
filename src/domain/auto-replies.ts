// Auto-replies to typical requests. Admins define rules in /settings: keywords
// or a regular expression, and the canned answer to send. A user's message
// that matches gets the answer at once, with two buttons: «this solved it»
// (the ticket becomes 🏁, recorded as resolved by an auto-reply) and «I
// still need a person» (it stays ❗️ for the managers). The user's message
// and the answer both show in the topic, the answer marked as automatic.
//
// Patterns are users' input to an admin's rule, matched against every
// user's message: a backtracking engine (JavaScript's own) could be stalled
// for minutes by a pattern like (a+)+$ and a long message. RE2 (here its
// JavaScript port, re2js) matches in time linear in the text, and
// refuses what it cannot match that way (lookarounds, backreferences).
import { RE2JS } from 're2js';
import { clearUserButtons, sendAnswer, showAnswer } from '../delivery/jobs/answers.js';
import { noticeToTopic } from '../delivery/jobs/notice.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import { syncTopicName } from '../delivery/jobs/sync-topic-name.js';
import type { NewJob } from '../delivery/outbox.js';
import type { Store } from '../db/queries/index.js';
import { escapeHtml } from '../lib/html.js';
import { answerTranscript, contentFor } from './canned-answers.js';
import { decide, topicQueue, userQueue, type Desk } from './desk.js';
import type { Actor } from './settings-changes.js';

/** A pattern as an admin types it. */
export const PATTERN_MAX = 200;
/** What is matched: Telegram's own limit for a message. */
const TEXT_MAX = 4096;

export type ParsedPattern = { pattern: string; isRegex: boolean } | { error: 'empty' } | { error: 'tooLong' } | { error: 'invalid'; detail: string };

/** «/order\s*\d+/» is a regular expression; anything else is keywords separated by commas. */
export function parsePattern(input: string): ParsedPattern {
  const raw = input.trim();
  if (raw.length > PATTERN_MAX) return { error: 'tooLong' };
  const regex = /^\/(.+)\/i?$/s.exec(raw);
  if (regex) {
    const source = regex[1]!;
    try {
      RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
    } catch (error) {
      return { error: 'invalid', detail: error instanceof Error ? error.message : String(error) };
    }
    return { pattern: source, isRegex: true };
  }
  const words = keywordsOf(raw);
  return words.length ? { pattern: words.join(', '), isRegex: false } : { error: 'empty' };
}

const keywordsOf = (pattern: string) =>
  pattern
    .split(/[,\n]/)
    .map((w) => w.replace(/\s+/g, ' ').trim().toLowerCase())
    .filter(Boolean);

export interface StoredRule {
  id: number;
  pattern: string;
  isRegex: boolean;
  firstMessageOnly: boolean;
  answerId: number;
  answer: { name: string };
}

export interface CompiledRule extends StoredRule {
  matches(text: string): boolean;
}

/** A rule ready to match; undefined for a stored pattern this version cannot use (it was saved by another). */
export function compileRule(rule: StoredRule): CompiledRule | undefined {
  if (rule.isRegex) {
    let re: RE2JS;
    try {
      re = RE2JS.compile(rule.pattern, RE2JS.CASE_INSENSITIVE);
    } catch {
      return undefined;
    }
    return { ...rule, matches: (text) => re.matcher(text.slice(0, TEXT_MAX)).find() };
  }
  const words = keywordsOf(rule.pattern);
  return { ...rule, matches: (text) => words.some((w) => containsWord(text.slice(0, TEXT_MAX).toLowerCase(), w)) };
}

const wordChar = /[\p{L}\p{N}_]/u;

/** «price» is in «the price?» but not in «priceless»: a keyword matches whole words. */
function containsWord(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + 1)) {
    const before = text[at - 1];
    const after = text[at + word.length];
    if ((before === undefined || !wordChar.test(before)) && (after === undefined || !wordChar.test(after))) return true;
  }
  return false;
}

export interface AutoReplyCandidate {
  userId: number;
  firstName: string;
  ticketId: number;
  /** The user's message (its row), which the answer's copy in the topic replies to. */
  messageRowId: number;
  text: string;
  /** The message opened the ticket. */
  firstOfTicket: boolean;
  now: Date;
}

/**
 * Part of the decision about a user's message: the first rule that matches
 * (in the order the admins made them) answers, once per ticket.
 */
export async function answerAutomatically(desk: Desk, store: Store, send: (job: NewJob) => void, c: AutoReplyCandidate): Promise<boolean> {
  if (!desk.settings.get('autoReplies')) return false;
  const rule = desk.settings.autoReplyRules().find((r) => (!r.firstMessageOnly || c.firstOfTicket) && r.matches(c.text));
  if (!rule || (await store.autoAnswered(c.ticketId, rule.answerId))) return false;
  const answer = await store.cannedAnswer(rule.answerId);
  if (!answer) return false;
  const content = contentFor(answer, { name: c.firstName, ticket: c.ticketId });
  const row = await store.addMessage({
    ticketId: c.ticketId,
    userId: c.userId,
    direction: 'OUTBOUND',
    userChatMessageId: null,
    topicMessageId: null,
    kind: answer.kind,
    sentAt: c.now,
    cannedAnswerId: answer.id,
    content: answerTranscript(answer, content),
  });
  send(sendAnswer.make(userQueue(c.userId), { messageId: row.id, userId: c.userId, name: answer.name, content, verdictTicketId: c.ticketId }));
  send(
    showAnswer.make(topicQueue(c.userId), {
      messageId: row.id,
      userId: c.userId,
      header: desk.managerTexts.answers.autoHeader(answer.name),
      content,
      replyToRow: c.messageRowId,
    }),
  );
  return true;
}

export type VerdictOutcome = 'resolved' | 'waits' | 'outdated';

/**
 * The user pressed «solved» or «I need a person» under an automatic answer.
 * Only about their own latest ticket while it is open; the buttons go either
 * way, so nobody presses them again.
 */
export async function userJudgesAutoReply(desk: Desk, v: { userId: number; ticketId: number; solved: boolean; messageId: number }): Promise<VerdictOutcome> {
  const outcome = await decide(desk, async (store, send): Promise<VerdictOutcome> => {
    const ticket = await store.latestTicket(v.userId);
    send(clearUserButtons.make(userQueue(v.userId), { userId: v.userId, messageId: v.messageId }));
    if (!ticket || ticket.id !== v.ticketId || ticket.status === 'RESOLVED') return 'outdated';
    const t = desk.managerTexts.answers;
    if (!v.solved) {
      send(noticeToTopic(v.userId, escapeHtml(t.needsPersonInTopic)));
      return 'waits';
    }
    if (!(await store.changeStatus(ticket.id, ticket.status, 'RESOLVED', null, desk.now(), 'autoReply'))) return 'outdated';
    send(syncTopicName.make(topicQueue(v.userId), { userId: v.userId }, { coalesceKey: `name:${v.userId}` }));
    send(refreshCard.make(topicQueue(v.userId), { ticketId: ticket.id }, { coalesceKey: `card:${ticket.id}` }));
    send(noticeToTopic(v.userId, escapeHtml(t.solvedInTopic)));
    return 'resolved';
  });
  if (outcome === 'resolved') desk.queueChanged();
  return outcome;
}

/** Admins add a rule in /settings: in effect at once. */
export async function addAutoReply(desk: Desk, actor: Actor, rule: { pattern: string; isRegex: boolean; answerId: number }, summary: string): Promise<number> {
  const id = await decide(desk, async (store) => {
    const created = await store.addAutoReply(rule, desk.now());
    await store.logChange(summary, actor, desk.now());
    return created.id;
  });
  await desk.settings.reloadAutoReplies(desk.store);
  return id;
}

export async function setAutoReplyFirstOnly(desk: Desk, actor: Actor, id: number, firstMessageOnly: boolean, summary: string): Promise<boolean> {
  const changed = await decide(desk, async (store) => {
    if ((await store.setAutoReplyFirstOnly(id, firstMessageOnly)).count === 0) return false;
    await store.logChange(summary, actor, desk.now());
    return true;
  });
  await desk.settings.reloadAutoReplies(desk.store);
  return changed;
}

export async function deleteAutoReply(desk: Desk, actor: Actor, id: number, summary: string): Promise<boolean> {
  const deleted = await decide(desk, async (store) => {
    if ((await store.deleteAutoReply(id)).count === 0) return false;
    await store.logChange(summary, actor, desk.now());
    return true;
  });
  await desk.settings.reloadAutoReplies(desk.store);
  return deleted;
}
