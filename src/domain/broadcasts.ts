// Broadcasts: an admin replies to a message in General with /broadcast; the
// bot shows a preview (the message copied back) and a panel to choose the
// audience, attach the NPS question and confirm. Confirmed, each user of the
// audience gets one row (BroadcastRecipient, unique per broadcast and user)
// that delivery/broadcast-sender.ts works through, paced below the relay;
// one progress message in General follows it. Banned users and users known
// to have blocked the bot are never in an audience.
//
// Every change is a decision (one transaction with the messages it queues);
// each moves the broadcast from the state it must be in, so two admins
// pressing at once, or a press of a button that has moved on, change
// nothing twice. A press must also come from the broadcast's own message:
// the panel's buttons from its panel, the progress buttons from its progress
// message (or /broadcasts, for cancelling).
import type { Prisma } from '../generated/sqlite/client.js';
import { broadcastPanel, broadcastProgress, broadcastQueue, progressKey, progressQueue } from '../delivery/jobs/broadcasts.js';
import { editMessage } from '../delivery/jobs/edit-message.js';
import { noticeToGroup, noticeToTopic } from '../delivery/jobs/notice.js';
import type { NewJob } from '../delivery/outbox.js';
import type { Store } from '../db/queries/index.js';
import type { AudienceLanguage } from '../i18n/broadcasts.js';
import { languageOf, textsFor } from '../i18n/index.js';
import { escapeHtml } from '../lib/html.js';
import { decide, userQueue, type Desk } from './desk.js';
import { displayName, type Person } from './people.js';
import { addDays, localInstant, localParts } from './working-hours.js';

export type Audience =
  | { kind: 'all' }
  | { kind: 'recent'; days: number }
  | { kind: 'open' }
  | { kind: 'category'; categoryId: number }
  | { kind: 'language'; language: AudienceLanguage }
  | { kind: 'rating'; max: number };

/** The choices the panel offers. */
export const RECENT_DAYS = [7, 30, 90] as const;
export const RATING_MAX = [1, 2, 3] as const;
export const LANGUAGES: readonly AudienceLanguage[] = ['ru', 'en', 'other'];
const LANGUAGE_CODES: Record<AudienceLanguage, string> = { ru: 'lru', en: 'len', other: 'lxx' };

/** A user's reply to a broadcast is quoted in their topic with this much of it. */
export const EXCERPT_LENGTH = 60;

/** How an audience is stored and carried in a button: all, d30, open, c12, lru, len, lxx, r2. */
export function encodeAudience(a: Audience): string {
  switch (a.kind) {
    case 'all':
      return 'all';
    case 'recent':
      return `d${a.days}`;
    case 'open':
      return 'open';
    case 'category':
      return `c${a.categoryId}`;
    case 'language':
      return LANGUAGE_CODES[a.language];
    case 'rating':
      return `r${a.max}`;
  }
}

/** Only the choices the panel offers decode; anything else (forged, outdated) is undefined. */
export function decodeAudience(code: string): Audience | undefined {
  if (code === 'all') return { kind: 'all' };
  if (code === 'open') return { kind: 'open' };
  const language = LANGUAGES.find((l) => LANGUAGE_CODES[l] === code);
  if (language) return { kind: 'language', language };
  const m = /^([dcr])([1-9]\d{0,8})$/.exec(code);
  if (!m) return undefined;
  const n = Number(m[2]);
  if (m[1] === 'd') return (RECENT_DAYS as readonly number[]).includes(n) ? { kind: 'recent', days: n } : undefined;
  if (m[1] === 'r') return (RATING_MAX as readonly number[]).includes(n) ? { kind: 'rating', max: n } : undefined;
  return { kind: 'category', categoryId: n };
}

/** The users an audience names (before the banned and blocked are left out, see queries/broadcasts.ts). */
export function audienceWhere(a: Audience, now: Date): Prisma.UserWhereInput {
  switch (a.kind) {
    case 'all':
      return {};
    case 'recent':
      return { messages: { some: { direction: 'INBOUND', sentAt: { gte: new Date(now.getTime() - a.days * 86_400_000) } } } };
    case 'open':
      return { tickets: { some: { status: { not: 'RESOLVED' } } } };
    case 'category':
      return { tickets: { some: { categoryId: a.categoryId } } };
    case 'language': {
      const ru = { languageCode: { startsWith: 'ru' } };
      const en = { languageCode: { startsWith: 'en' } };
      // Telegram does not always say: an unknown language is "other".
      if (a.language === 'other') return { OR: [{ languageCode: null }, { AND: [{ NOT: ru }, { NOT: en }] }] };
      return a.language === 'ru' ? ru : en;
    }
    case 'rating':
      return { lastScore: { lte: a.max } };
  }
}

