// `npm run bench`, second part: the scoreboard (/stats) and the export
// (/export) over a large history: 1,000,000 stored messages (20,000 users,
// 100,000 tickets, a year), on SQLite. /stats is timed as the bot runs it
// (the read model's queries, the summary and the chart), the export as its
// two CSV files are streamed to the end; peak memory is sampled meanwhile.
// Goal from the issue: /stats under 1 s on SQLite.
//
// A benchmark, not a test: it prints figures and asserts nothing.
import Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { createDb } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { createStore } from '../../src/db/queries/index.js';
import type { Desk } from '../../src/domain/desk.js';
import { renderReport } from '../../src/domain/report-text.js';
import { readReport } from '../../src/domain/reports.js';
import { createDeskSettings } from '../../src/domain/settings.js';
import { messagesCsv, ticketsCsv } from '../../src/delivery/jobs/reports.js';
import { textsFor } from '../../src/i18n/index.js';
import { createLogger } from '../../src/logger.js';
import { freshDatabase } from '../support/databases.js';

const USERS = 20_000;
const TICKETS = 100_000;
const MESSAGES = 1_000_000;
const DAYS = 365;
const MANAGERS = 12;
const DAY = 86_400_000;

const log = (s: string) => process.stderr.write(`${s}\n`);
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

const database = await freshDatabase('sqlite');
const db = createDb(database.url);
await migrateDatabase(db);
await db.close();

log(`seeding ${MESSAGES.toLocaleString('en')} messages…`);
const seedStart = performance.now();
{
  const raw = new Database(database.url.slice('file:'.length));
  raw.pragma('journal_mode = WAL');
  const now = Date.now();
  const insertUser = raw.prepare('INSERT INTO User (id, firstName, languageCode, firstSeenAt, lastSeenAt, messageCount) VALUES (?, ?, ?, ?, ?, 0)');
  const insertManager = raw.prepare('INSERT INTO Manager (id, firstName, firstSeenAt, lastSeenAt) VALUES (?, ?, ?, ?)');
  const insertTopic = raw.prepare('INSERT INTO Topic (id, chatId, threadId, userId, current, name, closed, createdAt) VALUES (?, -1001, ?, ?, 1, ?, 0, ?)');
  const insertTicket = raw.prepare(
    'INSERT INTO Ticket (id, userId, topicId, status, openedAt, firstResponseAt, resolvedAt, assigneeId) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertChange = raw.prepare('INSERT INTO StatusChange (ticketId, "from", "to", actorId, at) VALUES (?, ?, ?, ?, ?)');
  const insertMessage = raw.prepare(
    "INSERT INTO Message (ticketId, userId, direction, managerId, kind, sentAt, state, text, topicChatId, erased) VALUES (?, ?, ?, ?, 'text', ?, 'DELIVERED', ?, -1001, 0)",
  );
  raw.transaction(() => {
    for (let m = 1; m <= MANAGERS; m++) insertManager.run(9_000_000 + m, `Manager ${m}`, iso(now - DAYS * DAY), iso(now));
    for (let u = 1; u <= USERS; u++) {
      insertUser.run(u, `User ${u}`, u % 3 ? 'ru' : 'en', iso(now - DAYS * DAY), iso(now));
      insertTopic.run(u, u + 1, u, `🏁 User ${u}`, iso(now - DAYS * DAY));
    }
    const perTicket = MESSAGES / TICKETS;
    for (let t = 1; t <= TICKETS; t++) {
      const user = ((t - 1) % USERS) + 1;
      const opened = now - DAYS * DAY + ((t - 1) / TICKETS) * DAYS * DAY;
      const manager = 9_000_000 + ((t % MANAGERS) + 1);
      const first = opened + (60 + (t % 3600)) * 1000;
      const resolved = t > TICKETS - 50 ? null : first + (t % 7200) * 1000;
      insertTicket.run(t, user, user, resolved ? 'RESOLVED' : 'WAITING', iso(opened), iso(first), resolved ? iso(resolved) : null, manager);
      insertChange.run(t, null, 'WAITING', null, iso(opened));
      insertChange.run(t, 'WAITING', 'IN_WORK', manager, iso(first));
      if (resolved) insertChange.run(t, 'IN_WORK', 'RESOLVED', manager, iso(resolved));
      for (let i = 0; i < perTicket; i++) {
        const inbound = i % 2 === 0;
        insertMessage.run(t, user, inbound ? 'INBOUND' : 'OUTBOUND', inbound ? null : manager, iso(opened + i * 30_000), `message ${i} of ticket ${t}`);
      }
    }
  })();
  raw.close();
}
log(`seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const app = createDb(database.url);
await app.tune();
const logger = createLogger('silent');
const settings = createDeskSettings({ managerLanguage: 'en', greetings: {} }, logger);
const store = createStore(app.prisma);
await settings.load(store);
const desk = { db: app.prisma, store, settings, managerTexts: textsFor('en'), now: () => new Date(), logger } as unknown as Desk;

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);

async function timed<T>(fn: () => Promise<T>, runs = 3): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, value };
}

const rows: string[] = [];
const { renderScoreboardChart } = await import('../../src/charts/scoreboard.js');
for (const days of [7, 30, 365]) {
  const period = { from: new Date(Date.now() - days * DAY), to: new Date() };
  const read = await timed(() => readReport(desk, period));
  const whole = await timed(async () => {
    const report = await readReport(desk, period);
    return { text: renderReport(desk.managerTexts, report, `${days}d`), png: renderScoreboardChart(desk.managerTexts, report) };
  });
  rows.push(
    `| /stats ${days}d | ${read.value.messagesIn + read.value.messagesOut} messages, ${read.value.opened} tickets | ${read.ms.toFixed(0)} ms | ${whole.ms.toFixed(0)} ms | ${(whole.value.png.length / 1024).toFixed(0)} KB |`,
  );
  log(`stats ${days}d: ${whole.ms.toFixed(0)} ms`);
}
const exportRows: string[] = [];
for (const days of [30, 365]) {
  const period = { from: new Date(Date.now() - days * DAY), to: new Date() };
  const t0 = performance.now();
  let bytes = 0;
  for await (const chunk of messagesCsv(desk, period)) bytes += chunk.length;
  for await (const chunk of ticketsCsv(desk, period)) bytes += chunk.length;
  const ms = performance.now() - t0;
  exportRows.push(
    `| /export ${days}d | ${(bytes / 1024 / 1024).toFixed(1)} MB of CSV | ${(ms / 1000).toFixed(1)} s | ${((bytes / 1024 / 1024 / ms) * 1000).toFixed(1)} MB/s |`,
  );
  log(`export ${days}d: ${(ms / 1000).toFixed(1)} s`);
}
clearInterval(sampler);

console.log(`
## Reports over a large history (SQLite; ${MESSAGES.toLocaleString('en')} messages, ${TICKETS.toLocaleString('en')} tickets, ${USERS.toLocaleString('en')} users, one year)

| what | data in the period | read model (median of 3) | with summary and chart | chart |
|---|---|---|---|---|
${rows.join('\n')}

Goal: /stats under 1 s on SQLite.

| what | size | time | rate |
|---|---|---|---|
${exportRows.join('\n')}

Peak RSS of the benchmark's process (the seeding included): ${(peak / 1024 / 1024).toFixed(0)} MB.
`);
await app.close();
await database.drop();
process.exit(0);
