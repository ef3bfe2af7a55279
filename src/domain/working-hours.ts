// The desk's working hours: is it open now, when does it open next, and the
// parsing of what an admin types. Hours are wall-clock times in the support
// group's zone, so every computation goes through that zone (Intl, no tz
// library): the UTC date and the local date differ for hours every day, and
// the offset itself changes twice a year in DST zones.

/** Hours of one weekday, in minutes from local midnight: 0 <= from < to <= 1440. */
export interface DayHours {
  from: number;
  to: number;
}

export interface WorkingHours {
  /** IANA time zone of the support group, like "Europe/Moscow". */
  timeZone: string;
  /** Index 0 = Monday ... 6 = Sunday; null = a day off. */
  days: Array<DayHours | null>;
  /** Local dates off, "YYYY-MM-DD", in timeZone. */
  holidays: string[];
}

export const WEEKDAYS = 7;

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How far ahead nextOpening looks before it gives up. */
const HORIZON_DAYS = 14;

/** No hours set on any day means the desk does not keep hours: it is always open. */
export function keepsHours(h: WorkingHours): boolean {
  return h.days.some((d) => d !== null && d !== undefined);
}

export function isValidTimeZone(tz: string): boolean {
  // Intl treats an empty zone as "no zone given" in some engines; an empty setting is never meant.
  if (tz === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

// Building a DateTimeFormat costs far more than using one, and the same few zones are asked every message.
const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormats.get(timeZone);
  if (!f) {
    // h23, not hour12: false, which renders midnight as "24" in some ICU versions.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    partsFormats.set(timeZone, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(at: number, timeZone: string): Wall {
  const wall: Wall = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of partsFormat(timeZone).formatToParts(at)) {
    if (p.type in wall) wall[p.type as keyof Wall] = Number(p.value);
  }
  return wall;
}

/** The zone's offset from UTC at an instant, in ms (Moscow: +3 h). */
function offsetMs(at: number, timeZone: string): number {
  const w = wallClock(at, timeZone);
  // The wall clock shows whole seconds; compare it with the instant cut to whole seconds too.
  const wholeSeconds = Math.floor(at / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSeconds;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Midnight UTC of a "YYYY-MM-DD" date, as a day number for date arithmetic. */
function dateMs(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Monday = 0, as in WorkingHours.days (getUTCDay has Sunday = 0). */
const weekdayOf = (date: string): number => (new Date(dateMs(date)).getUTCDay() + 6) % 7;

/** The local date "YYYY-MM-DD" and weekday (0=Mon) and minutes since local midnight of an instant in a zone. */
export function localParts(at: Date, timeZone: string): { date: string; weekday: number; minutes: number } {
  const w = wallClock(at.getTime(), timeZone);
  const date = `${String(w.year).padStart(4, '0')}-${pad2(w.month)}-${pad2(w.day)}`;
  return { date, weekday: weekdayOf(date), minutes: w.hour * 60 + w.minute };
}

/**
 * The instant a zone's clocks show `minutes` past midnight of `date`.
 * A DST change makes some wall times happen twice (autumn) and some never
 * (spring); the offset read at the wall time taken as UTC can be the wrong side
 * of the change, so the candidate is checked against its own offset and
 * corrected once.
 */
function zonedInstant(date: string, minutes: number, timeZone: string): number {
  const wall = dateMs(date) + minutes * MINUTE;
  const guess = wall - offsetMs(wall, timeZone);
  const guessOffset = offsetMs(guess, timeZone);
  const retry = wall - guessOffset;
  const fits = (t: number): boolean => offsetMs(t, timeZone) === wall - t;
  if (retry !== guess && !fits(retry)) {
    // Neither side's offset gives this wall time: it falls in a spring-forward gap and
    // never shows. The clocks pass it at the change, so the later reading is the one that is already past it.
    return Math.max(guess, retry);
  }
  // In an autumn overlap the same wall time shows first with the summer offset; the desk
  // opens at the first showing (isOpen already says open then). The offset a day earlier is that summer one.
  const first = wall - offsetMs(retry - DAY, timeZone);
  return first < retry && fits(first) ? first : retry;
}

function hoursOn(h: WorkingHours, date: string): DayHours | null {
  if (h.holidays.includes(date)) return null;
  return h.days[weekdayOf(date)] ?? null;
}

export function isOpen(h: WorkingHours, now: Date): boolean {
  if (!keepsHours(h)) return true;
  const local = localParts(now, h.timeZone);
  const hours = hoursOn(h, local.date);
  return hours !== null && local.minutes >= hours.from && local.minutes < hours.to;
}

/** When the desk opens next: `now` if open now; null if it does not open within the next 14 days (or keeps no hours -> now). */
export function nextOpening(h: WorkingHours, now: Date): Date | null {
  if (isOpen(h, now)) return now;
  const nowMs = now.getTime();
  const today = dateMs(localParts(now, h.timeZone).date);
  // Day 0 is today in the zone: its opening counts only if it is still ahead.
  // One day past the horizon, because a local day straddles two UTC days.
  for (let i = 0; i <= HORIZON_DAYS + 1; i++) {
    const date = dateOf(today + i * DAY);
    const hours = hoursOn(h, date);
    if (!hours) continue;
    const opens = zonedInstant(date, hours.from, h.timeZone);
    if (opens <= nowMs) continue;
    return opens - nowMs <= HORIZON_DAYS * DAY ? new Date(opens) : null;
  }
  return null;
}

const displayFormats = new Map<string, Intl.DateTimeFormat>();

function displayFormat(locale: string, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale} ${timeZone}`;
  let f = displayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    displayFormats.set(key, f);
  }
  return f;
}

/** "Mon, 1 Dec, 09:00" style, in the zone, for 'en'; Russian for 'ru' (e.g. "пн, 1 дек., 09:00" - whatever Intl gives for ru-RU with weekday short, day numeric, month short, hour 2-digit, minute 2-digit, hourCycle h23). */
export function formatInZone(at: Date, timeZone: string, language: 'ru' | 'en'): string {
  if (language === 'ru') return displayFormat('ru-RU', timeZone).format(at);
  // No English locale gives "Mon, 1 Dec": en-US puts the month first and en-GB drops the comma
  // (and writes "Sept"), so the en-US pieces are put in the desk's order.
  const part: Record<string, string> = {};
  for (const p of displayFormat('en-US', timeZone).formatToParts(at)) part[p.type] = p.value;
  return `${part.weekday}, ${part.day} ${part.month}, ${part.hour}:${part.minute}`;
}

const DAY_OFF_WORDS = new Set(['off', '-', '–', '—', 'выходной']);
// Telegram clients turn "-" into an en or em dash as people type, and formatDayHours shows a day off as "—".
const DAY_HOURS = /^(\d{1,2})(?:[:.](\d{2}))?\s*[-–—]\s*(\d{1,2})(?:[:.](\d{2}))?$/;

function clockMinutes(hours: string, minutes: string | undefined): number | null {
  const h = Number(hours);
  const m = minutes === undefined ? 0 : Number(minutes);
  if (m >= 60 || h > 24 || (h === 24 && m > 0)) return null;
  return h * 60 + m;
}

/** A day's hours as typed by an admin: "09:00-18:00", "9-18", "9:30 – 18", "09.00-18.00" -> DayHours; "off", "-", "выходной" (any case) -> null; anything else (or from >= to, or past 24:00; "24:00" allowed as the end) -> 'invalid'. */
export function parseDayHours(text: string): DayHours | null | 'invalid' {
  const t = text.trim().toLowerCase();
  if (DAY_OFF_WORDS.has(t)) return null;
  const m = DAY_HOURS.exec(t);
  if (!m) return 'invalid';
  const from = clockMinutes(m[1]!, m[2]);
  const to = clockMinutes(m[3]!, m[4]);
  // from < to also refuses "24:00" as a start; hours past midnight ("22-02") are two days' hours, not one.
  if (from === null || to === null || from >= to) return 'invalid';
  return { from, to };
}

const clock = (minutes: number): string => `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;

export function formatDayHours(d: DayHours | null): string {
  return d ? `${clock(d.from)}–${clock(d.to)}` : '—';
}

const NO_HOLIDAYS_WORDS = new Set(['none', 'нет', '-', '–', '—']);
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DOTTED_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function holidayDate(token: string): string | null {
  const iso = ISO_DATE.exec(token);
  const dotted = iso ? null : DOTTED_DATE.exec(token);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : dotted ? [dotted[3], dotted[2], dotted[1]] : [];
  if (year === undefined || month === undefined || day === undefined) return null;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return `${year}-${pad2(mo)}-${pad2(d)}`;
}

/** Dates off as typed: "2026-12-31 2027-01-01", separated by spaces, commas or new lines; also "31.12.2026". Returns sorted unique YYYY-MM-DD; "none"/"нет"/"-" -> []; an impossible date (2026-02-30) or garbage -> 'invalid'. */
export function parseHolidays(text: string): string[] | 'invalid' {
  const t = text.trim().toLowerCase();
  if (NO_HOLIDAYS_WORDS.has(t)) return [];
  const dates = new Set<string>();
  for (const token of t.split(/[\s,]+/)) {
    if (token === '') continue;
    const date = holidayDate(token);
    // One bad date refuses the whole list: saving the rest would silently drop a day the admin meant.
    if (!date) return 'invalid';
    dates.add(date);
  }
  return [...dates].sort();
}

/** "2026-11-30 17:05", in the zone: how the bot shows times to managers. */
export function formatStamp(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  return `${p.date} ${String(Math.floor(p.minutes / 60)).padStart(2, '0')}:${String(p.minutes % 60).padStart(2, '0')}`;
}

/** The instant a local date begins in a zone ("2026-12-01" in Europe/Moscow is 2026-11-30T21:00Z). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return new Date(zonedInstant(date, 0, timeZone));
}

/** The instant a zone's clocks show `minutes` past midnight of a local date (a scheduled broadcast's time). */
export function localInstant(date: string, minutes: number, timeZone: string): Date {
  return new Date(zonedInstant(date, minutes, timeZone));
}

/** The local date `days` after `date` (negative: before). */
export function addDays(date: string, days: number): string {
  return dateOf(dateMs(date) + days * DAY);
}

/**
 * How much of [a, b) falls within working hours, in milliseconds; undefined
 * when the desk keeps no hours. Speeds «in working time» are what a team
 * can be judged by: a message at 23:00 answered at 09:05 waited 5 minutes.
 */
export function workingMillis(h: WorkingHours, a: Date, b: Date): number | undefined {
  if (!keepsHours(h)) return undefined;
  const start = a.getTime();
  const end = b.getTime();
  if (end <= start) return 0;
  let total = 0;
  // One day before the first local date: a local day straddles two UTC days.
  const first = addDays(localParts(a, h.timeZone).date, -1);
  for (let i = 0, date = first; i < 800; i++, date = addDays(date, 1)) {
    const dayStart = zonedInstant(date, 0, h.timeZone);
    if (dayStart >= end) break;
    const hours = hoursOn(h, date);
    if (!hours) continue;
    const opens = zonedInstant(date, hours.from, h.timeZone);
    const closes = zonedInstant(date, hours.to, h.timeZone);
    total += Math.max(0, Math.min(closes, end) - Math.max(opens, start));
  }
  return total;
}