export function audienceSize(desk: Pick<Desk, 'store' | 'now'>, a: Audience): Promise<number> {
  return desk.store.countAudience(audienceWhere(a, desk.now()));
}

/** The first EXCERPT_LENGTH characters of a text or caption (whitespace collapsed), or the kind of a media without one. */
export function excerptOf(text: string | undefined, kind: string): string {
  const clean = (text ?? '').replace(/\s+/g, ' ').trim();
  if (!clean) return `[${kind}]`;
  const chars = [...clean];
  return chars.length <= EXCERPT_LENGTH ? clean : `${chars.slice(0, EXCERPT_LENGTH).join('')}…`;
}

export type WhenParse = { at: Date } | { error: 'invalid' | 'past' };

/** `2026-12-01 10:00` or `2026-12-01 10:00:30`, a wall-clock time in the group's zone; it must be ahead. */
export function parseWhen(arg: string, timeZone: string, now: Date): WhenParse {
  const m = /^(\d{4})-(\d\d)-(\d\d)\s+(\d{1,2}):(\d\d)(?::(\d\d))?$/.exec(arg.trim());
  if (!m) return { error: 'invalid' };
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  // A date that does not exist (02-30) comes back as another one.
  if (hour > 23 || minute > 59 || second > 59 || addDays(date, 0) !== date) return { error: 'invalid' };
  const at = new Date(localInstant(date, hour * 60 + minute, timeZone).getTime() + second * 1000);
  return at.getTime() <= now.getTime() ? { error: 'past' } : { at };
}

/** "2026-12-01 10:00", or with seconds when it has them, in the zone. */
export function formatWhen(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  const seconds = Math.floor(at.getTime() / 1000) % 60;
  return `${p.date} ${pad(Math.floor(p.minutes / 60))}:${pad(p.minutes % 60)}${seconds ? `:${pad(seconds)}` : ''}`;
}

export interface Draft {
  admin: Person;
  sourceMessageId: number;
  commandMessageId: number;
  excerpt: string;
  scheduledAt: Date | null;
}

/** /broadcast: a draft, and its preview and panel in General. */
export function startDraft(desk: Desk, d: Draft): Promise<number> {
  return decide(desk, async (store, send) => {
    const b = await store.createBroadcast({
      sourceMessageId: d.sourceMessageId,
      commandMessageId: d.commandMessageId,
      excerpt: d.excerpt,
      scheduledAt: d.scheduledAt,
      createdById: BigInt(d.admin.id),
      createdByName: displayName(d.admin),
    });
    send(broadcastPanel.make(broadcastQueue(b.id), { broadcastId: b.id }, { coalesceKey: `bpanel:${b.id}` }));
    return b.id;
  });
}

export type PanelAction = 'aud' | 'nps' | 'ok' | 'no' | 'pause' | 'resume' | 'stop' | 'drop';

export type ActOutcome =
  | { outcome: 'audience'; count: number }
  | { outcome: 'nps'; on: boolean }
  | { outcome: 'sending'; count: number }
  | { outcome: 'scheduled' | 'paused' | 'resumed' | 'cancelled' }
  | { outcome: 'empty' | 'timePassed' | 'stale' | 'forged' }
  /** The message pressed was posted, but its id is not recorded yet (a press right away, a slow database): ask again in a moment. */
  | { outcome: 'notYet' };

/** Which of the broadcast's messages a press must come from (`drop`: /broadcasts, any message). */
const BUTTONS_ON: Record<PanelAction, 'controlMessageId' | 'progressMessageId' | null> = {
  aud: 'controlMessageId',
  nps: 'controlMessageId',
  ok: 'controlMessageId',
  no: 'controlMessageId',
  pause: 'progressMessageId',
  resume: 'progressMessageId',
  stop: 'progressMessageId',
  drop: null,
};

