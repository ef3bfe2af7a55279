// Telegram's sending limits, kept on our side so that 429s stay rare: at most
// `limit` sends in any `windowMs` per target (one private chat, the support
// group) and overall. Sends reserve a slot up front, first come first served,
// so a burst is spread out instead of hammering Telegram.
//
// When Telegram answers 429 anyway, `penalize` blocks the target (or every
// target) for exactly the retry_after it named.

export interface Rate {
  limit: number;
  windowMs: number;
}

export interface LimiterConfig {
  privateChat: Rate | null;
  group: Rate | null;
  global: Rate | null;
}

export type Target = { kind: 'private'; chatId: number } | { kind: 'group'; chatId: number };

class Window {
  /** Reserved send times, ascending. */
  private readonly times: number[] = [];
  blockedUntil = 0;

  constructor(private readonly rate: Rate | null) {}

  /** The earliest time ≥ t at which one more send fits. */
  earliest(t: number): number {
    let at = Math.max(t, this.blockedUntil);
    if (!this.rate) return at;
    const { limit, windowMs } = this.rate;
    this.prune(at - windowMs);
    // Sends in (at - window, ...] after `at` also count: a slot must not
    // push any window over the limit. Reservations are mostly in the future
    // only by a few windows, so a linear scan stays short.
    for (;;) {
      const inWindow = this.times.filter((x) => x > at - windowMs && x <= at + windowMs);
      const crowded = firstCrowded(inWindow, at, limit, windowMs);
      if (crowded === undefined) return at;
      at = crowded;
    }
  }

  reserve(t: number): void {
    if (!this.rate) return;
    let i = this.times.length;
    while (i > 0 && this.times[i - 1]! > t) i--;
    this.times.splice(i, 0, t);
  }

  private prune(before: number): void {
    let n = 0;
    while (n < this.times.length && this.times[n]! <= before) n++;
    if (n > 0) this.times.splice(0, n);
  }

  get idle(): boolean {
    return this.times.length === 0 && this.blockedUntil <= Date.now();
  }
}

/**
 * With a send added at `at`, does any window holding `at` exceed `limit`?
 * Returns a later time to try, or undefined when `at` is fine.
 */
function firstCrowded(times: number[], at: number, limit: number, windowMs: number): number | undefined {
  const all = [...times, at].sort((a, b) => a - b);
  for (let i = 0; i + limit < all.length; i++) {
    const first = all[i]!;
    const last = all[i + limit]!;
    if (last - first < windowMs && first <= at && at <= last) {
      // limit+1 sends within one window: move past the window's first send.
      return first + windowMs;
    }
  }
  return undefined;
}

export class RateLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly all: Window;

  constructor(
    private readonly config: LimiterConfig,
    private readonly now: () => number = Date.now,
  ) {
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

  /** Reserves `count` sends to the target; resolves when the first may go. */
  async acquire(target: Target, count = 1): Promise<void> {
    const w = this.windowFor(target);
    let at = this.now();
    let last = at;
    for (let i = 0; i < count; i++) {
      // Find a time both the target and the global window accept.
      for (;;) {
        const t = w.earliest(at);
        const g = this.all.earliest(t);
        if (g === t) {
          at = t;
          break;
        }
        at = g;
      }
      w.reserve(at);
      this.all.reserve(at);
      if (i === 0) last = at;
    }
    const wait = last - this.now();
    if (wait > 0) await sleep(wait);
    this.forgetIdle();
  }

  /** Telegram said 429: nothing goes to this target (or anywhere) for retryAfter seconds. */
  penalize(target: Target | 'global', retryAfterSeconds: number): void {
    const until = this.now() + retryAfterSeconds * 1000;
    const w = target === 'global' ? this.all : this.windowFor(target);
    w.blockedUntil = Math.max(w.blockedUntil, until);
  }

  /** Drops per-chat state nobody needs any more, so memory stays flat with many users. */
  private forgetIdle(): void {
    if (this.windows.size < 1000) return;
    for (const [key, w] of this.windows) if (w.idle) this.windows.delete(key);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
