// Working hours: the zone's wall clock, openings across days off, holidays and
// DST changes, and the parsing of what an admin types. Pure functions, no harness.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DayHours,
  formatDayHours,
  formatInZone,
  isOpen,
  isValidTimeZone,
  keepsHours,
  localParts,
  nextOpening,
  parseDayHours,
  parseHolidays,
  WEEKDAYS,
  type WorkingHours,
} from '../../src/domain/working-hours.js';

const nineToSix: DayHours = { from: 9 * 60, to: 18 * 60 };
/** Monday to Friday 09:00–18:00, weekends off. */
const weekdays = (timeZone: string, holidays: string[] = []): WorkingHours => ({
  timeZone,
  days: [nineToSix, nineToSix, nineToSix, nineToSix, nineToSix, null, null],
  holidays,
});
const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;

describe('localParts', () => {
  // Catches: reading the date and weekday in UTC (toISOString, getUTCDay) instead
  // of the zone: 22:30Z on Monday is already Tuesday 01:30 in Moscow.
  // Tried: localParts read the wall clock in 'UTC' -> failed.
  test('the local date, weekday and minutes differ from the UTC ones east of UTC', () => {
    assert.deepEqual(localParts(at('2026-11-30T22:30:00Z'), 'Europe/Moscow'), { date: '2026-12-01', weekday: 1, minutes: 90 });
    assert.deepEqual(localParts(at('2026-11-30T22:30:00Z'), 'UTC'), { date: '2026-11-30', weekday: 0, minutes: 22 * 60 + 30 });
  });

  // Catches: a weekday numbered from Sunday (getDay) instead of Monday = 0, and the
  // local date west of UTC, where it is a day behind.
  // Tried: weekdayOf returned getUTCDay() as is -> failed.
  test('Sunday is 6 and midnight is minute 0, also west of UTC', () => {
    // 10:00Z on Monday is still Sunday midnight in Adak (UTC-10 in winter).
    assert.deepEqual(localParts(at('2026-11-30T10:00:00Z'), 'America/Adak'), { date: '2026-11-30', weekday: 0, minutes: 0 });
    assert.deepEqual(localParts(at('2026-11-30T09:59:00Z'), 'America/Adak'), { date: '2026-11-29', weekday: 6, minutes: 23 * 60 + 59 });
  });
});

describe('isOpen', () => {
  // Catches: comparing the local minutes with the wrong day's hours: in Kiritimati
  // (+14) 20:00Z Monday is Tuesday 10:00, and only Tuesday has hours.
  test('uses the weekday of the local date', () => {
    const tuesdayOnly: WorkingHours = { timeZone: 'Pacific/Kiritimati', days: [null, nineToSix, null, null, null, null, null], holidays: [] };
    assert.equal(isOpen(tuesdayOnly, at('2026-11-30T20:00:00Z')), true);
    assert.equal(isOpen(tuesdayOnly, at('2026-12-01T20:00:00Z')), false, 'Wednesday 10:00 there');
  });

  // Catches: an off-by-one at the ends: open from `from` inclusive to `to` exclusive.
  test('opens at from and closes at to', () => {
    const h = weekdays('Europe/Moscow');
    assert.equal(isOpen(h, at('2026-12-01T05:59:59Z')), false, '08:59:59');
    assert.equal(isOpen(h, at('2026-12-01T06:00:00Z')), true, '09:00');
    assert.equal(isOpen(h, at('2026-12-01T14:59:59Z')), true, '17:59:59');
    assert.equal(isOpen(h, at('2026-12-01T15:00:00Z')), false, '18:00');
  });

  // Catches: a holiday listed by its local date not closing the desk.
  test('closed on a holiday that would be a working day', () => {
    assert.equal(isOpen(weekdays('Europe/Moscow', ['2026-12-01']), at('2026-12-01T07:00:00Z')), false);
  });

  // Catches: a desk that set no hours being reported closed (every user would get the
  // "we are closed" reply forever), even when it lists holidays.
  test('a desk that keeps no hours is always open', () => {
    const none: WorkingHours = { timeZone: 'Europe/Moscow', days: Array(WEEKDAYS).fill(null), holidays: ['2026-12-01'] };
    assert.equal(keepsHours(none), false);
    assert.equal(keepsHours(weekdays('Europe/Moscow')), true);
    for (const t of ['2026-11-29T12:00:00Z', '2026-12-01T07:00:00Z', '2026-12-01T23:00:00Z']) {
      assert.equal(isOpen(none, at(t)), true, t);
    }
    assert.equal(iso(nextOpening(none, at('2026-12-01T07:00:00Z'))), '2026-12-01T07:00:00.000Z');
  });
});

