// The queue board: one message in the main group's General topic, pinned,
// showing the desk at a glance: the tickets waiting for an answer (oldest
// first, each a link to its topic, ⚠️ past the admins' threshold) and the
// tickets in work, per manager. It is read from the database and rendered
// as a whole; only a different rendering is sent, so an unchanged queue
// costs nothing. Wait times are shown coarsely (minutes, then hours), so the
// clock alone changes the board at most once a minute, and after the first
// hour only every ten minutes. delivery/jobs/queue-board.ts sends it, at
// most once per period (QUEUE_BOARD_SECONDS).
import type { Store } from '../db/queries/index.js';
import { BOARD_QUEUE, updateQueueBoard } from '../delivery/jobs/queue-board.js';
import { topicLink } from '../delivery/jobs/transfer-ticket.js';
import type { Texts } from '../i18n/index.js';
import type { WaitTime } from '../i18n/texts.js';
import { escapeHtml } from '../lib/html.js';
import type { Desk } from './desk.js';
import { displayName } from './people.js';

/** Telegram's limit for a message's text. */
const MESSAGE_LIMIT = 4096;
const MINUTE = 60_000;

export interface BoardTicket {
  ticketId: number;
  /** The user's name as managers know it (plain). */
  user: string;
  /** Its topic, once Telegram has created it. */
  link: string | null;
}

export interface WaitingTicket extends BoardTicket {
  /** Since when it waits: the change that made it WAITING. */
  since: Date;
}

export interface ManagerLoad {
  /** The manager's name (plain); null for tickets in work that nobody took. */
  manager: string | null;
  tickets: BoardTicket[];
}

export interface BoardData {
  /** Oldest first. */
  waiting: WaitingTicket[];
  /** The busiest manager first. */
  inWork: ManagerLoad[];
}

export interface BoardOptions {
  now: Date;
  /** Waiting longer than this is marked ⚠️. */
  alertMinutes: number;
}

/** Reads what the board shows from the database. */
export async function readBoard(store: Pick<Store, 'openTickets'>): Promise<BoardData> {
  const rows = await store.openTickets();
  const nameOf = (p: { firstName: string; lastName: string | null; username: string | null }) =>
    displayName({ first_name: p.firstName, last_name: p.lastName, username: p.username });
  const waiting: WaitingTicket[] = [];
  const managers = new Map<string, ManagerLoad>();
  for (const r of rows) {
    const ticket: BoardTicket = {
      ticketId: r.id,
      user: nameOf(r.user),
      link: r.topic.threadId === null ? null : topicLink(Number(r.topic.chatId), r.topic.threadId),
    };
    if (r.status === 'WAITING') {
      waiting.push({ ...ticket, since: r.statusChanges[0]?.at ?? r.openedAt });
      continue;
    }
    const key = r.assigneeId === null ? '' : String(r.assigneeId);
    let load = managers.get(key);
    if (!load) {
      load = { manager: r.assignee ? nameOf(r.assignee) : null, tickets: [] };
      managers.set(key, load);
    }
    load.tickets.push(ticket);
  }
  waiting.sort((a, b) => a.since.getTime() - b.since.getTime() || a.ticketId - b.ticketId);
  const inWork = [...managers.values()].sort((a, b) => b.tickets.length - a.tickets.length || (a.manager ?? '\uffff').localeCompare(b.manager ?? '\uffff'));
  return { waiting, inWork };
}

export const boardIsEmpty = (data: BoardData) => data.waiting.length === 0 && data.inWork.length === 0;

/** Minutes under an hour; then hours and minutes in steps of ten; then days and hours. */
export function coarseWait(ms: number): WaitTime {
  const minutes = Math.max(0, Math.floor(ms / MINUTE));
  if (minutes < 60) return { days: 0, hours: 0, minutes };
  if (minutes < 24 * 60) return { days: 0, hours: Math.floor(minutes / 60), minutes: Math.floor((minutes % 60) / 10) * 10 };
  return { days: Math.floor(minutes / (24 * 60)), hours: Math.floor((minutes % (24 * 60)) / 60), minutes: 0 };
}

/**
 * The board as HTML. The waiting list comes first: when everything does not
 * fit in one message, the tickets in work shrink to a count per manager, and
 * then the waiting list is cut, saying how many more there are.
 */
