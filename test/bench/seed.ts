// A large history, written straight into a freshly migrated database before
// the bot starts, for the relay bench's scale row: 100,000 users, each with
// a topic in the support group and two tickets, 1,000,000 messages, and the
// status changes of every ticket, over a year. Almost every ticket is
// resolved (a desk's history), a few, the newest, are waiting for a first
// answer (the queue board shows them).
//
// SQLite is written with better-sqlite3's prepared statements in one
// transaction (as reports.bench.ts does); PostgreSQL with INSERT … SELECT over
// generate_series, one statement per table, so no row crosses the socket.
// Both describe the same rows: ticket t belongs to user ((t − 1) mod USERS) + 1,
// message n to ticket ⌈n / PER_TICKET⌉.
import Database from 'better-sqlite3';
import pg from 'pg';
import { createDb, sqlitePath } from '../../src/db/client.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import type { DbKind } from '../support/databases.js';

export const SEED = {
  users: 100_000,
  ticketsPerUser: 2,
  messages: 1_000_000,
  days: 365,
  managers: 12,
  /** Tickets still waiting: the newest ones. */
  open: 50,
} as const;

const TICKETS = SEED.users * SEED.ticketsPerUser;
const PER_TICKET = SEED.messages / TICKETS;
const DAY = 86_400_000;
const MANAGER_BASE = 9_000_000;
// Far above the thread and message ids the fake Telegram hands out during a run.
const THREAD_BASE = 10_000_000;
const TOPIC_MESSAGE_BASE = 20_000_000;

