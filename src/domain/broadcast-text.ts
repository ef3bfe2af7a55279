// What broadcasts show the admins in General, as HTML: the panel under the
// preview, the progress message (and at the end its summary), and the
// /broadcasts list. Read from the database by the jobs that send them, so a
// message that waited shows the state as it is when it goes out.
import type { Broadcast } from '../generated/sqlite/client.js';
import type { RecipientStateName } from '../db/queries/broadcasts.js';
import type { Texts } from '../i18n/index.js';
import { escapeHtml } from '../lib/html.js';
import { type Audience, decodeAudience, formatWhen, type Nps } from './broadcasts.js';
import { categoryLabel } from './categories.js';
import type { DeskSettings } from './settings.js';
import { formatStamp } from './working-hours.js';

export type Counts = Record<RecipientStateName, number>;

/** The audience in words (plain). */
export function audienceLabel(t: Texts, settings: Pick<DeskSettings, 'category'>, a: Audience): string {
  const w = t.broadcast.audience;
  switch (a.kind) {
    case 'all':
      return w.all;
    case 'recent':
      return w.recent(a.days);
    case 'open':
      return w.open;
    case 'category': {
      const c = settings.category(a.categoryId);
      return w.category(c ? categoryLabel(c) : `#${a.categoryId}`);
    }
    case 'language':
      return w.language[a.language];
    case 'rating':
      return w.rating(a.max);
  }
}

export const audienceOf = (b: Pick<Broadcast, 'audience'>): Audience => decodeAudience(b.audience) ?? { kind: 'all' };

/** The panel under the preview. `count`: the audience's size now (a draft, a schedule) or the recipients (once started). */
export function renderPanel(t: Texts, settings: Pick<DeskSettings, 'category'>, b: Broadcast, count: number, timeZone: string): string {
  const p = t.broadcast.panel;
  const lines = [p.title(b.id)];
  if (b.state === 'DRAFT') lines.push(p.intro);
  lines.push(p.audience(escapeHtml(audienceLabel(t, settings, audienceOf(b))), count));
  if (b.nps) lines.push(p.nps);
  const who = escapeHtml(b.actorName ?? b.createdByName);
  if (b.state === 'DRAFT') {
    if (b.scheduledAt) lines.push(p.scheduledFor(formatWhen(b.scheduledAt, timeZone), escapeHtml(timeZone)));
    lines.push(p.leftOut);
  } else if (b.state === 'SCHEDULED') {
    lines.push(p.scheduledBy(who, formatWhen(b.scheduledAt ?? b.createdAt, timeZone), escapeHtml(timeZone)));
  } else if (b.state === 'CANCELLED' && !b.startedAt) {
    lines.push(p.cancelledBy(who));
  } else {
    lines.push(p.confirmedBy(who));
  }
  return lines.join('\n');
}

const BAR = 10;

function bar(done: number, total: number): string {
  const share = total === 0 ? 1 : done / total;
  const full = Math.min(BAR, Math.floor(share * BAR));
  return `${'▓'.repeat(full)}${'░'.repeat(BAR - full)} ${Math.floor(share * 100)}%`;
}

/** The progress message; once the broadcast is over, its summary. `perSecond`: the pace lately (0 when unknown). */
export function renderProgress(t: Texts, settings: Pick<DeskSettings, 'category'>, b: Broadcast, counts: Counts, perSecond: number, now: Date): string {
  const p = t.broadcast.progress;
  const total = Object.values(counts).reduce((a, n) => a + n, 0);
  // Left out when their turn came (banned, or known to have blocked the bot meanwhile): counted with the blocked.
  const blocked = counts.BLOCKED + counts.SKIPPED;
  const done = counts.SENT + blocked + counts.FAILED;
  const who = escapeHtml(b.actorName ?? b.createdByName);
  const state =
    b.state === 'PAUSED'
      ? b.pauseReason
        ? p.pausedBecause(escapeHtml(b.pauseReason))
        : p.paused(who)
      : b.state === 'DONE'
        ? p.done(t.stats.duration((b.finishedAt ?? now).getTime() - (b.startedAt ?? b.createdAt).getTime()))
        : b.state === 'CANCELLED'
          ? p.cancelled(who)
          : p.sending;
  const lines = [`${p.title(b.id)} · ${state}`, bar(done, total), p.counts(done, total, counts.SENT, blocked, counts.FAILED)];
  if (b.state === 'RUNNING' && perSecond > 0 && done < total) {
    lines.push(p.speed(perSecond.toFixed(1), t.stats.duration(((total - done) / perSecond) * 1000)));
  }
  if (b.state === 'CANCELLED' && counts.PENDING > 0) lines.push(p.notSent(counts.PENDING));
  lines.push(`👥 ${escapeHtml(audienceLabel(t, settings, audienceOf(b)))}`);
  if (b.nps) lines.push(p.withNps);
  return lines.join('\n');
}

export interface ListedBroadcast {
  b: Broadcast;
  counts: Counts;
  nps: Nps | null;
}

/** /broadcasts: scheduled, under way, and the latest finished ones. */
export function renderList(
  t: Texts,
  settings: Pick<DeskSettings, 'category'>,
  timeZone: string,
  list: { active: ListedBroadcast[]; finished: ListedBroadcast[] },
): string {
  const l = t.broadcast.list;
  const label = (b: Broadcast) => escapeHtml(audienceLabel(t, settings, audienceOf(b)));
  const total = (c: Counts) => Object.values(c).reduce((a, n) => a + n, 0);
  const done = (c: Counts) => c.SENT + c.BLOCKED + c.SKIPPED + c.FAILED;
  const scheduled = list.active.filter((x) => x.b.state === 'SCHEDULED');
  const running = list.active.filter((x) => x.b.state !== 'SCHEDULED');
  const lines = [l.title];
  if (scheduled.length) {
    lines.push('', l.scheduled);
    for (const { b } of scheduled) {
      lines.push(l.scheduledItem(b.id, formatWhen(b.scheduledAt ?? b.createdAt, timeZone), label(b), escapeHtml(b.actorName ?? b.createdByName)));
    }
  }
  if (running.length) {
    lines.push('', l.running);
    for (const { b, counts } of running) lines.push(l.runningItem(b.id, b.state === 'PAUSED', done(counts), total(counts), label(b)));
  }
  if (!scheduled.length && !running.length) lines.push('', l.none);
  if (list.finished.length) {
    lines.push('', l.recent);
    for (const { b, counts, nps } of list.finished) {
      const when = formatStamp(b.finishedAt ?? b.startedAt ?? b.createdAt, timeZone);
      lines.push(l.finishedItem(b.id, b.state === 'CANCELLED', when, counts.SENT, total(counts), nps ? t.broadcast.npsShort(nps.score, nps.answers) : null));
    }
  }
  return lines.join('\n');
}