describe('nextOpening', () => {
  const moscow = weekdays('Europe/Moscow');

  // Catches: returning a later time (or null) while the desk is open.
  test('now, when open now', () => {
    assert.equal(iso(nextOpening(moscow, at('2026-12-01T10:00:00Z'))), '2026-12-01T10:00:00.000Z');
  });

  // Catches: skipping today's opening when it is still ahead (answering "tomorrow" at 07:00).
  test('later today, before opening', () => {
    assert.equal(iso(nextOpening(moscow, at('2026-11-30T04:00:00Z'))), '2026-11-30T06:00:00.000Z');
  });

  // Catches: answering with today's opening, already in the past, right after closing.
  test('the next working day, right after closing', () => {
    assert.equal(iso(nextOpening(moscow, at('2026-11-30T15:00:00Z'))), '2026-12-01T06:00:00.000Z');
  });

  // Catches: the weekend not being skipped (Friday evening -> Saturday).
  test('days off are skipped', () => {
    assert.equal(iso(nextOpening(moscow, at('2026-12-04T16:00:00Z'))), '2026-12-07T06:00:00.000Z');
  });

  // Catches: a holiday not being skipped, both the next day and today.
  test('holidays are skipped, also when today is one', () => {
    const h = weekdays('Europe/Moscow', ['2026-12-01', '2026-12-02']);
    assert.equal(iso(nextOpening(h, at('2026-11-30T16:00:00Z'))), '2026-12-03T06:00:00.000Z', 'Monday evening');
    assert.equal(iso(nextOpening(h, at('2026-12-01T05:00:00Z'))), '2026-12-03T06:00:00.000Z', 'Tuesday 08:00, a holiday');
  });

  // Catches: taking the UTC date as today and trusting today's opening to be still ahead:
  // 05:00Z Friday is 19:00 Friday in Kiritimati (+14), after closing; the UTC reading
  // ("Friday, before opening") would answer Friday 09:00 there, already in the past.
  test('Pacific/Kiritimati (+14): Friday evening -> Monday 09:00, which is Sunday in UTC', () => {
    const h = weekdays('Pacific/Kiritimati');
    assert.equal(iso(nextOpening(h, at('2026-12-04T05:00:00Z'))), '2026-12-06T19:00:00.000Z');
  });

  // Catches: taking the UTC date as today west of UTC, where it is a day ahead: 01:00Z
  // Tuesday is Monday 15:00 in Adak (UTC-10), and an evening desk still opens that Monday.
  // Tried: localParts read the wall clock in 'UTC' -> failed (answered Tuesday).
  test('America/Adak (-10): the opening is later on the local day, which is a day behind UTC', () => {
    const evenings: DayHours = { from: 18 * 60, to: 23 * 60 };
    const h: WorkingHours = { timeZone: 'America/Adak', days: [evenings, evenings, evenings, evenings, evenings, null, null], holidays: [] };
    assert.equal(iso(nextOpening(h, at('2026-12-01T01:00:00Z'))), '2026-12-01T04:00:00.000Z');
    assert.equal(isOpen(h, at('2026-12-01T05:00:00Z')), true, 'Monday 19:00 there');
    assert.equal(iso(nextOpening(h, at('2026-12-01T09:00:00Z'))), '2026-12-02T04:00:00.000Z', 'Monday 23:00 there, just closed');
  });

  // Catches: converting the wall time with the offset of `now` (or of a fixed day)
  // instead of the offset on the opening day: Berlin moves to CEST on 29 March 2026.
  // Tried: zonedInstant used the offset three days before the wall time -> failed.
  test('Europe/Berlin DST: 09:00 is 08:00Z on Friday 27 March and 07:00Z on Monday 30 March', () => {
    const h = weekdays('Europe/Berlin');
    assert.equal(iso(nextOpening(h, at('2026-03-27T05:00:00Z'))), '2026-03-27T08:00:00.000Z');
    assert.equal(iso(nextOpening(h, at('2026-03-27T18:00:00Z'))), '2026-03-30T07:00:00.000Z');
    // And back to CET on 25 October.
    assert.equal(iso(nextOpening(h, at('2026-10-23T17:00:00Z'))), '2026-10-26T08:00:00.000Z');
  });

  // Catches: an opening inside the changes themselves going wrong: in a spring gap the
  // wall time never shows (the desk opens when the clocks jump past it), and in an
  // autumn overlap it shows twice (the desk opens at the first).
  test('an opening in a DST gap or overlap, east and west of UTC', () => {
    const sundayAt = (timeZone: string, from: number): WorkingHours => ({
      timeZone,
      days: [null, null, null, null, null, null, { from, to: 12 * 60 }],
      holidays: [],
    });
    const twoThirty = 2 * 60 + 30;
    const oneThirty = 60 + 30;
    // Berlin 29 March: 02:00 CET -> 03:00 CEST at 01:00Z. 02:30 never shows; 03:30 CEST is 01:30Z.
    assert.equal(iso(nextOpening(sundayAt('Europe/Berlin', twoThirty), at('2026-03-28T12:00:00Z'))), '2026-03-29T01:30:00.000Z');
    // Berlin 25 October: 03:00 CEST -> 02:00 CET at 01:00Z. 02:30 CEST is 00:30Z.
    assert.equal(iso(nextOpening(sundayAt('Europe/Berlin', twoThirty), at('2026-10-24T12:00:00Z'))), '2026-10-25T00:30:00.000Z');
    // New York 8 March: 02:00 EST -> 03:00 EDT at 07:00Z. 03:30 EDT is 07:30Z.
    assert.equal(iso(nextOpening(sundayAt('America/New_York', twoThirty), at('2026-03-07T12:00:00Z'))), '2026-03-08T07:30:00.000Z');
    // New York 1 November: 02:00 EDT -> 01:00 EST at 06:00Z. 01:30 EDT is 05:30Z.
    assert.equal(iso(nextOpening(sundayAt('America/New_York', oneThirty), at('2026-10-31T12:00:00Z'))), '2026-11-01T05:30:00.000Z');
  });

  // Catches: looping forever (or answering months ahead) when the desk does not open soon.
  test('null when the desk does not open within 14 days', () => {
    const mondays: WorkingHours = { timeZone: 'Europe/Moscow', days: [nineToSix, null, null, null, null, null, null], holidays: ['2026-12-07'] };
    // Monday evening: the next Monday is a holiday, the one after is 13 days and 15 hours away.
    assert.equal(iso(nextOpening(mondays, at('2026-11-30T15:00:00Z'))), '2026-12-14T06:00:00.000Z');
    const withTwo = { ...mondays, holidays: ['2026-12-07', '2026-12-14'] };
    assert.equal(nextOpening(withTwo, at('2026-11-30T15:00:00Z')), null);
    const allHolidays = { ...weekdays('Europe/Moscow'), holidays: Array.from({ length: 20 }, (_, i) => `2026-12-${String(i + 1).padStart(2, '0')}`) };
    assert.equal(nextOpening(allHolidays, at('2026-11-30T15:00:00Z')), null);
  });
});