/** An admin's press on a broadcast's buttons (the caller checked they are an admin). */
export async function actOnBroadcast(
  desk: Desk,
  p: { action: PanelAction; broadcastId: number; arg: string; messageId: number; admin: Person },
): Promise<ActOutcome> {
  const result = await decide(desk, async (store, send): Promise<ActOutcome> => {
    const b = await store.broadcast(p.broadcastId);
    const on = BUTTONS_ON[p.action];
    if (!b) return { outcome: 'forged' };
    if (on && b[on] === null) {
      const posted = on === 'controlMessageId' ? b.previewMessageId !== null && (b.state === 'DRAFT' || b.state === 'SCHEDULED') : b.startedAt !== null;
      return { outcome: posted ? 'notYet' : 'forged' };
    }
    if (on && b[on] !== p.messageId) return { outcome: 'forged' };
    const now = desk.now();
    const actorName = displayName(p.admin);
    const queue = broadcastQueue(b.id);
    const panel = () => send(broadcastPanel.make(queue, { broadcastId: b.id }, { coalesceKey: `bpanel:${b.id}` }));
    const progress = () => send(broadcastProgress.make(progressQueue(b.id), { broadcastId: b.id }, { coalesceKey: progressKey(b.id) }));
    switch (p.action) {
      case 'aud': {
        const audience = decodeAudience(p.arg);
        const category = audience?.kind === 'category' ? desk.settings.category(audience.categoryId) : undefined;
        if (!audience || (audience.kind === 'category' && (!category || category.archived))) return { outcome: 'forged' };
        if (!(await store.moveBroadcast(b.id, ['DRAFT'], 'DRAFT', { audience: encodeAudience(audience) }))) return { outcome: 'stale' };
        panel();
        return { outcome: 'audience', count: await store.countAudience(audienceWhere(audience, now)) };
      }
      case 'nps': {
        if (!(await store.moveBroadcast(b.id, ['DRAFT'], 'DRAFT', { nps: !b.nps }))) return { outcome: 'stale' };
        panel();
        return { outcome: 'nps', on: !b.nps };
      }
      case 'ok': {
        if (b.state !== 'DRAFT') return { outcome: 'stale' };
        const audience = decodeAudience(b.audience) ?? { kind: 'all' };
        const where = audienceWhere(audience, now);
        if (b.scheduledAt && b.scheduledAt <= now) return { outcome: 'timePassed' };
        if ((await store.countAudience(where)) === 0) return { outcome: 'empty' };
        if (b.scheduledAt) {
          if (!(await store.moveBroadcast(b.id, ['DRAFT'], 'SCHEDULED', { actorName }))) return { outcome: 'stale' };
          panel();
          return { outcome: 'scheduled' };
        }
        if (!(await store.moveBroadcast(b.id, ['DRAFT'], 'RUNNING', { actorName, startedAt: now }))) return { outcome: 'stale' };
        const count = await store.addRecipients(b.id, where);
        panel();
        progress();
        return { outcome: 'sending', count };
      }
      case 'no': {
        if (!(await store.moveBroadcast(b.id, ['DRAFT', 'SCHEDULED'], 'CANCELLED', { actorName, finishedAt: now }))) return { outcome: 'stale' };
        panel();
        return { outcome: 'cancelled' };
      }
      case 'pause': {
        if (!(await store.moveBroadcast(b.id, ['RUNNING'], 'PAUSED', { actorName, pauseReason: null }))) return { outcome: 'stale' };
        progress();
        return { outcome: 'paused' };
      }
      case 'resume': {
        if (!(await store.moveBroadcast(b.id, ['PAUSED'], 'RUNNING', { actorName, pauseReason: null }))) return { outcome: 'stale' };
        progress();
        return { outcome: 'resumed' };
      }
      case 'stop':
      case 'drop': {
        const from = p.action === 'stop' ? (['RUNNING', 'PAUSED'] as const) : (['SCHEDULED', 'RUNNING', 'PAUSED'] as const);
        if (!(await store.moveBroadcast(b.id, [...from], 'CANCELLED', { actorName, finishedAt: now }))) return { outcome: 'stale' };
        if (b.state === 'SCHEDULED') panel();
        else progress();
        return { outcome: 'cancelled' };
      }
    }
  });
  if (result.outcome === 'sending' || result.outcome === 'resumed') desk.broadcasts.changed();
  return result;
}

