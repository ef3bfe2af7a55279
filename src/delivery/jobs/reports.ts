// /stats and /export answered: the report is read and drawn, or the CSV
// files streamed, when the job runs (through the outbox, so they wait their
// turn under the group's limit like every other message).
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import type { Desk } from '../../domain/desk.js';
import { renderReport } from '../../domain/report-text.js';
import { readReport, type Period } from '../../domain/reports.js';
import { fullName } from '../../domain/people.js';
import { escapeHtml } from '../../lib/html.js';
import type { Place } from '../courier.js';
import { defineJob } from './job.js';

const where = {
  from: z.string().datetime(),
  to: z.string().datetime(),
  label: z.string(),
  chatId: z.number().int(),
  threadId: z.number().int().positive().optional(),
  replyTo: z.number().int().positive().optional(),
};

const placeOf = (p: { chatId: number; threadId?: number | undefined }): Place => ({
  chat: 'support',
  chatId: p.chatId,
  ...(p.threadId !== undefined ? { threadId: p.threadId } : {}),
});

// The summary, the chart and each export file are jobs of their own, one
// after the other in the group's queue: a job is repeated whole when it
// fails, and a repeated summary (after the chart's upload failed, say) would
// post the summary twice.
export const postStats = defineJob('postStats', z.object(where), async (p, { desk }) => {
  const report = await readReport(desk, { from: new Date(p.from), to: new Date(p.to) });
  await desk.courier.post(placeOf(p), { html: renderReport(desk.managerTexts, report, p.label), ...(p.replyTo ? { replyTo: p.replyTo } : {}) });
});

export const postStatsChart = defineJob('postStatsChart', z.object(where), async (p, { desk }) => {
  const report = await readReport(desk, { from: new Date(p.from), to: new Date(p.to) });
  const t = desk.managerTexts;
  // Loaded on first use: the charting library is not worth its memory to a desk that never asks.
  const { renderScoreboardChart } = await import('../../charts/scoreboard.js');
  await desk.courier.upload(
    placeOf(p),
    { kind: 'photo', name: 'stats.png', data: renderScoreboardChart(t, report) },
    { html: t.stats.title(escapeHtml(p.label)) },
  );
});

const FILES = ['messages', 'tickets'] as const;

export const postExport = defineJob(
  'postExport',
  // `file` absent: both (a job queued by an earlier version).
  z.object({ ...where, file: z.enum(FILES).optional() }),
  async (p, { desk }) => {
    const period = { from: new Date(p.from), to: new Date(p.to) };
    const t = desk.managerTexts;
    const reply = p.replyTo ? { replyTo: p.replyTo } : {};
    const stamp = `${p.from.slice(0, 10)}_${p.to.slice(0, 10)}`;
    for (const file of p.file ? [p.file] : FILES) {
      await desk.courier.upload(
        placeOf(p),
        { kind: 'document', name: `${file}_${stamp}.csv`, data: () => (file === 'messages' ? messagesCsv(desk, period) : ticketsCsv(desk, period)) },
        { html: escapeHtml(t.stats.exportCaption(file, p.label)), ...reply },
      );
    }
  },
);

type Where = z.infer<z.ZodObject<typeof where>>;

/** /stats: the summary, then the chart. */
export const statsJobs = (queue: string, p: Where) => [postStats.make(queue, p), postStatsChart.make(queue, p)];
/** /export: the messages' file, then the tickets'. */
export const exportJobs = (queue: string, p: Where) => FILES.map((file) => postExport.make(queue, { ...p, file }));

/** The export's files, as the upload streams them (the benchmark times them too). */
export const messagesCsv = (desk: Desk, period: Period) => csv(messageRows(desk, period));
export const ticketsCsv = (desk: Desk, period: Period) => csv(ticketRows(desk, period));

/** Rows become CSV as they are read (csv-stringify does the quoting); the BOM lets spreadsheet programs see UTF-8. */
async function* csv(rows: AsyncIterable<Record<string, string | number | null>>): AsyncIterable<Uint8Array> {
  const out = Readable.from(rows).pipe(stringify({ header: true, bom: true }));
  for await (const chunk of out) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
}

const PAGE = 1000;
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Every message of the period, oldest first, a page at a time. */
async function* messageRows(desk: Desk, period: Period) {
  const managers = await managerNames(desk);
  let after = 0;
  for (;;) {
    const page = await desk.db.message.findMany({
      where: { sentAt: { gte: period.from, lt: period.to }, id: { gt: after } },
      orderBy: { id: 'asc' },
      take: PAGE,
      select: {
        id: true,
        ticketId: true,
        userId: true,
        direction: true,
        managerId: true,
        sentAt: true,
        kind: true,
        text: true,
        cannedAnswerId: true,
        user: { select: { firstName: true, lastName: true } },
      },
    });
    for (const m of page) {
      yield {
        ticket: m.ticketId,
        user_id: String(m.userId),
        user: fullName({ first_name: m.user.firstName, last_name: m.user.lastName }),
        direction: m.direction.toLowerCase(),
        manager: m.managerId === null ? (m.direction === 'OUTBOUND' ? 'auto-reply' : null) : (managers.get(m.managerId) ?? String(m.managerId)),
        time: iso(m.sentAt),
        kind: m.kind,
        text: m.text,
      };
    }
    if (page.length < PAGE) return;
    after = page.at(-1)!.id;
  }
}

/** Every ticket opened in the period, oldest first. */
async function* ticketRows(desk: Desk, period: Period) {
  const managers = await managerNames(desk);
  let after = 0;
  for (;;) {
    const page = await desk.db.ticket.findMany({
      where: { openedAt: { gte: period.from, lt: period.to }, id: { gt: after } },
      orderBy: { id: 'asc' },
      take: PAGE,
      select: {
        id: true,
        userId: true,
        openedAt: true,
        firstResponseAt: true,
        resolvedAt: true,
        status: true,
        categoryId: true,
        assigneeId: true,
        rating: { select: { score: true } },
        user: { select: { firstName: true, lastName: true } },
      },
    });
    for (const tk of page) {
      const c = desk.settings.category(tk.categoryId);
      yield {
        ticket: tk.id,
        user_id: String(tk.userId),
        user: fullName({ first_name: tk.user.firstName, last_name: tk.user.lastName }),
        opened: iso(tk.openedAt),
        first_response: iso(tk.firstResponseAt),
        resolved: iso(tk.resolvedAt),
        status: tk.status.toLowerCase(),
        category: c ? c.name : null,
        assignee: tk.assigneeId === null ? null : (managers.get(tk.assigneeId) ?? String(tk.assigneeId)),
        rating: tk.rating?.score ?? null,
      };
    }
    if (page.length < PAGE) return;
    after = page.at(-1)!.id;
  }
}

async function managerNames(desk: Desk): Promise<Map<bigint, string>> {
  const all = await desk.db.manager.findMany({ select: { id: true, firstName: true, lastName: true } });
  return new Map(all.map((m) => [m.id, fullName({ first_name: m.firstName, last_name: m.lastName })]));
}
