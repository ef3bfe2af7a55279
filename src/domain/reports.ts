// The managers' scoreboard, read from the full history: volume, speed,
// quality, per manager, by category and by hour, for a period. A read model:
// it only reads, with a handful of indexed queries per report, and knows
// nothing of how the report is shown (see report-text.ts and
// reports/chart.ts).
import { fullName } from './people.js';
import { npsOf, type Nps } from './broadcasts.js';
import { categoryLabel } from './categories.js';
import type { Desk } from './desk.js';
import { addDays, keepsHours, localParts, startOfLocalDay, workingMillis } from './working-hours.js';

export interface Period {
  from: Date;
  to: Date;
}

export interface Spread {
  /** Milliseconds. */
  median: number;
  p90: number;
  count: number;
}

export interface ManagerScore {
  id: number;
  name: string;
  replies: number;
  taken: number;
  resolved: number;
  medianFirstResponse: number | null;
  ratings: number;
  positive: number;
}

export interface Report {
  period: Period;
  timeZone: string;
  opened: number;
  resolvedByManagers: number;
  resolvedByAutoReply: number;
  resolvedOther: number;
  reopened: number;
  openAtEnd: number;
  messagesIn: number;
  messagesOut: number;
  firstResponse: Spread | null;
  resolution: Spread | null;
  /** Only when the desk keeps working hours. */
  firstResponseWorking: Spread | null;
  resolutionWorking: Spread | null;
  /** Tickets still waiting for a first answer for longer than the threshold (at the period's end). */
  waitingLong: number;
  waitingThresholdMinutes: number;
  ratings: number;
  positive: number;
  low: number;
  surveys: number;
  /** Product surveys (broadcasts with the NPS question): the answers given in the period; null when there were none. */
  nps: Nps | null;
  managers: ManagerScore[];
  categories: { label: string; opened: number }[];
  /** Tickets opened per hour of day (local), 0-23: when requests come in. */
  hours: number[];
  /** Tickets opened and resolved per local day. */
  days: { date: string; opened: number; resolved: number }[];
}

/** A waiting ticket is «waiting long» past this. */
export const WAITING_LONG_MINUTES = 30;
const MAX_DAYS = 400;

export type PeriodParse = { period: Period; label: string } | { error: 'invalid' | 'tooLong' };

/** `today`, `7d`, `30d` (any number of days), or two local dates `2026-11-01 2026-11-30` (both included). Empty: 7d. */
export function parsePeriod(arg: string, timeZone: string, now: Date): PeriodParse {
  const words = arg.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const today = localParts(now, timeZone).date;
  if (words.length === 0) return { period: { from: new Date(now.getTime() - 7 * 86_400_000), to: now }, label: '7d' };
  if (words.length === 1 && (words[0] === 'today' || words[0] === 'сегодня')) {
    return { period: { from: startOfLocalDay(today, timeZone), to: now }, label: today };
  }
  const days = words.length === 1 ? /^(\d{1,3})d$/.exec(words[0]!) : null;
  if (days) {
    const n = Number(days[1]);
    if (n < 1) return { error: 'invalid' };
    if (n > MAX_DAYS) return { error: 'tooLong' };
    return { period: { from: new Date(now.getTime() - n * 86_400_000), to: now }, label: `${n}d` };
  }
  const dates = words.length === 2 && words.every((w) => /^\d{4}-\d\d-\d\d$/.test(w) && !Number.isNaN(Date.parse(w))) ? words : null;
  if (!dates) return { error: 'invalid' };
  const [a, b] = dates as [string, string];
  if (a > b) return { error: 'invalid' };
  if ((Date.parse(b) - Date.parse(a)) / 86_400_000 >= MAX_DAYS) return { error: 'tooLong' };
  return { period: { from: startOfLocalDay(a, timeZone), to: startOfLocalDay(addDays(b, 1), timeZone) }, label: `${a} – ${b}` };
}

function spread(values: number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { median: at(0.5), p90: at(0.9), count: sorted.length };
}