/** A scheduled broadcast's time came: its audience is read now, and it starts. False when it was no longer scheduled. */
export function fireScheduled(desk: Desk, broadcastId: number): Promise<boolean> {
  return decide(desk, async (store, send) => {
    const b = await store.broadcast(broadcastId);
    const now = desk.now();
    if (!b || !(await store.moveBroadcast(b.id, ['SCHEDULED'], 'RUNNING', { startedAt: now }))) return false;
    const audience = decodeAudience(b.audience) ?? { kind: 'all' };
    await store.addRecipients(b.id, audienceWhere(audience, now));
    const queue = broadcastQueue(b.id);
    send(broadcastPanel.make(queue, { broadcastId: b.id }, { coalesceKey: `bpanel:${b.id}` }));
    send(broadcastProgress.make(progressQueue(b.id), { broadcastId: b.id }, { coalesceKey: progressKey(b.id) }));
    return true;
  });
}

/** Nobody is left to send to: the broadcast is done, and its progress message becomes the summary. */
export function finishBroadcast(desk: Desk, broadcastId: number): Promise<boolean> {
  return decide(desk, async (store, send) => {
    const counts = await store.recipientCounts(broadcastId);
    if (counts.PENDING + counts.SENDING > 0) return false;
    if (!(await store.moveBroadcast(broadcastId, ['RUNNING'], 'DONE', { finishedAt: desk.now() }))) return false;
    send(broadcastProgress.make(progressQueue(broadcastId), { broadcastId }, { coalesceKey: progressKey(broadcastId) }));
    return true;
  });
}

/**
 * The bot cannot go on by itself (the message it copies was deleted, or it
 * lost access to the group): the broadcast pauses, saying why, and the
 * admins are told in General. Nothing is lost: the rest waits, PENDING.
 */
export function pauseByBot(desk: Desk, broadcastId: number, reason: 'sourceGone' | { noAccess: string }): Promise<boolean> {
  return decide(desk, async (store, send) => {
    const t = desk.managerTexts.broadcast;
    const why = reason === 'sourceGone' ? t.sourceGoneReason : t.noAccessReason(reason.noAccess);
    if (!(await store.moveBroadcast(broadcastId, ['RUNNING'], 'PAUSED', { pauseReason: why }))) return false;
    send(broadcastProgress.make(progressQueue(broadcastId), { broadcastId }, { coalesceKey: progressKey(broadcastId) }));
    if (reason === 'sourceGone') send(noticeToGroup(t.sourceGone(broadcastId)));
    return true;
  });
}

export type NpsOutcome = 'answered' | 'already' | 'outdated';

/** A user's press on the NPS question: stored once per user and broadcast; the question then shows the answer. */
export function answerNps(desk: Desk, a: { userId: number; broadcastId: number; score: number; messageId: number }): Promise<NpsOutcome> {
  return decide(desk, async (store, send) => {
    const [recipient, broadcast] = await Promise.all([store.recipient(a.broadcastId, a.userId), store.broadcast(a.broadcastId)]);
    // Forged: a survey this user was not sent, or another message's buttons.
    if (!recipient || !broadcast?.nps || !['SENT', 'SENDING'].includes(recipient.state)) return 'outdated';
    if (recipient.questionMessageId !== null && recipient.questionMessageId !== a.messageId) return 'outdated';
    if (await store.npsAnswer(a.broadcastId, a.userId)) return 'already';
    // Two presses at once: the second hits the key, and decide() retries into "already".
    await store.addNpsAnswer(a.broadcastId, a.userId, a.score, desk.now());
    const user = await store.user(a.userId);
    const t = textsFor(languageOf(user?.languageCode)).broadcast.nps;
    send(editMessage.make(userQueue(a.userId), { to: 'user', userId: a.userId, messageId: a.messageId, text: t.thanks(a.score) }));
    return 'answered';
  });
}

/**
 * Part of the decision about a user's message: when it replies to a
 * broadcast (its copy, or its NPS question), the managers see which one in
 * the topic, before the message's own copy.
 */
export async function quoteBroadcast(desk: Desk, store: Store, send: (job: NewJob) => void, userId: number, replyTo: number): Promise<void> {
  const recipient = await store.recipientByMessage(userId, replyTo);
  if (!recipient) return;
  send(noticeToTopic(userId, desk.managerTexts.broadcast.replyQuote(recipient.broadcast.id, escapeHtml(recipient.broadcast.excerpt))));
}

export interface Nps {
  /** % of 9–10 minus % of 0–6, rounded: -100 to 100. */
  score: number;
  answers: number;
  promoters: number;
  detractors: number;
}

export function npsOf(scores: number[]): Nps | null {
  if (scores.length === 0) return null;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return { score: Math.round(((promoters - detractors) / scores.length) * 100), answers: scores.length, promoters, detractors };
}