/** Migrates the database at `url` and fills it; returns how long the filling took, in ms. */
export async function seedHistory(kind: DbKind, url: string, supportChatId: number): Promise<number> {
  const db = createDb(url);
  try {
    await migrateDatabase(db);
  } finally {
    await db.close();
  }
  const started = Date.now();
  if (kind === 'sqlite') seedSqlite(url, supportChatId, started);
  else await seedPostgres(url, supportChatId, started);
  return Date.now() - started;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');

function seedSqlite(url: string, chatId: number, now: number): void {
  const raw = new Database(sqlitePath(url));
  raw.pragma('journal_mode = WAL');
  const yearAgo = now - SEED.days * DAY;
  const insertManager = raw.prepare('INSERT INTO Manager (id, firstName, firstSeenAt, lastSeenAt) VALUES (?, ?, ?, ?)');
  const insertUser = raw.prepare('INSERT INTO User (id, firstName, languageCode, firstSeenAt, lastSeenAt, messageCount) VALUES (?, ?, ?, ?, ?, ?)');
  const insertTopic = raw.prepare('INSERT INTO Topic (id, chatId, threadId, userId, current, name, closed, createdAt) VALUES (?, ?, ?, ?, 1, ?, 0, ?)');
  const insertTicket = raw.prepare(
    'INSERT INTO Ticket (id, userId, topicId, status, openedAt, firstResponseAt, resolvedAt, assigneeId) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertChange = raw.prepare('INSERT INTO StatusChange (ticketId, "from", "to", actorId, at) VALUES (?, ?, ?, ?, ?)');
  const insertMessage = raw.prepare(
    'INSERT INTO Message (id, ticketId, userId, direction, managerId, userChatMessageId, topicMessageId, topicChatId, kind, sentAt, relayedAt, state, text, erased) ' +
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'text', ?, ?, 'DELIVERED', ?, 0)",
  );
  raw.transaction(() => {
    for (let m = 1; m <= SEED.managers; m++) insertManager.run(MANAGER_BASE + m, `Manager ${m}`, iso(yearAgo), iso(now));
    for (let u = 1; u <= SEED.users; u++) {
      insertUser.run(u, `User ${u}`, u % 3 ? 'ru' : 'en', iso(yearAgo), iso(now), SEED.messages / SEED.users / 2);
      insertTopic.run(u, chatId, THREAD_BASE + u, u, `✅ User ${u}`, iso(yearAgo));
    }
    for (let t = 1; t <= TICKETS; t++) {
      const user = ((t - 1) % SEED.users) + 1;
      const opened = yearAgo + ((t - 1) / TICKETS) * SEED.days * DAY;
      const manager = MANAGER_BASE + (t % SEED.managers) + 1;
      const first = opened + (60 + (t % 3600)) * 1000;
      if (t > TICKETS - SEED.open) {
        insertTicket.run(t, user, user, 'WAITING', iso(opened), null, null, null);
        insertChange.run(t, null, 'WAITING', null, iso(opened));
      } else {
        const resolved = first + (t % 7200) * 1000;
        insertTicket.run(t, user, user, 'RESOLVED', iso(opened), iso(first), iso(resolved), manager);
        insertChange.run(t, null, 'WAITING', null, iso(opened));
        insertChange.run(t, 'WAITING', 'IN_WORK', manager, iso(first));
        insertChange.run(t, 'IN_WORK', 'RESOLVED', manager, iso(resolved));
      }
      const round = Math.floor((t - 1) / SEED.users);
      for (let i = 0; i < PER_TICKET; i++) {
        const n = (t - 1) * PER_TICKET + i + 1;
        const inbound = i % 2 === 0 || t > TICKETS - SEED.open;
        const at = iso(opened + i * 30_000);
        insertMessage.run(
          n,
          t,
          user,
          inbound ? 'INBOUND' : 'OUTBOUND',
          inbound ? null : manager,
          round * PER_TICKET + i + 1,
          TOPIC_MESSAGE_BASE + n,
          chatId,
          at,
          at,
          `message ${i} of ticket ${t}`,
        );
      }
    }
  })();
  raw.pragma('optimize');
  raw.close();
}

async function seedPostgres(url: string, chatId: number, now: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Times as PostgreSQL computes them from the same epoch ms, in UTC (Prisma's TIMESTAMP(3) columns hold UTC).
  const at = (msExpr: string) => `(to_timestamp((${msExpr})::double precision / 1000) AT TIME ZONE 'UTC')`;
  const yearAgo = now - SEED.days * DAY;
  const opened = `(${yearAgo}::bigint + ((t - 1)::bigint * ${SEED.days * DAY}) / ${TICKETS})`;
  const first = `(${opened} + (60 + t % 3600) * 1000)`;
  const resolved = `(${first} + (t % 7200) * 1000)`;
  const manager = `(${MANAGER_BASE} + t % ${SEED.managers} + 1)`;
  const user = `((t - 1) % ${SEED.users} + 1)`;
  const isOpen = `t > ${TICKETS - SEED.open}`;
  const inbound = `(i % 2 = 0 OR ${isOpen})`;
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Manager" (id, "firstName", "firstSeenAt", "lastSeenAt")
       SELECT ${MANAGER_BASE} + m, 'Manager ' || m, ${at(String(yearAgo))}, ${at(String(now))} FROM generate_series(1, ${SEED.managers}) m`,
    );
    await client.query(
      `INSERT INTO "User" (id, "firstName", "languageCode", "firstSeenAt", "lastSeenAt", "messageCount")
       SELECT u, 'User ' || u, CASE WHEN u % 3 = 0 THEN 'en' ELSE 'ru' END, ${at(String(yearAgo))}, ${at(String(now))}, ${SEED.messages / SEED.users / 2}
       FROM generate_series(1, ${SEED.users}) u`,
    );
    await client.query(
      `INSERT INTO "Topic" (id, "chatId", "threadId", "userId", current, name, closed, "createdAt")
       SELECT u, ${chatId}, ${THREAD_BASE} + u, u, true, '✅ User ' || u, false, ${at(String(yearAgo))} FROM generate_series(1, ${SEED.users}) u`,
    );
    await client.query(
      `INSERT INTO "Ticket" (id, "userId", "topicId", status, "openedAt", "firstResponseAt", "resolvedAt", "assigneeId")
       SELECT t, ${user}, ${user}, (CASE WHEN ${isOpen} THEN 'WAITING' ELSE 'RESOLVED' END)::"TicketStatus",
              ${at(opened)}, CASE WHEN ${isOpen} THEN NULL ELSE ${at(first)} END, CASE WHEN ${isOpen} THEN NULL ELSE ${at(resolved)} END,
              CASE WHEN ${isOpen} THEN NULL ELSE ${manager} END
       FROM generate_series(1, ${TICKETS}) t`,
    );
    await client.query(
      `INSERT INTO "StatusChange" ("ticketId", "from", "to", "actorId", at)
       SELECT t, NULL::"TicketStatus", 'WAITING'::"TicketStatus", NULL::bigint, ${at(opened)} FROM generate_series(1, ${TICKETS}) t
       UNION ALL SELECT t, 'WAITING'::"TicketStatus", 'IN_WORK'::"TicketStatus", ${manager}, ${at(first)} FROM generate_series(1, ${TICKETS}) t WHERE NOT (${isOpen})
       UNION ALL SELECT t, 'IN_WORK'::"TicketStatus", 'RESOLVED'::"TicketStatus", ${manager}, ${at(resolved)} FROM generate_series(1, ${TICKETS}) t WHERE NOT (${isOpen})`,
    );
    await client.query(
      `INSERT INTO "Message" (id, "ticketId", "userId", direction, "managerId", "userChatMessageId", "topicMessageId", "topicChatId", kind, "sentAt", "relayedAt", state, text, erased)
       SELECT n, t, ${user}, (CASE WHEN ${inbound} THEN 'INBOUND' ELSE 'OUTBOUND' END)::"Direction", CASE WHEN ${inbound} THEN NULL ELSE ${manager} END,
              ((t - 1) / ${SEED.users}) * ${PER_TICKET} + i + 1, ${TOPIC_MESSAGE_BASE} + n, ${chatId}, 'text',
              ${at(`${opened} + i * 30000`)}, ${at(`${opened} + i * 30000`)}, 'DELIVERED', 'message ' || i || ' of ticket ' || t, false
       FROM generate_series(1, ${SEED.messages}) n, LATERAL (SELECT (n - 1) / ${PER_TICKET} + 1 AS t, (n - 1) % ${PER_TICKET} AS i) x`,
    );
    // Explicit ids leave the serial sequences behind: the bot's own rows come after these.
    for (const table of ['Topic', 'Ticket', 'Message', 'StatusChange']) {
      await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), (SELECT max(id) FROM "${table}"))`);
    }
    await client.query('COMMIT');
    // As a database that has served a while: planned with statistics, and the bulk load's dirty pages
    // written (right after it, commits waited on the checkpoint and the relay ran at half its pace).
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}
