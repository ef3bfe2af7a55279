// Telegram's sending limits, kept on our side so that 429s stay rare: at most
// `limit` sends in any `windowMs` per target (one private chat, the support
// group) and overall.
//
// A send counts from the moment it starts until its answer arrives, and then
// at the moment the answer arrived: Telegram saw it somewhere in between, and
// only the later bound is safe (a busy event loop or a slow connection can
// put seconds between the two). When Telegram answers 429 anyway, `penalize`
// blocks the target (or every target) for exactly the retry_after it named.
//
// Sends waiting for one target take their slots in the order they asked
// (first come, first served): each outbox queue has at most one send
// waiting, so the queues take turns, and none can be starved by others that
// happen to wake first. A batch (an album) that needs several slots is not
// overtaken by single sends behind it.
//
// Low-priority sends (broadcasts) come after all of that: they take their
// own pace (`lowPriority`), never a slot a normal send is waiting for (in the
// target's line, or held only by the global window), and never the last
// sixth of the global window, so a user's message or a manager's reply
// arriving mid-broadcast finds room at once instead of waiting behind it.

export interface Rate {
  limit: number;
  windowMs: number;
}

export interface LimiterConfig {
  privateChat: Rate | null;
  group: Rate | null;
  global: Rate | null;
  /** Low-priority sends (broadcasts): at most this many, from what normal sends leave of the global window. */
  lowPriority?: Rate | null;
}

/** Normal: the relay and the bot's own messages. Low: broadcasts, which only take what the relay leaves. */
export type Priority = 'normal' | 'low';

/** How much of the global window low-priority sends leave free, always: a sixth (5 of Telegram's 30 a second), at least one. */
function reserveOf(global: Rate | null): number {
  return global ? Math.max(1, Math.ceil(global.limit / 6)) : 0;
}

import { sleep } from '../lib/sleep.js';

export type Target = { kind: 'private'; chatId: number } | { kind: 'group'; chatId: number };

/**
 * Counting a send at the moment its answer arrived already keeps us behind
 * Telegram's own count (it saw the send earlier). A 1% longer window is
 * cheap insurance against Telegram counting a little differently.
 */
function withMargin(rate: Rate | null): Rate | null {
  return rate && { limit: rate.limit, windowMs: rate.windowMs + Math.max(10, rate.windowMs * 0.01) };
}

/** Per-chat windows are forgotten once idle, when more than this many are kept, at most once per SWEEP_EVERY_MS. */
const FORGET_ABOVE = 1000;
const SWEEP_EVERY_MS = 1000;

/** While only sends still in flight fill a window, how often to look again. */
const IN_FLIGHT_POLL_MS = 20;

class Window {
  /** Times at which answered sends were answered, ascending; all ≤ now. */
  private times: number[] = [];
  /**
   * Sends started and not yet answered. They count for as long as they are
   * in flight, however long that is: a send that waited a second on a busy
   * event loop can reach Telegram just now.
   */
  private inFlight = 0;
  blockedUntil = 0;
  private readonly rate: Rate | null;
  /** The last send in line for this window: the next one waits for it to take its slot. */
  private line: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(rate: Rate | null) {
    this.rate = withMargin(rate);
  }

  /** How long until `count` more sends fit (0: now). */
  waitMs(now: number, count: number): number {
    if (this.blockedUntil > now) return this.blockedUntil - now;
    if (!this.rate) return 0;
    const { limit, windowMs } = this.rate;
    let drop = 0;
    while (drop < this.times.length && this.times[drop]! <= now - windowMs) drop++;
    if (drop) this.times = this.times.slice(drop);
    // A batch larger than the limit (an album) goes into an empty window.
    const mayStay = Math.max(0, limit - count);
    const mustExpire = this.times.length + this.inFlight - mayStay;
    if (mustExpire <= 0) return 0;
    // Sends in flight expire only after their answer: look again shortly.
    if (mustExpire > this.times.length) return IN_FLIGHT_POLL_MS;
    return Math.max(1, this.times[mustExpire - 1]! + windowMs - now);
  }

  /** Waits for the sends that asked before; returns the function that lets the next one in line go. */
  async inLine(): Promise<() => void> {
    const before = this.line;
    let next!: () => void;
    this.line = new Promise<void>((resolve) => {
      next = resolve;
    });
    this.queued++;
    await before;
    return () => {
      this.queued--;
      next();
    };
  }

  start(count: number): void {
    if (this.rate) this.inFlight += count;
  }

  /** The sends started earlier were answered at `at`. */
  answered(at: number, count: number): void {
    if (!this.rate) return;
    this.inFlight -= count;
    for (let i = 0; i < count; i++) this.times.push(at);
  }

  /** Sends waiting in this window's line (for its slots). */
  get waiting(): number {
    return this.queued;
  }