export async function readReport(desk: Desk, period: Period): Promise<Report> {
  const db = desk.db;
  const hours = desk.settings.hours();
  const tz = hours.timeZone;
  const inPeriod = { gte: period.from, lt: period.to };
  const [tickets, resolvedChanges, reopened, openAtEnd, messagesIn, messagesOut, takenChanges, replies, ratings, surveys, waitingLong] = await Promise.all([
    db.ticket.findMany({
      where: { openedAt: inPeriod },
      select: { id: true, openedAt: true, firstResponseAt: true, resolvedAt: true, assigneeId: true, categoryId: true },
    }),
    db.statusChange.findMany({
      where: { to: 'RESOLVED', at: inPeriod },
      select: { ticketId: true, actorId: true, via: true, at: true, ticket: { select: { openedAt: true } } },
    }),
    db.statusChange.count({ where: { from: 'RESOLVED', at: inPeriod } }),
    db.ticket.count({ where: { openedAt: { lt: period.to }, OR: [{ resolvedAt: null }, { resolvedAt: { gte: period.to } }] } }),
    db.message.count({ where: { direction: 'INBOUND', sentAt: inPeriod } }),
    db.message.count({ where: { direction: 'OUTBOUND', sentAt: inPeriod } }),
    db.statusChange.groupBy({ by: ['actorId'], where: { to: 'IN_WORK', at: inPeriod, actorId: { not: null } }, _count: { _all: true } }),
    db.message.groupBy({ by: ['managerId'], where: { direction: 'OUTBOUND', sentAt: inPeriod, managerId: { not: null } }, _count: { _all: true } }),
    db.rating.findMany({ where: { ratedAt: inPeriod, score: { not: null } }, select: { score: true, ticket: { select: { assigneeId: true } } } }),
    db.rating.count({ where: { sentAt: inPeriod } }),
    db.ticket.count({
      where: { status: 'WAITING', firstResponseAt: null, openedAt: { lt: new Date(period.to.getTime() - WAITING_LONG_MINUTES * 60_000) } },
    }),
  ]);

  const npsScores = await desk.store.npsScores({ answeredAt: inPeriod });
  const working = keepsHours(hours);
  const answered = tickets.filter((t) => t.firstResponseAt !== null);
  const firstResponse = answered.map((t) => t.firstResponseAt!.getTime() - t.openedAt.getTime());
  const byManager = resolvedChanges.filter((c) => c.actorId !== null);
  const resolution = resolvedChanges.map((c) => c.at.getTime() - c.ticket.openedAt.getTime());

  // Per manager: everyone who replied, took or resolved something, or whose tickets were rated.
  const scores = new Map<number, ManagerScore>();
  const score = (id: bigint) => {
    const key = Number(id);
    let s = scores.get(key);
    if (!s) {
      s = { id: key, name: String(key), replies: 0, taken: 0, resolved: 0, medianFirstResponse: null, ratings: 0, positive: 0 };
      scores.set(key, s);
    }
    return s;
  };
  for (const r of replies) if (r.managerId !== null) score(r.managerId).replies += r._count._all;
  for (const c of takenChanges) if (c.actorId !== null) score(c.actorId).taken += c._count._all;
  for (const c of byManager) score(c.actorId!).resolved += 1;
  for (const r of ratings) {
    if (r.ticket.assigneeId === null) continue;
    const s = score(r.ticket.assigneeId);
    s.ratings += 1;
    if (r.score! >= 4) s.positive += 1;
  }
  const responseByManager = new Map<number, number[]>();
  for (const t of answered) {
    if (t.assigneeId === null) continue;
    const list = responseByManager.get(Number(t.assigneeId)) ?? [];
    list.push(t.firstResponseAt!.getTime() - t.openedAt.getTime());
    responseByManager.set(Number(t.assigneeId), list);
  }
  for (const [id, list] of responseByManager) score(BigInt(id)).medianFirstResponse = spread(list)?.median ?? null;
  const people = await db.manager.findMany({ where: { id: { in: [...scores.keys()].map(BigInt) } } });
  for (const p of people) score(p.id).name = fullName({ first_name: p.firstName, last_name: p.lastName });

  const categories = new Map<string, number>();
  for (const t of tickets) {
    const c = desk.settings.category(t.categoryId);
    if (c) categories.set(categoryLabel(c), (categories.get(categoryLabel(c)) ?? 0) + 1);
  }
  const byHour = Array.from({ length: 24 }, () => 0);
  // From the tickets already read: reading every message of a long period would cost seconds.
  for (const t of tickets) byHour[Math.floor(localParts(t.openedAt, tz).minutes / 60)]! += 1;

  const days = new Map<string, { date: string; opened: number; resolved: number }>();
  const first = localParts(period.from, tz).date;
  const last = localParts(new Date(period.to.getTime() - 1), tz).date;
  for (let d = first, i = 0; d <= last && i < 400; d = addDays(d, 1), i++) days.set(d, { date: d, opened: 0, resolved: 0 });
  for (const t of tickets) {
    const day = days.get(localParts(t.openedAt, tz).date);
    if (day) day.opened += 1;
  }
  for (const c of resolvedChanges) {
    const day = days.get(localParts(c.at, tz).date);
    if (day) day.resolved += 1;
  }

  return {
    period,
    timeZone: tz,
    opened: tickets.length,
    resolvedByManagers: byManager.length,
    resolvedByAutoReply: resolvedChanges.filter((c) => c.actorId === null && c.via === 'autoReply').length,
    resolvedOther: resolvedChanges.filter((c) => c.actorId === null && c.via !== 'autoReply').length,
    reopened,
    openAtEnd,
    messagesIn,
    messagesOut,
    firstResponse: spread(firstResponse),
    resolution: spread(resolution),
    firstResponseWorking: working ? spread(answered.map((t) => workingMillis(hours, t.openedAt, t.firstResponseAt!)!)) : null,
    resolutionWorking: working ? spread(resolvedChanges.map((c) => workingMillis(hours, c.ticket.openedAt, c.at)!)) : null,
    waitingLong,
    waitingThresholdMinutes: WAITING_LONG_MINUTES,
    ratings: ratings.length,
    positive: ratings.filter((r) => r.score! >= 4).length,
    low: ratings.filter((r) => r.score! <= 2).length,
    surveys,
    nps: npsOf(npsScores.map((a) => a.score)),
    managers: [...scores.values()].sort((a, b) => b.replies - a.replies || a.name.localeCompare(b.name)),
    categories: [...categories].map(([label, opened]) => ({ label, opened })).sort((a, b) => b.opened - a.opened),
    hours: byHour,
    days: [...days.values()],
  };
}