describe('time zones and display', () => {
  // Catches: accepting a zone Intl cannot use (every later call would throw), or the empty setting.
  test('isValidTimeZone', () => {
    for (const tz of ['Europe/Moscow', 'UTC', 'America/Adak', 'Pacific/Kiritimati']) assert.equal(isValidTimeZone(tz), true, tz);
    for (const tz of ['', 'Mars/Olympus', 'Europe/Moskow', 'GMT+25', 'not a zone']) assert.equal(isValidTimeZone(tz), false, tz);
  });

  // Catches: formatting in the server's zone, or en-US's "Tue, Dec 1" order.
  test('formatInZone shows the zone wall clock', () => {
    const opening = at('2026-12-01T06:00:00Z');
    assert.equal(formatInZone(opening, 'Europe/Moscow', 'en'), 'Tue, 1 Dec, 09:00');
    assert.equal(formatInZone(at('2026-09-07T00:05:00Z'), 'UTC', 'en'), 'Mon, 7 Sep, 00:05');
    const ru = new Intl.DateTimeFormat('ru-RU', {
      timeZone: 'Europe/Moscow',
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(opening);
    assert.equal(formatInZone(opening, 'Europe/Moscow', 'ru'), ru);
    assert.match(formatInZone(opening, 'Europe/Moscow', 'ru'), /^вт, 1 дек\.?, 09:00$/);
  });
});

describe('parseDayHours and formatDayHours', () => {
  // Catches: refusing the ways admins actually type hours.
  test('accepted forms', () => {
    const cases: Array<[string, DayHours]> = [
      ['09:00-18:00', { from: 540, to: 1080 }],
      ['9-18', { from: 540, to: 1080 }],
      ['9:30 – 18', { from: 570, to: 1080 }],
      ['09.00-18.00', { from: 540, to: 1080 }],
      ['  10:15 — 19:45 ', { from: 615, to: 1185 }],
      ['0-24', { from: 0, to: 1440 }],
      ['00:00-24:00', { from: 0, to: 1440 }],
    ];
    for (const [text, want] of cases) assert.deepEqual(parseDayHours(text), want, text);
    for (const text of ['off', 'OFF', '-', 'Выходной', 'ВЫХОДНОЙ', '—']) assert.equal(parseDayHours(text), null, text);
  });

  // Catches: saving hours that can never be open (from >= to) or do not exist on a clock.
  test('refused forms', () => {
    for (const text of ['', 'always', '18-9', '9-9', '9:00-24:30', '25-26', '24:00-24:00', '9:60-18', '9:5-18', '9', '9-18-20', '09:00 18:00', 'пн 9-18']) {
      assert.equal(parseDayHours(text), 'invalid', text);
    }
  });

  // Catches: a formatted day not reading back as the same hours.
  test('formatDayHours pads, uses an en dash, and shows a day off as an em dash; parse reads it back', () => {
    assert.equal(formatDayHours({ from: 570, to: 1080 }), '09:30–18:00');
    assert.equal(formatDayHours({ from: 0, to: 1440 }), '00:00–24:00');
    assert.equal(formatDayHours(null), '—');
    for (const d of [{ from: 570, to: 1080 }, { from: 0, to: 1440 }, null]) assert.deepEqual(parseDayHours(formatDayHours(d)), d);
  });
});

describe('parseHolidays', () => {
  // Catches: one separator or one format not being understood, duplicates kept, or input order kept.
  test('accepted forms: sorted, unique, YYYY-MM-DD', () => {
    assert.deepEqual(parseHolidays('2027-01-01 2026-12-31'), ['2026-12-31', '2027-01-01']);
    assert.deepEqual(parseHolidays('31.12.2026, 1.1.2027,\n2026-12-31\n\n07.01.2027'), ['2026-12-31', '2027-01-01', '2027-01-07']);
    assert.deepEqual(parseHolidays('2028-02-29'), ['2028-02-29'], 'a leap day');
    for (const text of ['none', 'None', 'нет', 'НЕТ', '-', ' - ']) assert.deepEqual(parseHolidays(text), [], text);
  });

  // Catches: an impossible date rolling over (Date.UTC makes 2026-02-30 into 2 March) or garbage passing.
  test('refused forms', () => {
    for (const text of [
      '2026-02-30',
      '2026-02-29',
      '2100-02-29',
      '2026-13-01',
      '2026-00-10',
      '32.01.2026',
      '2026-12-31 tomorrow',
      '2026/12/31',
      '31.12.26',
      'завтра',
    ]) {
      assert.equal(parseHolidays(text), 'invalid', text);
    }
  });
});
