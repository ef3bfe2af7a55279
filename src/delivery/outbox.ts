// The durable outbox: every message the desk sends is first a row here,
// written in the same transaction as the decision to send it. Jobs of one
// queue (a user's topic, a user's private chat) go out strictly in order;
// different queues go out concurrently. A job is deleted in the same
// transaction that records its result, so after a crash the only job that can
// be sent twice is one Telegram accepted in the instant before the crash.
//
// Ready queues take turns (first ready, first served; a queue goes to the back
// once its job is done). Jobs may run in lanes, each with its own share of the
// concurrency, so that jobs of one kind waiting for a busy target (the
// support group's 20 a minute) cannot take every slot from the others.
//
// It knows nothing about what the jobs mean: handlers per kind do that.
import { write, writeGroup, type Db, type Tx, type WriteGroup } from '../db/client.js';
import { isTransientDbError } from '../db/errors.js';
import { outboxQueries } from '../db/queries/outbox.js';
import type { DbHealth } from '../db/health.js';
import type { Logger } from '../logger.js';
import { DeliveryError } from './courier.js';
import { sleep } from '../lib/sleep.js';

/** While the database is down, a job is tried again at least this often. */
const DB_RETRY_MAX_MS = 2000;

export interface Job {
  id: number;
  queue: string;
  kind: string;
  payload: unknown;
  coalesceKey: string | null;
  attempts: number;
  nextAttemptAt: Date;
}

export interface NewJob {
  queue: string;
  kind: string;
  payload: unknown;
  /** A queued, not yet started job with the same key makes this one redundant. */
  coalesceKey?: string;
  /** Not before this time (albums wait a moment for their other items). */
  notBefore?: Date;
}

/**
 * What a handler returns: database writes that record the result, and
 * follow-up jobs; both commit together with the job's removal.
 */
export type JobOutcome = undefined | { record?: (tx: Tx) => Promise<unknown>[]; followUps?: NewJob[] };

export type JobHandler = (job: Job) => Promise<JobOutcome>;

/** Which lane a job runs in, and how many jobs each lane may have in flight (a lane not named gets `concurrency`). */
export interface Lanes {
  of: (job: Job) => string;
  concurrency: Record<string, number>;
}

export interface OutboxOptions {
  /** Jobs in flight at once, per lane (without lanes: across all queues). */
  concurrency?: number;
  /** Without lanes, every job runs in one. */
  lanes?: Lanes;
  /** How often jobs are retried while the bot has no access to the support chat (default a minute). */
  heldRetryMs?: number;
  /** Called once when the bot loses access to the support chat, to tell people where possible. */
  onHeld?: (error: DeliveryError) => void;
  /** Called when a job fails for a reason nobody foresaw (a bug), so that a person hears of it. */
  onFailed?: (job: Job, error: unknown) => void;
  /** Told when the database fails and when it answers again. */
  health?: DbHealth;
}

/** Jobs noted as being committed before the old ones (of transactions that rolled back) are looked for. */
const COMMITTING_PRUNE_AT = 1000;
/** How often `sent` looks whether a queue's send is recorded (a rare wait: a person answering a message within milliseconds). */
const SENT_POLL_MS = 20;
/** Deliveries recorded in one transaction at most (a bound on its length, and on what one failure undoes). */
const RECORD_BATCH = 64;

interface QueueState {
  jobs: Job[];
  busy: boolean;
  timer?: NodeJS.Timeout;
}

const ONE_LANE = '';

export class Outbox {
  private readonly queues = new Map<string, QueueState>();
  /** Queues ready to run their head job, per lane, in the order they became ready. */
  private readonly ready = new Map<string, string[]>();
  private readonly readySet = new Set<string>();
  private inFlight = 0;
  private readonly inFlightPerLane = new Map<string, number>();
  private running = false;
  private readonly idleWaiters: Array<() => void> = [];
  private readonly concurrency: number;
  private held = false;
  /** Jobs that failed for lack of access: only their success proves access is back (a private chat's does not). */
  private readonly heldJobs = new Set<number>();