export function renderBoard(t: Texts, data: BoardData, opts: BoardOptions): string {
  const b = t.board;
  const link = (x: BoardTicket) => (x.link ? `<a href="${escapeHtml(x.link)}">${escapeHtml(x.user)}</a>` : escapeHtml(x.user));
  const waitingLines = data.waiting.map((w) => {
    const waited = opts.now.getTime() - w.since.getTime();
    const mark = waited > opts.alertMinutes * MINUTE ? '⚠️ ' : '';
    return `${mark}${escapeHtml(b.waited(coarseWait(waited)))} · ${link(w)} · #${w.ticketId}`;
  });
  const managerName = (l: ManagerLoad) => `👤 <b>${escapeHtml(l.manager ?? b.nobody)}</b> — ${l.tickets.length}`;
  const workFull = data.inWork.map((l) => `${managerName(l)}: ${l.tickets.map((x) => `${link(x)} #${x.ticketId}`).join(', ')}`);
  const workShort = data.inWork.map(managerName);
  const inWorkCount = data.inWork.reduce((n, l) => n + l.tickets.length, 0);

  const top = [b.title, '', `${b.waiting(data.waiting.length)}${data.waiting.length ? ` · ${escapeHtml(b.alertLegend(opts.alertMinutes))}` : ''}`];
  const middle = ['', b.inWork(inWorkCount)];
  const compose = (waiting: string[], work: string[]) => [...top, ...waiting, ...middle, ...work].join('\n');
  const more = (n: number) => escapeHtml(b.more(n));

  const fixed = size(top) + size(middle);
  if (fixed + size(waitingLines) + size(workFull) <= MESSAGE_LIMIT) return compose(waitingLines, workFull);
  // Room for the waiting list's own "…and N more" is kept whatever happens to the rest.
  const reserve = lineSize(more(data.waiting.length));
  const work = takeWithin(workShort, MESSAGE_LIMIT - fixed - reserve, more);
  return compose(takeWithin(waitingLines, MESSAGE_LIMIT - fixed - size(work), more), work);
}

/** What the board would show now, from the database and the settings. */
export async function currentBoard(desk: Pick<Desk, 'store' | 'settings' | 'managerTexts' | 'now'>): Promise<{ html: string; empty: boolean }> {
  const data = await readBoard(desk.store);
  return {
    html: renderBoard(desk.managerTexts, data, { now: desk.now(), alertMinutes: desk.settings.get('queueBoardAlertMinutes') }),
    empty: boardIsEmpty(data),
  };
}

/**
 * Looks at the board (every period, and soon after a ticket changed status)
 * and queues its update when it would show something else: a changed queue,
 * a longer wait, the board turned off. The job waits until a period has
 * passed since the last change Telegram accepted, and a job already waiting
 * absorbs this one (it renders anew when it runs), so a backlog never holds
 * more than one. Returns whether it queued.
 */
export async function refreshBoard(desk: Desk): Promise<boolean> {
  const shown = await desk.store.queueBoard(desk.supportChatId);
  if (desk.settings.get('queueBoard')) {
    const { html, empty } = await currentBoard(desk);
    // Nothing to say and no board yet: an empty desk gets no message.
    if (shown ? shown.text === html : empty) return false;
  } else if (!shown) return false;
  const due = shown ? new Date(shown.sentAt.getTime() + desk.boardPeriodMs) : null;
  const notBefore = due && due > desk.now() ? { notBefore: due } : {};
  await desk.outbox.enqueue([updateQueueBoard.make(BOARD_QUEUE, {}, { coalesceKey: BOARD_QUEUE, ...notBefore })]);
  return true;
}

/**
 * What a line of HTML costs against MESSAGE_LIMIT: the characters Telegram
 * counts (tags do not count, an entity is one character) and its line
 * break; or an eighth of its bytes, if that is more, since Telegram also
 * refuses a text over 32768 bytes before parsing (8 × 4096).
 */
function lineSize(html: string): number {
  const visible = html.replace(/<[^>]*>/g, '').replace(/&(amp|lt|gt|quot);/g, '_').length + 1;
  return Math.max(visible, Math.ceil((Buffer.byteLength(html) + 1) / 8));
}

function size(lines: string[]): number {
  return lines.reduce((n, l) => n + lineSize(l), 0);
}

/** The first lines that fit in `budget` characters, with "…and N more" for the rest. */
function takeWithin(lines: string[], budget: number, more: (n: number) => string): string[] {
  if (size(lines) <= budget) return lines;
  const room = budget - lineSize(more(lines.length));
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (used + lineSize(line) > room) break;
    kept.push(line);
    used += lineSize(line);
  }
  return [...kept, more(lines.length - kept.length)];
}
