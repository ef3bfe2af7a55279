// The queue board's rendering (domain/queue-board.ts), on fixed data: wait
// times shown coarsely, the ⚠️ threshold, escaping, and a long queue cut to
// one Telegram message, checked with the fake Bot API's own HTML parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BoardData, coarseWait, renderBoard } from '../../src/domain/queue-board.js';
import { en } from '../../src/i18n/en.js';
import { ru } from '../../src/i18n/ru.js';
import { formatText } from '../fake-telegram/html.js';

const now = new Date('2026-01-15T12:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
const link = (thread: number) => `https://t.me/c/1001000000001/${thread}`;

/** What Telegram shows (the text after parsing), or a throw where Telegram would refuse the message. */
function shown(html: string): string {
  const f = formatText(html, 'HTML', undefined, 4096, () => new Error('message is too long'));
  assert.ok(f);
  return f.text;
}

// Bugs: a wait shown to the minute after the first hour (an edit every minute
// for a queue nobody touches); an off-by-one at the hour or the day.
test('wait times are coarse: minutes under an hour, then steps of ten minutes, then days and hours', () => {
  const w = (minutes: number, seconds = 0) => en.board.waited(coarseWait(minutes * 60_000 + seconds * 1000));
  assert.deepEqual(
    [w(0, 59), w(1), w(59, 59), w(60), w(79), w(80), w(23 * 60 + 59), w(24 * 60), w(49 * 60 + 30)],
    ['<1 min', '1 min', '59 min', '1 h', '1 h 10 min', '1 h 20 min', '23 h 50 min', '1 d 0 h', '2 d 1 h'],
  );
  assert.equal(ru.board.waited(coarseWait(95 * 60_000)), '1 ч 30 мин');
});

// Bugs: ⚠️ at the threshold rather than past it, or never; a name that breaks the HTML.
test('waiting tickets past the threshold are marked; names are escaped; tickets without a topic yet have no link', () => {
  const data: BoardData = {
    waiting: [
      { ticketId: 1, user: 'Ann', link: link(10), since: ago(31) },
      { ticketId: 2, user: '<b>Tom & Jerry</b>', link: link(11), since: ago(30) },
      { ticketId: 3, user: 'New', link: null, since: ago(0) },
    ],
    inWork: [{ manager: 'Mary <3', tickets: [{ ticketId: 4, user: 'Cleo', link: link(12) }] }],
  };
  const html = renderBoard(en, data, { now, alertMinutes: 30 });
  assert.equal(
    shown(html),
    [
      '📋 Queue',
      '',
      '❗️ Waiting: 3 · ⚠️ over 30 min',
      '⚠️ 31 min · Ann · #1',
      '30 min · <b>Tom & Jerry</b> · #2',
      '<1 min · New · #3',
      '',
      '📝 In work: 1',
      '👤 Mary <3 — 1: Cleo #4',
    ].join('\n'),
  );
});

// Bugs: a long queue making the board longer than Telegram takes (the board
// then never changes again); the cut dropping the oldest tickets rather than
// the newest; the count of the rest wrong; the tickets in work crowding out
// the waiting list.
test('a long queue is cut to one message: the oldest waiting tickets first, then "…and N more"; in work shrinks to a count per manager', () => {
  const name = (i: number) => `${'Ω'.repeat(40)} & ${i}`;
  const data: BoardData = {
    waiting: Array.from({ length: 300 }, (_, i) => ({ ticketId: i + 1, user: name(i), link: link(1000 + i), since: ago(300 - i) })),
    inWork: Array.from({ length: 8 }, (_, m) => ({
      manager: `Manager ${m}`,
      tickets: Array.from({ length: 10 }, (_, i) => ({ ticketId: 1000 + m * 10 + i, user: name(i), link: link(2000 + i) })),
    })),
  };
  const text = shown(renderBoard(en, data, { now, alertMinutes: 30 }));
  const lines = text.split('\n');
  const listed = lines.filter((l) => / · #\d+$/.test(l)).map((l) => Number(l.split('#').at(-1)));
  assert.ok(listed.length > 10, `${listed.length} waiting tickets shown`);
  assert.deepEqual(
    listed,
    listed.map((_, i) => i + 1),
    'the oldest first, none skipped',
  );
  assert.ok(lines.includes(`…and ${300 - listed.length} more`), 'the rest is counted');
  assert.deepEqual(
    lines.filter((l) => l.startsWith('👤')),
    Array.from({ length: 8 }, (_, m) => `👤 Manager ${m} — 10`),
  );
  assert.ok([...text].length <= 4096);

  // Russian is as long, or longer: it fits all the same.
  assert.ok([...shown(renderBoard(ru, data, { now, alertMinutes: 30 }))].length <= 4096);
});
