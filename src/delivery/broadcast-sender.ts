// Sends broadcasts: works through the recipients of the oldest running
// broadcast, a few at a time, each copied from the admin's message in
// General (and followed by the NPS question when it has one). Why a loop of
// its own and not outbox jobs: a broadcast is thousands of sends of one
// message, whose state is its recipients' rows, and it must only ever take
// what the relay leaves; its courier asks the rate limiter with low priority
// (delivery/rate-limiter.ts), so a user's message or a manager's reply never
// waits behind it, and a 429 holds the whole broadcast for its retry_after.
//
// Nobody gets a broadcast twice: each recipient row (unique per broadcast and
// user) is claimed (PENDING → SENDING) once its send has its slot, right
// before it goes out, and marked with the result after it. A row left
// SENDING by a crash is never sent again: it counts as failed, since it may
// have arrived (only the sends leaving at that instant). A stop lets the
// sends in flight finish and record; a restart goes on with the PENDING
// rows. A claim only succeeds while the broadcast is RUNNING, so a pause or a
// cancel stops it at once (but for the sends already leaving).
import { write } from '../db/client.js';
import { isTransientDbError } from '../db/errors.js';
import { npsKeyboard } from '../bot/keyboards/broadcasts.js';
import { finishBroadcast, fireScheduled, pauseByBot } from '../domain/broadcasts.js';
import type { Desk } from '../domain/desk.js';
import type { Broadcast } from '../generated/sqlite/client.js';
import { languageOf, textsFor } from '../i18n/index.js';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import { DeliveryError, SendCalledOff, type Courier, type Place } from './courier.js';
import { broadcastProgress, progressKey, progressQueue } from './jobs/broadcasts.js';

export interface BroadcastSender {
  /** Starts sending (this instance serves); goes on where the last one stopped. */
  start(): void;
  /** Stops claiming; waits (bounded) for the sends in flight to finish and be recorded. */
  stop(timeoutMs?: number): Promise<void>;
  /** A broadcast was confirmed, resumed or scheduled: look now. */
  wake(): void;
}

export interface BroadcastSenderOptions {
  desk: Desk;
  /** The low-priority courier (see app.ts). */
  courier: Courier;
  logger: Logger;
  /** Sends in flight at once (Telegram answers in tens of milliseconds: a few keep the pace). */
  concurrency: number;
}

