// Canned answers: a message managers send often, kept under a name. A
// manager saves one by replying to any message with /save <name>, and sends
// it with /a <name> in a user's topic: it reaches the user like their own
// reply (recorded as theirs, it takes the ticket) and its copy shows in the
// topic. Texts may carry {name} (the user's first name) and {ticket} (the
// ticket number), filled in for each user.
import type { MessageEntity } from 'grammy/types';
import { sendAnswer, showAnswer, type AnswerContent } from '../delivery/jobs/answers.js';
import { decide, topicQueue, userQueue, type Desk } from './desk.js';
import { takeTicket } from './manager-to-user.js';
import type { Person } from './people.js';
import type { Actor } from './settings-changes.js';
import type { MessageContent } from './transcript.js';

export const ANSWER_NAME_MAX = 40;

/** What a saved answer holds: its own text, or where to copy a media message from (with its caption). */
export interface SavedMessage {
  chatId: number;
  messageId: number;
  kind: string;
  text?: string | undefined;
  entities?: MessageEntity[] | undefined;
  fileId?: string | undefined;
}

/** Kinds Telegram lets carry a caption; copying the others (a sticker, a video note) keeps them as they are. */
const CAPTIONABLE = new Set(['photo', 'video', 'document', 'audio', 'animation', 'voice']);

/** "  Prices  2025 " → "Prices 2025"; undefined when it cannot be a name. */
export function parseAnswerName(raw: string): string | undefined {
  const name = raw.replace(/\s+/g, ' ').trim();
  if (!name || name.startsWith('/') || name.length > ANSWER_NAME_MAX) return undefined;
  return name;
}

export type SaveOutcome = { outcome: 'saved'; id: number } | { outcome: 'taken' };

export function saveCannedAnswer(desk: Desk, by: Person, name: string, saved: SavedMessage): Promise<SaveOutcome> {
  return decide(desk, async (store, _send, retry) => {
    // A name is unique in any case: the unique key refuses it, and the retry says so.
    if (retry || (await store.cannedAnswerByName(name))) return { outcome: 'taken' } as const;
    const isText = saved.kind === 'text';
    const created = await store.addCannedAnswer(
      {
        name,
        kind: saved.kind,
        text: saved.text ?? null,
        entities: saved.entities?.length ? JSON.stringify(saved.entities) : null,
        fileId: saved.fileId ?? null,
        sourceChatId: isText ? null : saved.chatId,
        sourceMessageId: isText ? null : saved.messageId,
        createdById: by.id,
      },
      desk.now(),
    );
    return { outcome: 'saved', id: created.id } as const;
  });
}

export interface AnswerRef {
  id: number;
  name: string;
}

/**
 * The answer named exactly (in any case), or the ones whose names contain
 * the query; with no query or no match, all of them (the manager picks).
 */
export async function findAnswers(desk: Desk, query: string): Promise<{ exact?: AnswerRef; matches: AnswerRef[]; all: number }> {
  const all = (await desk.store.cannedAnswers()).map((a) => ({ id: a.id, name: a.name, key: a.key }));
  const q = query.replace(/\s+/g, ' ').trim().toLowerCase();
  const exact = q ? all.find((a) => a.key === q) : undefined;
  if (exact) return { exact: { id: exact.id, name: exact.name }, matches: [], all: all.length };
  const partial = q ? all.filter((a) => a.key.includes(q)) : [];
  return { matches: (partial.length ? partial : all).map((a) => ({ id: a.id, name: a.name })), all: all.length };
}

type CannedRow = NonNullable<Awaited<ReturnType<Desk['store']['cannedAnswer']>>>;

/** What the transcript keeps of an answer as it went to a user. */
export function answerTranscript(answer: CannedRow, content: AnswerContent): MessageContent {
  if (content.type === 'text') return { text: content.text, entities: content.entities };
  return { text: content.caption, entities: content.entities, fileId: answer.fileId ?? undefined, caption: true };
}

/** The answer as it goes to this user: placeholders filled in. */
export function contentFor(answer: CannedRow, values: { name: string; ticket: number | null }): AnswerContent {
  const entities = answer.entities ? (JSON.parse(answer.entities) as MessageEntity[]) : undefined;
  const filled = answer.text === null ? undefined : fillPlaceholders(answer.text, entities, values);
  if (answer.sourceChatId === null || answer.sourceMessageId === null) {
    return { type: 'text', text: filled?.text || answer.name, ...(filled?.entities?.length ? { entities: filled.entities } : {}) };
  }
  return {
    type: 'copy',
    chatId: Number(answer.sourceChatId),
    messageId: answer.sourceMessageId,
    captionable: CAPTIONABLE.has(answer.kind),
    ...(filled ? { caption: filled.text } : {}),
    ...(filled?.entities?.length ? { entities: filled.entities } : {}),
  };
}

const PLACEHOLDER = /\{(name|ticket)\}/g;