  private handlers: Record<string, JobHandler> = {};
  /** Ids of jobs taken into the queues, so that none is taken twice. */
  private readonly known = new Set<number>();
  /**
   * Jobs this instance wrote whose transaction has not been handed to accept()
   * yet (id → when written): a sweep that reads the table between a decision's
   * commit and its accept() must not take them for another instance's.
   */
  private readonly committing = new Map<number, number>();
  /** The instance lost its lease: nothing is taken out until resume(). */
  private paused = false;
  /** Outcomes of jobs Telegram accepted but whose recording failed: only the recording is retried. */
  private readonly unrecorded = new Map<number, JobOutcome>();
  /**
   * Deliveries are recorded through a write group (db/client.ts): those that
   * finish while a recording is being written share the next transaction,
   * one commit for many jobs, where one each cost as much as the rest of the
   * job's database work.
   */
  private readonly recordTogether: WriteGroup;
  /** Jobs finished lately (sent and removed, or failed), and when: a sweep that read them a moment before must not take them again. */
  private readonly finished = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: OutboxOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 32;
    this.recordTogether = writeGroup(db, RECORD_BATCH);
  }

  /** What each kind of job does; set before start(). */
  setHandlers(handlers: Record<string, JobHandler>): void {
    this.handlers = handlers;
  }

  /** Writes jobs inside the caller's transaction; hand the result to `accept` after commit. */
  async add(tx: Tx, jobs: NewJob[]): Promise<Job[]> {
    const rows: Job[] = [];
    const q = outboxQueries(tx);
    const now = new Date();
    for (const j of jobs) {
      const row = rowOf(j);
      const id = await q.addJob(row, now);
      this.rememberCommitting(id);
      // As the handler would read it back from the table (JSON), so a restart changes nothing.
      rows.push({
        id,
        queue: row.queue,
        kind: row.kind,
        payload: parsePayload(row.payload),
        coalesceKey: row.coalesceKey,
        attempts: 0,
        nextAttemptAt: j.notBefore ?? now,
      });
    }
    return rows;
  }

  /** Notes a job being committed; ids of transactions that rolled back are forgotten after a minute. */
  private rememberCommitting(id: number): void {
    const now = Date.now();
    if (this.committing.size >= COMMITTING_PRUNE_AT) for (const [old, at] of this.committing) if (at < now - 60_000) this.committing.delete(old);
    this.committing.set(id, now);
  }

  /** Takes committed jobs into the send queues. */
  accept(jobs: Job[]): void {
    // Before start() (and after stop()) the table is the queue: start() loads
    // every pending job from it, so taking them here too would send them twice.
    for (const job of jobs) this.committing.delete(job.id);
    if (!this.running) return;
    for (const job of jobs) {
      if (this.known.has(job.id)) continue;
      const q = this.queueOf(job.queue);
      if (job.coalesceKey && q.jobs.some((j, i) => j.coalesceKey === job.coalesceKey && !(i === 0 && q.busy))) {
        // An earlier job of the same kind has not started: it will read the latest state when it runs.
        void write(this.db, (tx) => outboxQueries(tx).removeJob(job.id)).catch((e: unknown) =>
          this.logger.error({ err: String(e) }, 'outbox: coalesce failed'),
        );
        continue;
      }
      this.known.add(job.id);
      // In id order: start() may take in older jobs after newer ones were accepted.
      let at = q.jobs.length;
      while (at > (q.busy ? 1 : 0) && q.jobs[at - 1]!.id > job.id) at--;
      q.jobs.splice(at, 0, job);
      this.markReady(job.queue);
    }
    this.pump();
  }

  /**
   * Stops taking jobs out (the instance lost its lease: another may be
   * sending now). Calls in flight finish; jobs keep being accepted.
   */
  pause(): void {
    this.paused = true;
    for (const q of this.queues.values()) {
      clearTimeout(q.timer);
      q.timer = undefined;
    }
  }

  /**
   * While paused: reads the queues anew from the table. Another instance may
   * have sent and removed jobs meanwhile, so what waits in memory is dropped
   * (but the calls still in flight) and the pending jobs are read again.
   */
  async reload(): Promise<void> {
    for (const [name, q] of this.queues) {
      const keep = q.busy ? q.jobs.slice(0, 1) : [];
      for (const j of q.jobs.slice(keep.length)) {
        this.known.delete(j.id);
        this.unrecorded.delete(j.id);
      }
      q.jobs = keep;
      if (!keep.length) this.queues.delete(name);
    }
    this.ready.clear();
    this.readySet.clear();
    const pending = await outboxQueries(this.db).pendingJobs();
    this.accept(pending.map(toJob));
  }

  /** Sends again after pause(); synchronous, so the caller can check its lease right before. */
  unpause(): void {
    this.paused = false;
    for (const name of this.queues.keys()) this.markReady(name);
    this.pump();
  }

  /** Queues jobs that belong to no decision (a notice to General): written, then taken in. */
  async enqueue(jobs: NewJob[]): Promise<void> {
    this.accept(await write(this.db, (tx) => this.add(tx, jobs)));
  }

  /** Loads what was pending before a restart, and starts sending. */
  async start(): Promise<void> {
    // Running first: a job committed while the table is read is taken in by
    // accept(), and the read skips what is already known.
    this.running = true;
    const pending = await outboxQueries(this.db).pendingJobs();
    if (pending.length) this.logger.info({ jobs: pending.length }, 'outbox: resuming');
    this.accept(pending.map(toJob));
  }

  /** Stops taking new jobs out; waits (bounded) for the calls in flight. Pending jobs stay for the next start. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.running = false;
    for (const q of this.queues.values()) if (q.timer) clearTimeout(q.timer);
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Jobs waiting or in flight (for tests' and benchmarks' eyes, and the log). */
  /**
   * Takes in pending jobs this instance does not know: written by the
   * instance that served before, whose last decisions can commit after this
   * one read the table (it steps down while its handlers finish). Jobs this
   * instance finished while the table was read are not taken again.
   * Returns how many were taken.
   */
  async adoptStrays(): Promise<number> {
    if (!this.running || this.paused) return 0;
    const pending = await outboxQueries(this.db).pendingJobs();
    const cutoff = Date.now() - 60_000;
    for (const [id, at] of this.finished) if (at < cutoff) this.finished.delete(id);
    const strays = pending.filter((j) => !this.known.has(j.id) && !this.finished.has(j.id) && !this.committing.has(j.id));
    if (strays.length) {
      this.logger.warn({ jobs: strays.length }, 'outbox: took in messages the previous instance queued after this one took over');
      this.accept(strays.map(toJob));
    }
    return strays.length;
  }

  /**
   * True while the queue's first job is being sent, or was sent and its result
   * is not recorded yet: what a person sees may be ahead of the database.
   */
  sending(queue: string): boolean {
    const q = this.queues.get(queue);
    const head = q?.jobs[0];
    return Boolean(q && head && (q.busy || this.unrecorded.has(head.id)));
  }

  /** Waits (bounded) until `sending(queue)` is false. */
  async sent(queue: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sending(queue) && Date.now() < deadline) await sleep(SENT_POLL_MS);
  }

  /** True while sends are held because the bot cannot post in a support group. */
  get holding(): boolean {
    return this.held;
  }

  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.jobs.length;
    return n;
  }

  private queueOf(name: string): QueueState {
    let q = this.queues.get(name);
    if (!q) {
      q = { jobs: [], busy: false };
      this.queues.set(name, q);
    }
    return q;
  }

  /** The lane of a queue is its head job's. */
  private laneOf(job: Job | undefined): string {
    return job && this.options.lanes ? this.options.lanes.of(job) : ONE_LANE;
  }

  private hasRoom(lane: string): boolean {
    const cap = this.options.lanes?.concurrency[lane] ?? this.concurrency;
    return (this.inFlightPerLane.get(lane) ?? 0) < cap;
  }

  private markReady(name: string): void {
    if (this.readySet.has(name)) return;
    this.readySet.add(name);
    const lane = this.laneOf(this.queues.get(name)?.jobs[0]);
    let line = this.ready.get(lane);
    if (!line) {
      line = [];
      this.ready.set(lane, line);
    }
    line.push(name);
  }

  private pump(): void {
    for (let started = true; started; ) {
      started = false;
      for (const [lane, line] of this.ready) {
        while (this.running && !this.paused && line.length > 0 && this.hasRoom(lane)) {
          const name = line.shift()!;
          this.readySet.delete(name);
          const q = this.queues.get(name);
          if (!q || q.busy || q.timer) continue;
          const head = q.jobs[0];
          if (!head) {
            this.queues.delete(name);
            continue;
          }
          // An older job taken in at the front since (start() reading the table) may belong to another lane.
          const headLane = this.laneOf(head);
          if (headLane !== lane) {
            this.markReady(name);
            started = true;
            continue;
          }
          const wait = head.nextAttemptAt.getTime() - Date.now();
          if (wait > 0) {
            q.timer = setTimeout(() => {
              q.timer = undefined;
              this.markReady(name);
              this.pump();
            }, wait);
            continue;
          }
          q.busy = true;
          this.inFlight++;
          this.inFlightPerLane.set(lane, (this.inFlightPerLane.get(lane) ?? 0) + 1);
          started = true;
          void this.run(q, head).finally(() => {
            q.busy = false;
            this.inFlight--;
            this.inFlightPerLane.set(lane, this.inFlightPerLane.get(lane)! - 1);
            this.markReady(name);
            if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
            this.pump();
          });
        }
        if (line.length === 0) this.ready.delete(lane);
      }
    }
  }

  private async run(q: QueueState, job: Job): Promise<void> {
    // A job Telegram already accepted, whose result could not be recorded:
    // record it again, never send it again.
    let outcome = this.unrecorded.get(job.id);
    if (!this.unrecorded.has(job.id)) {
      const handler = this.handlers[job.kind];
      try {
        if (!handler) throw new Error(`no handler for outbox job kind ${job.kind}`);
        outcome = await handler(job);
      } catch (error) {
        if (error instanceof DeliveryError && error.transient) return this.retryLater(job, error);
        if (isTransientDbError(error)) return this.waitForDatabase(job, error);
        return this.fail(q, job, error);
      }
    }
    // Telegram has accepted it: record the result, remove the job, add its
    // follow-ups, in one transaction.
    let followUps: Job[];
    try {
      followUps = await this.recordTogether((tx) => this.record(tx, job, outcome));
    } catch (error) {
      if (!isTransientDbError(error)) return this.fail(q, job, error);
      this.unrecorded.set(job.id, outcome);
      // The outage itself is logged once (health); each job only at debug level.
      this.logger.debug({ job_id: job.id, err: errorMessage(error) }, 'outbox: could not record a delivery; will record it again (it is not sent again)');
      return this.waitForDatabase(job, error);
    }
    this.options.health?.ok();
    this.unrecorded.delete(job.id);
    q.jobs.shift();
    this.known.delete(job.id);
    this.finished.set(job.id, Date.now());
    if (followUps.length) this.accept(followUps);
    if (this.heldJobs.delete(job.id) && this.held) {
      this.held = false;
      this.logger.info('outbox: the support chat accepts messages again');
    }
  }

  /** A delivered job's result, its removal and its follow-ups (written in one transaction, see recordTogether). */
  private async record(tx: Tx, job: Job, outcome: JobOutcome): Promise<Job[]> {
    if (outcome?.record) await Promise.all(outcome.record(tx));
    await outboxQueries(tx).removeJob(job.id);
    return this.add(tx, outcome?.followUps ?? []);
  }

  /** A bug or an unexpected refusal: keep the row (FAILED) for a person to see, tell them, and move on. */
  private async fail(q: QueueState, job: Job, error: unknown): Promise<void> {
    this.logger.error({ job_id: job.id, kind: job.kind, queue: job.queue, err: errorFields(error) }, 'outbox: job failed');
    q.jobs.shift();
    this.known.delete(job.id);
    this.finished.set(job.id, Date.now());
    this.unrecorded.delete(job.id);
    await write(this.db, (tx) => outboxQueries(tx).failJob(job.id, errorMessage(error))).catch((e: unknown) =>
      this.logger.error({ job_id: job.id, err: errorMessage(e) }, 'outbox: could not mark a job failed'),
    );
    this.options.onFailed?.(job, error);
  }

  /**
   * The database is down: the job waits at the head of its queue (so its
   * queue keeps its order) and is tried again soon, so that sending resumes
   * within seconds of the database's return. Nothing is written meanwhile.
   */
  private waitForDatabase(job: Job, error: unknown): void {
    this.options.health?.failed(error);
    job.attempts++;
    job.nextAttemptAt = new Date(Date.now() + Math.min(DB_RETRY_MAX_MS, 250 * 2 ** Math.min(job.attempts, 10)));
  }

  private async retryLater(job: Job, error: DeliveryError): Promise<void> {
    job.attempts++;
    // Network trouble and 5xx: 1 s doubling to a minute. Lost rights: every heldRetryMs (a minute) until fixed.
    const heldRetryMs = this.options.heldRetryMs ?? 60_000;
    const delay = error.failure === 'no-rights' ? heldRetryMs : Math.min(60_000, 1000 * 2 ** (job.attempts - 1));
    job.nextAttemptAt = new Date(Date.now() + delay);
    if (error.failure === 'no-rights') {
      this.heldJobs.add(job.id);
      if (!this.held) {
        this.held = true;
        this.logger.error(
          { description: error.description, retry_in_ms: heldRetryMs },
          'outbox: the bot cannot post in the support chat (removed, no admin rights, or the chat migrated). Messages are held and retried until it can; nothing is dropped.',
        );
        this.options.onHeld?.(error);
      }
    } else {
      this.logger.warn({ job_id: job.id, kind: job.kind, attempts: job.attempts, retry_in_ms: delay, description: error.description }, 'outbox: will retry');
    }
    await write(this.db, (tx) => outboxQueries(tx).rescheduleJob(job.id, job.attempts, job.nextAttemptAt, error.description)).catch(() => undefined);
  }
}

function rowOf(j: NewJob) {
  return {
    queue: j.queue,
    kind: j.kind,
    payload: JSON.stringify(j.payload),
    coalesceKey: j.coalesceKey ?? null,
    ...(j.notBefore ? { nextAttemptAt: j.notBefore } : {}),
  };
}

function toJob(row: { id: number; queue: string; kind: string; payload: string; coalesceKey: string | null; attempts: number; nextAttemptAt: Date }): Job {
  return {
    id: row.id,
    queue: row.queue,
    kind: row.kind,
    payload: parsePayload(row.payload),
    coalesceKey: row.coalesceKey,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
  };
}

/** A payload that is not JSON reaches its handler as a string, which the handler's schema refuses (the job fails, visibly). */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorFields(error: unknown) {
  return error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : { value: String(error) };
}