  /** Nothing waiting, in flight or blocked, and every counted send out of the window: forgetting it changes nothing. */
  idleAt(now: number): boolean {
    if (this.inFlight !== 0 || this.queued !== 0 || this.blockedUntil > now) return false;
    const last = this.times.at(-1);
    return last === undefined || !this.rate || last <= now - this.rate.windowMs;
  }
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private swept = 0;
  private readonly all: Window;
  private readonly low: Window;
  private readonly reserve: number;
  /** Normal sends held up only by the global window: low-priority sends step aside while there are any. */
  private globalWaiters = 0;

  constructor(private readonly config: LimiterConfig) {
    this.all = new Window(config.global);
    this.low = new Window(config.lowPriority ?? null);
    this.reserve = reserveOf(config.global);
  }

  private windowFor(target: Target): Window {
    const key = `${target.kind}:${target.chatId}`;
    let w = this.windows.get(key);
    if (!w) {
      w = new Window(target.kind === 'private' ? this.config.privateChat : this.config.group);
      this.windows.set(key, w);
    }
    return w;
  }

  /**
   * Waits until `count` sends to the target fit, counts them, and returns the
   * function to call when Telegram has answered.
   */
  async acquire(target: Target, count = 1, priority: Priority = 'normal'): Promise<() => void> {
    if (priority === 'low') return this.acquireLow(target, count);
    // Even a call that takes no slot (reopening a topic) waits out a 429 on
    // its target; it takes no turn in the line either, having no slot to wait for.
    const w = this.windowFor(target);
    const next = count > 0 ? await w.inLine() : undefined;
    let waitingForAll = false;
    try {
      for (;;) {
        const now = Date.now();
        const own = w.waitMs(now, count);
        const all = this.all.waitMs(now, count);
        if (all > 0 && own <= 0 && !waitingForAll) {
          waitingForAll = true;
          this.globalWaiters++;
        }
        const wait = Math.max(own, all);
        if (wait <= 0) return this.take(w, count);
        await sleep(wait);
      }
    } finally {
      if (waitingForAll) this.globalWaiters--;
      next?.();
    }
  }

  /**
   * A low-priority send: in its own line and at its own pace, and only when
   * no normal send waits for this target or for the global window, and the
   * global window keeps its reserve free afterwards. It takes no place in the
   * target's line, so it never holds up a normal send to the same chat.
   */
  private async acquireLow(target: Target, count: number): Promise<() => void> {
    const w = this.windowFor(target);
    const next = count > 0 ? await this.low.inLine() : undefined;
    try {
      for (;;) {
        const now = Date.now();
        const wait = Math.max(w.waitMs(now, count), this.low.waitMs(now, count), this.all.waitMs(now, count + this.reserve));
        const normalWaiting = this.globalWaiters > 0 || w.waiting > 0;
        if (wait <= 0 && !normalWaiting) return this.take(w, count, this.low);
        await sleep(Math.max(wait, normalWaiting ? IN_FLIGHT_POLL_MS : 0));
      }
    } finally {
      next?.();
    }
  }

  private take(w: Window, count: number, also?: Window): () => void {
    w.start(count);
    this.all.start(count);
    also?.start(count);
    return () => {
      const done = Date.now();
      w.answered(done, count);
      this.all.answered(done, count);
      also?.answered(done, count);
      this.forgetIdle();
    };
  }

  /**
   * How long a send that holds its slot must still wait before it goes: a
   * 429 may have come for its target (or, low priority, for every broadcast
   * send) since it took the slot, while it did its last step (a broadcast
   * claims its recipient's row first).
   */
  blockedMs(target: Target, priority: Priority = 'normal'): number {
    const now = Date.now();
    const w = this.windows.get(`${target.kind}:${target.chatId}`);
    return Math.max(0, (w?.blockedUntil ?? 0) - now, priority === 'low' ? this.low.blockedUntil - now : 0);
  }

  /**
   * Telegram said 429: nothing goes to this target for retryAfter seconds. A
   * low-priority send's 429 holds every low-priority send as well: a
   * broadcast that is told to slow down slows down as a whole.
   */
  penalize(target: Target, retryAfterSeconds: number, priority: Priority = 'normal'): void {
    const until = Date.now() + retryAfterSeconds * 1000;
    const w = this.windowFor(target);
    w.blockedUntil = Math.max(w.blockedUntil, until);
    if (priority === 'low') this.low.blockedUntil = Math.max(this.low.blockedUntil, until);
  }

  /**
   * Drops per-chat state nobody needs any more, so memory stays flat with
   * many users: a broadcast writes to each user once, and each of those
   * windows is idle a second later. A sweep walks every window, so it runs
   * at most once per second, not at every answer.
   */
  private forgetIdle(): void {
    const now = Date.now();
    if (this.windows.size < FORGET_ABOVE || now - this.swept < SWEEP_EVERY_MS) return;
    this.swept = now;
    for (const [key, w] of this.windows) if (w.idleAt(now)) this.windows.delete(key);
  }

  /** Per-chat windows kept now (for the metrics and the tests). */
  get size(): number {
    return this.windows.size;
  }
}
