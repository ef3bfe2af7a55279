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

export interface Rate {
  limit: number;
  windowMs: number;
}

export interface LimiterConfig {
  privateChat: Rate | null;
  group: Rate | null;
  global: Rate | null;
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

  get idle(): boolean {
    return this.times.length === 0 && this.inFlight === 0 && this.queued === 0 && this.blockedUntil <= Date.now();
  }
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly all: Window;

  constructor(private readonly config: LimiterConfig) {
    this.all = new Window(config.global);
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
  async acquire(target: Target, count = 1): Promise<() => void> {
    // Even a call that takes no slot (reopening a topic) waits out a 429 on
    // its target; it takes no turn in the line either, having no slot to wait for.
    const w = this.windowFor(target);
    const next = count > 0 ? await w.inLine() : undefined;
    try {
      for (;;) {
        const now = Date.now();
        const wait = Math.max(w.waitMs(now, count), this.all.waitMs(now, count));
        if (wait <= 0) {
          w.start(count);
          this.all.start(count);
          return () => {
            const done = Date.now();
            w.answered(done, count);
            this.all.answered(done, count);
            this.forgetIdle();
          };
        }
        await sleep(wait);
      }
    } finally {
      next?.();
    }
  }

  /** Telegram said 429: nothing goes to this target for retryAfter seconds. */
  penalize(target: Target, retryAfterSeconds: number): void {
    const until = Date.now() + retryAfterSeconds * 1000;
    const w = this.windowFor(target);
    w.blockedUntil = Math.max(w.blockedUntil, until);
  }

  /** Drops per-chat state nobody needs any more, so memory stays flat with many users. */
  private forgetIdle(): void {
    if (this.windows.size < 1000) return;
    for (const [key, w] of this.windows) if (w.idle) this.windows.delete(key);
  }
}