/** Recipients read at a time. */
const BATCH = 50;
/** With nothing running, due schedules are looked for this often (and at every nudge). */
const IDLE_LOOK_MS = 5_000;
const MAX_BACKOFF_MS = 60_000;
const GENERAL: Place = { chat: 'support' };
/** Telegram's words for a recipient who cannot get messages from the bot (a 403 about the user, not the group). */
const UNREACHABLE = /blocked by the user|user is deactivated|initiate conversation/i;
const SOURCE_GONE = /message to copy not found|MESSAGE_ID_INVALID|message not found/i;
/** A network failure that cannot have reached Telegram (no connection was made): safe to send again. */
const NOT_SENT = /\((ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH)\)$/;
/** The connection broke after the request went out: Telegram may have sent it, so it is never sent again. */
const mayHaveArrived = (description: string) => /^Network request/.test(description) && !NOT_SENT.test(description) && !/\(\d{3}: /.test(description);

type Recipient = { id: number; userId: bigint; user: { blocked: boolean; bannedAt: Date | null; languageCode: string | null } };
type Result = { state: 'SENT'; messageId: number; questionMessageId: number | null } | { state: 'BLOCKED' | 'FAILED' | 'SKIPPED'; error?: string };

export function createBroadcastSender(o: BroadcastSenderOptions): BroadcastSender {
  const { desk, courier, logger } = o;
  const db = desk.db;
  let running = false;
  let loop: Promise<void> = Promise.resolve();
  let nudged = false;
  let wakeUp: (() => void) | undefined;
  const inFlight = new Set<Promise<void>>();
  /** Recipients a send is working on (claimed or about to be): the next batch leaves them alone. */
  const assigned = new Set<number>();
  /** When each broadcast's progress was last asked for: at most once per period (its job waits out the rest). */
  const lastProgress = new Map<number, number>();
  /** Telegram or the network failed: nothing is claimed before this. */
  let holdUntil = 0;
  let failures = 0;

  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      if (nudged || !running) return resolve();
      const done = () => {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeUp = done;
    });

  async function run(): Promise<void> {
    await retryDb(() => recoverInterrupted());
    let backoff = 0;
    while (running) {
      nudged = false;
      try {
        const worked = await step();
        backoff = 0;
        if (!worked) await nap(await idleFor());
      } catch (error) {
        backoff = Math.min(MAX_BACKOFF_MS, backoff ? backoff * 2 : 500);
        if (isTransientDbError(error)) logger.debug({ err: String(error) }, 'broadcasts: database unavailable; trying again');
        else logger.error({ err: error instanceof Error ? error.stack : String(error) }, 'broadcasts: sending failed; trying again');
        await nap(backoff);
      }
    }
    await Promise.allSettled([...inFlight]);
  }

  /** Rows claimed by a run that ended without recording them (a crash): they may have arrived, so they are not sent again. */
  async function recoverInterrupted(): Promise<void> {
    const r = await write(db, (tx) =>
      tx.broadcastRecipient.updateMany({
        where: { state: 'SENDING' },
        data: { state: 'FAILED', error: desk.managerTexts.broadcast.interrupted, sentAt: desk.now() },
      }),
    );
    if (r.count) logger.warn({ recipients: r.count }, 'broadcasts: sends interrupted by a stop are not repeated (they may have arrived)');
  }

  /** One round: fire due schedules, then start sends for a batch of the oldest running broadcast. False when there was nothing to do. */
  async function step(): Promise<boolean> {
    const due = await db.broadcast.findMany({
      where: { state: 'SCHEDULED', scheduledAt: { lte: desk.now() } },
      orderBy: { scheduledAt: 'asc' },
      select: { id: true },
    });
    for (const d of due) if (await fireScheduled(desk, d.id)) logger.info({ broadcast_id: d.id }, 'broadcasts: a scheduled broadcast starts');
    const b = await db.broadcast.findFirst({ where: { state: 'RUNNING' }, orderBy: { id: 'asc' } });
    if (!b) return due.length > 0;
    const wait = holdUntil - Date.now();
    if (wait > 0) {
      await nap(wait);
      return true;
    }
    const batch: Recipient[] = await db.broadcastRecipient.findMany({
      where: { broadcastId: b.id, state: 'PENDING' },
      orderBy: { id: 'asc' },
      take: BATCH,
      select: { id: true, userId: true, user: { select: { blocked: true, bannedAt: true, languageCode: true } } },
    });
    if (batch.length === 0) {
      // The last sends finish first: then nothing is left to send, and it is done.
      await Promise.allSettled([...inFlight]);
      if (await finishBroadcast(desk, b.id)) {
        lastProgress.delete(b.id);
        logger.info({ broadcast_id: b.id }, 'broadcasts: done');
        return true;
      }
      return false;
    }
    const fresh = batch.filter((r) => !assigned.has(r.id));
    if (fresh.length === 0) {
      await Promise.race(inFlight);
      return true;
    }
    for (const r of fresh) {
      while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
      if (!running || holdUntil > Date.now()) break;
      assigned.add(r.id);
      // A bug in one send is logged; a row it claimed stays SENDING, so it is never sent again (it counts as failed at the next start).
      const task: Promise<void> = deliver(b, r)
        .catch((error: unknown) => logger.error({ broadcast_id: b.id, err: error instanceof Error ? error.stack : String(error) }, 'broadcasts: a send failed'))
        .finally(() => {
          assigned.delete(r.id);
          inFlight.delete(task);
        });
      inFlight.add(task);
    }
    return true;
  }

  async function claim(recipientId: number): Promise<boolean> {
    const r = await write(db, (tx) =>
      tx.broadcastRecipient.updateMany({ where: { id: recipientId, state: 'PENDING', broadcast: { state: 'RUNNING' } }, data: { state: 'SENDING' } }),
    );
    return r.count === 1;
  }

  async function deliver(b: Broadcast, r: Recipient): Promise<void> {
    const userId = Number(r.userId);
    let result: Result;
    if (r.user.bannedAt || r.user.blocked) {
      if (!(await claim(r.id))) return;
      result = { state: 'SKIPPED' };
    } else {
      const outcome = await send(b, r, userId);
      // Paused or cancelled while it waited for its slot: it stays PENDING.
      if (outcome === 'calledOff') return;
      if (outcome === 'retry') {
        await retryDb(() => write(db, (tx) => tx.broadcastRecipient.updateMany({ where: { id: r.id, state: 'SENDING' }, data: { state: 'PENDING' } })));
        return;
      }
      result = outcome;
    }
    await retryDb(() => record(r.id, userId, result));
    progress(b.id);
  }

  /**
   * The copy (and the NPS question). 'calledOff': not claimed, nothing sent;
   * 'retry': claimed, not sent, back to PENDING (Telegram is down, or the broadcast paused itself).
   */
  async function send(b: Broadcast, r: Recipient, userId: number): Promise<Result | 'retry' | 'calledOff'> {
    const to: Place = { chat: 'user', userId };
    let messageId: number;
    try {
      // Claimed once the slot is there, right before it goes out; a stopping sender starts nothing new.
      const beforeSend = async () => running && (await retryDb(() => claim(r.id)));
      [messageId] = (await courier.copy(GENERAL, [b.sourceMessageId], to, { beforeSend })) as [number];
    } catch (error) {
      if (error instanceof SendCalledOff) return 'calledOff';
      return refused(b, userId, error);
    }
    failures = 0;
    let questionMessageId: number | null = null;
    if (b.nps) {
      try {
        questionMessageId = await courier.post(to, { text: textsFor(languageOf(r.user.languageCode)).broadcast.nps.question, keyboard: npsKeyboard(b.id) });
      } catch (error) {
        // The message itself arrived; only the question did not (the user blocked the bot in between, say).
        logger.info({ broadcast_id: b.id, user_id: userId, err: String(error) }, 'broadcasts: the NPS question did not go out');
      }
    }
    return { state: 'SENT', messageId, questionMessageId };
  }

  async function refused(b: Broadcast, userId: number, error: unknown): Promise<Result | 'retry'> {
    if (!(error instanceof DeliveryError)) {
      logger.error({ broadcast_id: b.id, user_id: userId, err: error instanceof Error ? error.stack : String(error) }, 'broadcasts: a send failed');
      return { state: 'FAILED', error: String(error) };
    }
    if (error.failure === 'unavailable') {
      // Network trouble or Telegram's 5xx: the whole broadcast waits (1 s doubling, up to a minute), then tries again.
      failures++;
      holdUntil = Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1));
      logger.warn({ broadcast_id: b.id, description: error.description, retry_in_ms: holdUntil - Date.now() }, 'broadcasts: Telegram unavailable; waiting');
      return mayHaveArrived(error.description) ? { state: 'FAILED', error: desk.managerTexts.broadcast.answerLost } : 'retry';
    }
    if ((error.failure === 'blocked' || error.failure === 'deactivated') && UNREACHABLE.test(error.description)) {
      return { state: 'BLOCKED', error: error.description };
    }
    if (SOURCE_GONE.test(error.description)) {
      if (await retryDb(() => pauseByBot(desk, b.id, 'sourceGone'))) logger.warn({ broadcast_id: b.id }, 'broadcasts: the message to send is gone; paused');
      return 'retry';
    }
    if (error.failure === 'blocked' || error.failure === 'deactivated' || error.failure === 'no-rights') {
      // Not about this user (the courier calls any refusal in a private chat "blocked"): the bot cannot copy from the group.
      if (await retryDb(() => pauseByBot(desk, b.id, { noAccess: error.description }))) {
        logger.error({ broadcast_id: b.id, description: error.description }, 'broadcasts: cannot copy the message; paused');
      }
      return 'retry';
    }
    return { state: 'FAILED', error: error.description };
  }

  function record(recipientId: number, userId: number, result: Result) {
    const sentAt = desk.now();
    const data =
      result.state === 'SENT'
        ? { state: result.state, messageId: result.messageId, questionMessageId: result.questionMessageId, sentAt }
        : { state: result.state, error: result.error ?? null, sentAt };
    return write(db, async (tx) => {
      await tx.broadcastRecipient.updateMany({ where: { id: recipientId, state: 'SENDING' }, data });
      // Telegram said so: the relay and surveys leave them alone too, until they write again.
      if (result.state === 'BLOCKED') await tx.user.updateMany({ where: { id: BigInt(userId) }, data: { blocked: true } });
    });
  }

  /** The progress message, asked for at most once per period (its job waits for its turn, and renders then). */
  function progress(broadcastId: number): void {
    const now = Date.now();
    if (now - (lastProgress.get(broadcastId) ?? 0) < desk.broadcasts.progressPeriodMs) return;
    lastProgress.set(broadcastId, now);
    void desk.outbox
      .enqueue([broadcastProgress.make(progressQueue(broadcastId), { broadcastId }, { coalesceKey: progressKey(broadcastId) })])
      .catch((error: unknown) => logger.debug({ err: String(error) }, 'broadcasts: could not queue the progress; the next send asks again'));
  }

  /** A database outage is waited out (the result of a send must be recorded); a bug is not. */
  async function retryDb<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        if (!isTransientDbError(error) || attempt >= 30) throw error;
        await sleep(Math.min(2000, 100 * 2 ** attempt));
      }
    }
  }

  async function idleFor(): Promise<number> {
    const next = await db.broadcast.findFirst({ where: { state: 'SCHEDULED' }, orderBy: { scheduledAt: 'asc' }, select: { scheduledAt: true } });
    if (!next?.scheduledAt) return IDLE_LOOK_MS;
    return Math.max(0, Math.min(IDLE_LOOK_MS, next.scheduledAt.getTime() - desk.now().getTime()));
  }

  return {
    start() {
      if (running) return;
      running = true;
      nudged = false;
      // After the last run has ended: its sends in flight are recorded before the next looks for interrupted ones.
      loop = loop.then(() =>
        run().catch((error: unknown) => logger.error({ err: error instanceof Error ? error.stack : String(error) }, 'broadcasts: the sender stopped')),
      );
    },
    async stop(timeoutMs = 4_000) {
      running = false;
      wakeUp?.();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([loop, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs).unref()))]);
      clearTimeout(timer);
    },
    wake() {
      nudged = true;
      wakeUp?.();
    },
  };
}
