// Faults of the database for the outage tests (test/e2e/database-outage.test.ts),
// made from outside the bot as an operator or another program would make
// them: PostgreSQL cut off by its admin, a backend terminated, a SQLite file
// locked by another process or made read-only. Also numbered traffic that
// keeps going through the fault, and a tagging proxy that tells which bot
// process made which Bot API call.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';
import { PG_LOCK_KEY } from '../../src/db/instance-lock.js';
import type { FakeTelegram } from '../fake-telegram/server.js';
import type { BotProcess, Exit, ProcessDesk } from './bot-process.js';
import { adminPgUrl, type TestDatabase } from './databases.js';
import { text } from './desk.js';

const root = new URL('../..', import.meta.url).pathname;

// ---------------- PostgreSQL, as its admin ----------------

/** The database's name in a PostgreSQL TestDatabase's URL. */
export function pgDatabaseName(database: TestDatabase): string {
  const name = decodeURIComponent(new URL(database.url).pathname.slice(1));
  assert.match(name, /^[a-z0-9_]+$/, `unexpected database name ${name}`);
  return name;
}

/** An admin session on the server's `postgres` database: what an operator (or an outage) does to the test's database. */
export class PgAdmin {
  private constructor(private readonly client: pg.Client) {}

  static async connect(): Promise<PgAdmin> {
    const client = new pg.Client({ connectionString: adminPgUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    return new PgAdmin(client);
  }

  /** No new connections (superusers included), and every existing one ended: the database is gone for its clients. */
  async cutOff(name: string): Promise<number> {
    await this.client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    return this.terminateAll(name);
  }

  /** Ends every session on the database; how many there were. */
  async terminateAll(name: string): Promise<number> {
    const r = await this.client.query('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    return r.rowCount ?? 0;
  }

  /** The sessions on the database, by pid (the admin's own is on another). */
  async sessionPids(name: string): Promise<number[]> {
    const r = await this.client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
    return r.rows.map((row) => row.pid);
  }

  async allowConnections(name: string): Promise<void> {
    await this.client.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
  }

  /** The sessions holding the (granted) instance lock in the database. */
  async advisoryLockHolders(name: string): Promise<number[]> {
    // The instance lock itself (a bigint key that fits in 32 bits: objid), not the holder's presence lock.
    const r = await this.client.query<{ pid: number }>(
      `SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = $2 AND database = (SELECT oid FROM pg_database WHERE datname = $1)`,
      [name, PG_LOCK_KEY],
    );
    return r.rows.map((row) => row.pid);
  }

  /** The client-side TCP port of a session (to tell whose it is: see startPgProxy). */
  async clientPort(pid: number): Promise<number | undefined> {
    const r = await this.client.query<{ port: number | null }>('SELECT client_port AS port FROM pg_stat_activity WHERE pid = $1', [pid]);
    return r.rows[0]?.port ?? undefined;
  }

  /** Sessions on the database now. */
  async sessions(name: string): Promise<number> {
    const r = await this.client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    return Number(r.rows[0]?.n ?? 0);
  }

  async terminate(pid: number): Promise<boolean> {
    const r = await this.client.query<{ ended: boolean }>('SELECT pg_terminate_backend($1) AS ended', [pid]);
    return r.rows[0]?.ended === true;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** The inbox rows (InboxUpdate) of a PostgreSQL test database whose payload contains `fragment`. */
export async function inboxRowsWith(databaseUrl: string, fragment: string): Promise<Array<{ updateId: string; handled: boolean }>> {
  const c = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    const r = await c.query<{ updateId: string; handled: boolean }>(
      'SELECT "updateId"::text AS "updateId", "handledAt" IS NOT NULL AS handled FROM "InboxUpdate" WHERE payload LIKE $1',
      [`%${fragment}%`],
    );
    return r.rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * What a PostgreSQL test database holds about one relayed message, by the id
 * it had where it was written: its Message rows and the outbox jobs that name them.
 */
export async function deliveryRowsFor(databaseUrl: string, sourceMessageId: number): Promise<string> {
  const c = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    const rows = await c.query<{ id: number; direction: string; state: string; relayed: boolean }>(
      'SELECT id, direction, state, "relayedAt" IS NOT NULL AS relayed FROM "Message" WHERE ("direction" = \'INBOUND\' AND "userChatMessageId" = $1) OR ("direction" = \'OUTBOUND\' AND "topicMessageId" = $1)',
      [sourceMessageId],
    );
    const parts = [];
    for (const r of rows.rows) {
      const jobs = await c.query<{ id: number; kind: string; state: string; attempts: number }>(
        'SELECT id, kind, state, attempts FROM "OutboxJob" WHERE payload LIKE $1',
        [`%"messageId":${r.id}%`],
      );
      parts.push(
        `Message #${r.id} ${r.direction} ${r.state}${r.relayed ? ' relayed' : ''}; jobs: ${jobs.rows.map((j) => `#${j.id} ${j.kind} ${j.state} (${j.attempts} attempts)`).join(', ') || 'none'}`,
      );
    }
    return parts.join('; ') || 'no Message row';
  } finally {
    await c.end().catch(() => undefined);
  }
}

export interface PgProxy {
  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string;
  /** Whether a session's client port (PgAdmin.clientPort) is one of this proxy's connections to the server. */
  owns(clientPort: number | undefined): boolean;
  /**
   * That connection goes silent both ways, as in a network partition: nothing
   * is forwarded any more, and neither side hears that the other went away.
   */
  freeze(clientPort: number): void;
  stop(): Promise<void>;
}

/**
 * A TCP proxy in front of the PostgreSQL server, for one bot process: each
 * session it carries is known to be that process's, and any one of them can be
 * cut silently (freeze) instead of with an error the client sees.
 */
export async function startPgProxy(): Promise<PgProxy> {
  const upstreamAt = new URL(adminPgUrl);
  const conns: Array<{ client: Socket; upstream: Socket; port?: number; frozen: boolean }> = [];
  const server = createNetServer((client) => {
    const upstream = connect(Number(upstreamAt.port || 5432), upstreamAt.hostname);
    const c: { client: Socket; upstream: Socket; port?: number; frozen: boolean } = { client, upstream, frozen: false };
    conns.push(c);
    upstream.on('connect', () => {
      c.port = upstream.localPort;
    });
    client.on('data', (d: Buffer) => {
      if (!c.frozen) upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (!c.frozen) client.write(d);
    });
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('error', () => undefined);
      from.on('close', () => {
        if (!c.frozen) to.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    owns: (clientPort) => clientPort !== undefined && conns.some((c) => c.port === clientPort),
    freeze(clientPort) {
      const c = conns.find((x) => x.port === clientPort);
      assert.ok(c, `no connection from port ${clientPort} through the proxy`);
      c.frozen = true;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of conns) {
          c.client.destroy();
          c.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}

// ---------------- SQLite, from another process ----------------

/** The file of a SQLite TestDatabase. */
export function sqliteFile(database: TestDatabase): string {
  assert.ok(database.url.startsWith('file:'), database.url);
  return database.url.slice('file:'.length);
}

export interface HeldLock {
  /** Date.now() when the other process got its exclusive lock. */
  lockedAt: number;
  /** Resolves with Date.now() once it has rolled back and let go. */
  released: Promise<number>;
}

export interface SqliteLocker {
  /** Takes `BEGIN EXCLUSIVE` now (waiting for a transaction in progress); resolves once it holds it. */
  lock(): Promise<HeldLock>;
  /** Kills the holder if it still runs (cleanup). */
  kill(): void;
}

/**
 * Another program with the SQLite file open, ready to take `BEGIN EXCLUSIVE`
 * when told (lock()), hold it for `holdMs`, then roll back and exit. Started
 * ahead, so that the lock can land at a chosen moment.
 */
export async function sqliteLocker(file: string, holdMs: number): Promise<SqliteLocker> {
  const code = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { timeout: 20000 });
    process.stdout.write('ready\\n');
    process.stdin.once('data', () => {
      db.exec('BEGIN EXCLUSIVE');
      process.stdout.write('locked\\n');
      setTimeout(() => { db.exec('ROLLBACK'); db.close(); process.stdout.write('released\\n'); process.exit(0); }, Number(process.argv[2]));
    });
  `;
  const child: ChildProcess = spawn(process.execPath, ['-e', code, file, String(holdMs)], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let releasedAt = 0;
  const waiters: Array<() => void> = [];
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    if (out.includes('released') && !releasedAt) releasedAt = Date.now();
    for (const w of waiters.splice(0)) w();
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (out.includes(word) ? resolve() : waiters.push(check));
      check();
      void exited.then((e) => reject(new Error(`the lock holder exited (${e.code ?? e.signal}) before "${word}": ${err}`)));
    });
  await said('ready');
  return {
    async lock() {
      child.stdin!.write('go\n');
      await said('locked');
      const lockedAt = Date.now();
      return {
        lockedAt,
        released: exited.then((e) => {
          assert.equal(e.code, 0, `the lock holder failed: ${err}`);
          return releasedAt || Date.now();
        }),
      };
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The database file and its -wal/-shm companions, those that exist. */
export function sqliteFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f));
}

/**
 * Whether `chattr +i` works here (a filesystem with the immutable flag, and
 * CAP_LINUX_IMMUTABLE). Root ignores file modes, so chmod 0444 alone makes
 * nothing read-only for a bot running as root; the immutable flag does, even
 * for writes through descriptors opened before it was set (EPERM).
 */
export function immutableFlagWorks(dir: string): boolean {
  const probe = `${dir}/.immutable-probe`;
  try {
    writeFileSync(probe, '');
    execFileSync('chattr', ['+i', probe], { stdio: 'ignore' });
    execFileSync('chattr', ['-i', probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // left behind in a temp dir that is removed anyway
    }
  }
}

/** chmod 0444 on `files`, and the immutable flag on `immutable` of them: read-only for root too. */
export function makeReadOnly(files: string[], immutable: string[]): void {
  for (const f of files) execFileSync('chmod', ['0444', f]);
  for (const f of immutable) execFileSync('chattr', ['+i', f]);
}

/** Undoes makeReadOnly; never throws (cleanup). */
export function makeWritable(files: string[]): void {
  for (const f of files) {
    try {
      execFileSync('chattr', ['-i', f], { stdio: 'ignore' });
      execFileSync('chmod', ['0644', f]);
    } catch {
      // gone, or never made read-only
    }
  }
}

// ---------------- numbered traffic ----------------

/** Someone who writes numbered texts, and where their copies should arrive. */
export interface Writer {
  name: string;
  prefix: string;
  /** What was written, in order, with Date.now() of each and its message id in the chat it was written in. */
  sent: Array<{ text: string; at: number; messageId?: number }>;
  /** Writes the next numbered text. */
  write(): void;
  /** The copies that arrived on the other side, in the order they arrived. */
  delivered(): string[];
}

export function writer(name: string, prefix: string, send: (body: string) => { message_id: number } | undefined, delivered: () => string[]): Writer {
  const w: Writer = {
    name,
    prefix,
    sent: [],
    write() {
      const body = `${prefix}${String(w.sent.length + 1).padStart(3, '0')}`;
      const m = send(body);
      w.sent.push({ text: body, at: Date.now(), messageId: m?.message_id });
    },
    delivered,
  };
  return w;
}

/** The bot's messages in a chat (every thread) whose text starts with `prefix`, in message id order. */
export function botTextsIn(tg: FakeTelegram, chatId: number, prefix: string): string[] {
  return tg
    .messages(chatId)
    .filter((m) => m.from?.id === tg.botUser.id)
    .map((m) => text(m))
    .filter((t): t is string => t?.startsWith(prefix) === true);
}

/** Every writer writes once per `everyMs` until stop() (or `maxMs`, a bound). */
export function startTraffic(writers: Writer[], everyMs: number, maxMs = 120_000): { stop(): Promise<void> } {
  let stopped = false;
  const deadline = Date.now() + maxMs;
  const loop = (async () => {
    while (!stopped && Date.now() < deadline) {
      for (const w of writers) w.write();
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop() {
      stopped = true;
      return loop;
    },
  };
}

/** Date.now() when each text first arrived anywhere (the fake's onSent). */
export function recordArrivals(tg: FakeTelegram): Map<string, number> {
  const first = new Map<string, number>();
  tg.onSent = (_chatId, message, at) => {
    const t = text(message);
    if (t !== undefined && !first.has(t)) first.set(t, at);
  };
  return first;
}

/** Waits (up to `timeoutMs`) until every text of every writer has arrived; whether they all did. */
export async function waitAllDelivered(tg: FakeTelegram, writers: Writer[], timeoutMs: number): Promise<boolean> {
  const complete = (w: Writer) => {
    const got = new Set(w.delivered());
    return w.sent.every((s) => got.has(s.text));
  };
  return tg
    .waitFor(() => writers.every(complete), { timeoutMs })
    .then(
      () => true,
      () => false,
    );
}

/**
 * After waitAllDelivered: a moment more for stragglers, then each text
 * arrived exactly once, in the order written.
 */
export async function assertDeliveredOnceInOrder(writers: Writer[], waitedMs: number, explain?: (missing: string[]) => Promise<string>): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000)); // a duplicate, if any, has time to show
  for (const w of writers) {
    const expected = w.sent.map((s) => s.text);
    const got = w.delivered();
    const missing = expected.filter((t) => !got.includes(t));
    const twice = [...new Set(got.filter((t, i) => got.indexOf(t) !== i))];
    const why = missing.length && explain ? `\n${await explain(missing)}` : '';
    assert.ok(
      missing.length === 0 && twice.length === 0,
      `${w.name}: ${expected.length} written; ${missing.length} never arrived within ${waitedMs} ms (${missing.slice(0, 12).join(' ')}${missing.length > 12 ? ' …' : ''}); ${twice.length} arrived more than once (${twice.slice(0, 12).join(' ')})${why}`,
    );
    assert.deepEqual(got, expected, `${w.name}: in the order written`);
  }
}

// ---------------- the bot's log ----------------

/** The bot's log as short lines: level, message and error of each pino line; other output as is. */
export function logLines(bot: BotProcess): string[] {
  const levels: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
  return `${bot.stdout()}\n${bot.stderr()}`
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      try {
        const j = JSON.parse(l) as { level?: number; msg?: string; err?: unknown; why?: unknown; reason?: unknown };
        const extra = [j.why, j.reason, typeof j.err === 'string' ? j.err : (j.err as { message?: string } | undefined)?.message].filter(Boolean).join('; ');
        return `${levels[j.level ?? 0] ?? j.level} ${j.msg ?? ''}${extra ? ` (${extra})` : ''}`;
      } catch {
        return l;
      }
    });
}

/** The last `n` log lines, for a failure message. */
export function logTail(bot: BotProcess, n = 25): string {
  return logLines(bot).slice(-n).join('\n  ');
}

/** How many log lines (stdout and stderr) match. */
export function countLog(bot: BotProcess, pattern: RegExp): number {
  return `${bot.stdout()}\n${bot.stderr()}`.split('\n').filter((l) => pattern.test(l)).length;
}

/** Records the process's exit, if it exits: `exit()` is undefined while it runs. */
export function watchExit(bot: BotProcess): { exit(): (Exit & { at: number }) | undefined } {
  let seen: (Exit & { at: number }) | undefined;
  void bot.exited.then((e) => {
    seen = { ...e, at: Date.now() };
  });
  return { exit: () => seen };
}

// ---------------- which process called the Bot API ----------------

export interface ProxiedCall {
  method: string;
  /** Date.now() when the request came in, and when it was answered or abandoned. */
  startedAt: number;
  endedAt?: number;
  status?: number;
  /** For an answer whose result is an array (getUpdates): its length. */
  results?: number;
  /** getUpdates: the offset asked for, and the update ids and message texts of the answer. */
  offset?: number;
  updates?: Array<{ id: number; text?: string }>;
}

export interface TaggingProxy {
  /** TELEGRAM_API_ROOT for the one bot process that should go through it. */
  apiRoot: string;
  calls: ProxiedCall[];
  /**
   * Runs `action` at the moment the bot has stored the updates carrying
   * `texts` and starts handling them: when its next getUpdates confirms them
   * (the durable runner confirms a batch only once it is stored), before that
   * request goes on to the server. Resolves with the action's result.
   */
  onStored<T>(texts: string[], action: () => T | Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/**
 * A transparent HTTP proxy in front of the fake Bot API server, one per bot
 * process: the fake cannot tell two processes on one token apart, the proxy
 * each goes through can. A client that hangs up (a long poll aborted) has its
 * upstream request aborted too.
 */
export async function startTaggingProxy(target: string): Promise<TaggingProxy> {
  const calls: ProxiedCall[] = [];
  const upstream = new URL(target);
  const armed: Array<{ texts: Set<string>; run: () => Promise<void> }> = [];
  /** The arming whose updates this getUpdates confirms, if any. */
  const confirmedBy = (offset: number | undefined) => {
    if (offset === undefined) return undefined;
    return armed.find((x) => {
      const ids = calls.flatMap((c) => c.updates ?? []).filter((u) => u.text !== undefined && x.texts.has(u.text));
      return ids.length === x.texts.size && ids.every((u) => u.id < offset);
    });
  };
  const server = createServer((req, res) => {
    const call: ProxiedCall = { method: /\/bot[^/]+\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '', startedAt: Date.now() };
    calls.push(call);
    const headers: IncomingHttpHeaders = { ...req.headers, host: upstream.host };
    const sentBody: Buffer[] = [];
    let up: ReturnType<typeof request> | undefined;
    res.on('close', () => {
      call.endedAt ??= Date.now();
      if (!res.writableFinished) up?.destroy();
    });
    req.on('data', (c: Buffer) => sentBody.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(sentBody);
      if (call.method.toLowerCase() === 'getupdates') {
        try {
          const offset = (JSON.parse(body.toString() || '{}') as { offset?: unknown }).offset;
          if (offset !== undefined) call.offset = Number(offset);
        } catch {
          // not JSON (grammY sends JSON): no offset recorded
        }
        const due = confirmedBy(call.offset);
        if (due) {
          armed.splice(armed.indexOf(due), 1);
          await due.run();
        }
      }
      if (res.destroyed) return;
      up = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (upRes) => {
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          const answer = Buffer.concat(chunks);
          call.status = upRes.statusCode;
          try {
            const parsed = JSON.parse(answer.toString()) as { result?: unknown };
            if (Array.isArray(parsed.result)) {
              call.results = parsed.result.length;
              if (call.method.toLowerCase() === 'getupdates') {
                call.updates = (parsed.result as Array<{ update_id: number; message?: { text?: string } }>).map((u) => ({
                  id: u.update_id,
                  text: u.message?.text,
                }));
              }
            }
          } catch {
            // not JSON: the status says enough
          }
          if (res.destroyed) return;
          const { 'content-length': _, 'transfer-encoding': __, ...rest } = upRes.headers;
          res.writeHead(upRes.statusCode ?? 502, { ...rest, 'content-length': String(answer.length) });
          res.end(answer);
        });
        upRes.on('error', () => res.destroy());
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    onStored<T>(texts: string[], action: () => T | Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        armed.push({
          texts: new Set(texts),
          run: async () => {
            try {
              resolve(await action());
            } catch (error) {
              reject(error);
            }
          },
        });
      });
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------- timing of a fault ----------------

/** What the writers wrote between `from` and `to`, and how much of it arrived before `to`. */
export function heldBack(writers: Writer[], arrivals: Map<string, number>, from: number, to: number): { written: number; arrivedBefore: number } {
  const during = writers.flatMap((w) => w.sent).filter((s) => s.at >= from && s.at < to);
  return { written: during.length, arrivedBefore: during.filter((s) => (arrivals.get(s.text) ?? Number.POSITIVE_INFINITY) < to).length };
}

/**
 * From the end of a fault: until the last text written before it ended had
 * arrived (the backlog), and until the last text of all had arrived. NaN if
 * some never arrived.
 */
export function recoveryTimes(writers: Writer[], arrivals: Map<string, number>, faultEndedAt: number): { backlogMs: number; lastMs: number } {
  const sent = writers.flatMap((w) => w.sent);
  const latest = (texts: { text: string }[]) => Math.max(...texts.map((s) => arrivals.get(s.text) ?? Number.NaN));
  return { backlogMs: latest(sent.filter((s) => s.at < faultEndedAt)) - faultEndedAt, lastMs: latest(sent) - faultEndedAt };
}

/** With TEST_OUTAGE_LOG_DIR set, each process's stdout and stderr go to files there (to read what a test saw). */
export function saveLogs(bots: BotProcess[], name: string): void {
  const dir = process.env.TEST_OUTAGE_LOG_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = name.replace(/[^a-z0-9]+/gi, '-');
  for (const [i, bot] of bots.entries()) writeFileSync(`${dir}/${file}-${i}.log`, `${bot.stdout()}\n--- stderr ---\n${bot.stderr()}`);
}

/**
 * A manager and two users; each user has written once (so each has a topic);
 * returns who writes what from now on: each user into their private chat
 * (copies land in their topic), and the manager in the first user's topic
 * (copies land in that user's private chat).
 */
export async function openConversations(desk: ProcessDesk, tag: string): Promise<Writer[]> {
  const { tg, group } = desk;
  const manager = tg.createUser({ first_name: `Manager${tag}`, language_code: 'en' });
  tg.addMember(group.id, manager, 'administrator');
  const ann = tg.createUser({ first_name: `Ann${tag}`, language_code: 'en' });
  const bob = tg.createUser({ first_name: `Bob${tag}`, language_code: 'en' });
  const userWriter = (u: typeof ann) =>
    writer(
      `${u.first_name} → her topic`,
      `u${u.id}-`,
      (body) => tg.userSends(u, { text: body }),
      () => botTextsIn(tg, group.id, `u${u.id}-`),
    );
  const annWrites = userWriter(ann);
  const bobWrites = userWriter(bob);
  annWrites.write();
  bobWrites.write();
  const topicOf = (name: string) => tg.waitFor(() => tg.topics(group.id).find((t) => !t.deleted && t.name.endsWith(name)), { timeoutMs: 15_000 });
  const annTopic = await topicOf(ann.first_name);
  await topicOf(bob.first_name);
  const managerWrites = writer(
    `${manager.first_name} → ${ann.first_name}`,
    `m${manager.id}-`,
    (body) => tg.managerSends(group.id, manager, { text: body }, { threadId: annTopic.message_thread_id }),
    () => botTextsIn(tg, ann.id, `m${manager.id}-`),
  );
  return [annWrites, bobWrites, managerWrites];
}