/**
 * Fills in {name} and {ticket}. Entities keep covering the same words: one
 * that starts or ends after a placeholder moves by the difference in
 * length, one around it grows or shrinks with it (offsets in UTF-16 units,
 * as Telegram counts and as JavaScript strings are indexed).
 */
export function fillPlaceholders(
  text: string,
  entities: MessageEntity[] | undefined,
  values: { name: string; ticket: number | null },
): { text: string; entities?: MessageEntity[] } {
  const swaps: { at: number; end: number; delta: number }[] = [];
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const value = m[1] === 'name' ? values.name : values.ticket === null ? '' : `#${values.ticket}`;
    out += text.slice(last, m.index) + value;
    last = m.index + m[0].length;
    swaps.push({ at: m.index, end: last, delta: value.length - m[0].length });
  }
  if (swaps.length === 0) return { text, ...(entities ? { entities } : {}) };
  out += text.slice(last);
  // Where an old position lands: past every placeholder that ends at or before it.
  const moved = (pos: number) => pos + swaps.filter((s) => s.end <= pos).reduce((sum, s) => sum + s.delta, 0);
  const shifted = entities
    ?.map((e) => {
      const start = moved(e.offset);
      return { ...e, offset: start, length: moved(e.offset + e.length) - start };
    })
    .filter((e) => e.length > 0);
  return { text: out, ...(shifted?.length ? { entities: shifted } : {}) };
}

export interface CannedSend {
  manager: Person;
  userId: number;
  /** The group and the message in the topic that asked for it (the /a command, or the list a manager picked from). */
  chatId: number;
  messageId: number;
  sentAt: Date;
  answerId: number;
}

export type CannedOutcome = { outcome: 'queued'; name: string } | { outcome: 'duplicate' } | { outcome: 'unknown' };

/** A manager sends a canned answer: recorded as their reply, and it takes the ticket like one. */
export async function sendCannedAnswer(desk: Desk, s: CannedSend): Promise<CannedOutcome> {
  let taken = false;
  const result = await decide(desk, async (store, send, retry): Promise<CannedOutcome> => {
    taken = false;
    // The same /a (or the same list) sends once: its message id is the reply's key in the topic.
    if (retry && (await store.messageInTopic(s.userId, s.chatId, s.messageId))) return { outcome: 'duplicate' } as const;
    const answer = await store.cannedAnswer(s.answerId);
    if (!answer) return { outcome: 'unknown' } as const;
    const now = desk.now();
    await store.touchManager(s.manager, now);
    const ticket = await store.latestTicket(s.userId);
    const user = await store.user(s.userId);
    const content = contentFor(answer, { name: user?.firstName ?? '', ticket: ticket?.id ?? null });
    const message = await store.addMessage({
      ticketId: ticket?.id ?? null,
      userId: s.userId,
      direction: 'OUTBOUND',
      managerId: s.manager.id,
      userChatMessageId: null,
      topicMessageId: s.messageId,
      topicChatId: s.chatId,
      kind: answer.kind,
      sentAt: s.sentAt,
      cannedAnswerId: answer.id,
      content: answerTranscript(answer, content),
    });
    send(sendAnswer.make(userQueue(s.userId), { messageId: message.id, userId: s.userId, name: answer.name, content }));
    send(
      showAnswer.make(topicQueue(s.userId), {
        messageId: message.id,
        userId: s.userId,
        chatId: s.chatId,
        header: desk.managerTexts.answers.sentHeader(answer.name),
        content,
        replyTo: s.messageId,
      }),
    );
    if (ticket) taken = await takeTicket(desk, store, send, ticket, s.manager.id, s.userId, now);
    return { outcome: 'queued', name: answer.name } as const;
  });
  if (taken) desk.queueChanged();
  return result;
}

/** Admins rename a canned answer in /settings; a name taken (in any case) by another answer is refused. */
export function renameCannedAnswer(desk: Desk, actor: Actor, id: number, name: string, summary: string): Promise<'renamed' | 'taken' | 'unknown'> {
  return decide(desk, async (store, _send, retry) => {
    const taken = await store.cannedAnswerByName(name);
    if (retry || (taken && taken.id !== id)) return 'taken' as const;
    if ((await store.renameCannedAnswer(id, name)).count === 0) return 'unknown' as const;
    await store.logChange(summary, actor, desk.now());
    return 'renamed' as const;
  });
}

/** Admins delete a canned answer in /settings; its auto-reply rules go with it. */
export async function deleteCannedAnswer(desk: Desk, actor: Actor, id: number, summary: string): Promise<boolean> {
  const deleted = await decide(desk, async (store) => {
    if ((await store.deleteCannedAnswer(id)).count === 0) return false;
    await store.logChange(summary, actor, desk.now());
    return true;
  });
  await desk.settings.reloadAutoReplies(desk.store);
  return deleted;
}
