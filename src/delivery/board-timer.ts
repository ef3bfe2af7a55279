// When the queue board looks at the queue again: once per period while this
// instance serves, and soon after tickets change (a user wrote, a manager
// took or resolved a ticket), but no more often than every few seconds, since
// a busy desk changes tickets many times a second. Looking costs a few reads;
// whether anything is sent, and when, is decided by domain/queue-board.ts
// and its job (at most one change per period).
import { isTransientDbError } from '../db/errors.js';
import type { Logger } from '../logger.js';

export interface BoardTimer {
  /** Starts looking (soon, then every period). */
  start(): void;
  /** Stops at once (the instance stops, or lost its lease). */
  stop(): void;
  /** Tickets changed: look again soon. */
  nudge(): void;
}

/** A nudge waits this long, so that the decision behind it has committed and its neighbours join it. */
const NUDGE_DELAY_MS = 1_000;
/** Looks prompted by nudges are at least this far apart (or a quarter of the period, if that is shorter). */
const MIN_GAP_MS = 5_000;

export function createBoardTimer(opts: { periodMs: number; look: () => Promise<unknown>; logger: Logger }): BoardTimer {
  const minGap = Math.min(MIN_GAP_MS, opts.periodMs / 4);
  let running = false;
  let timer: NodeJS.Timeout | undefined;
  let dueAt = Number.POSITIVE_INFINITY;
  let lastLook = 0;
  let looking = false;

  /** Looks at `at`, unless a look is due sooner. */
  function schedule(at: number): void {
    if (!running || at >= dueAt) return;
    clearTimeout(timer);
    dueAt = at;
    timer = setTimeout(() => void look(), Math.max(0, at - Date.now()));
    timer.unref();
  }

  async function look(): Promise<void> {
    dueAt = Number.POSITIVE_INFINITY;
    timer = undefined;
    if (!running) return;
    if (looking) {
      // Still at the last look (a slow database): this one follows it.
      schedule(Date.now() + minGap);
      return;
    }
    looking = true;
    lastLook = Date.now();
    try {
      await opts.look();
    } catch (error) {
      // The next look tries again; a database outage is logged once elsewhere (db/health.ts).
      if (isTransientDbError(error)) opts.logger.debug({ err: String(error) }, 'queue board: could not look at the queue');
      else opts.logger.error({ err: error instanceof Error ? error.stack : String(error) }, 'queue board: looking at the queue failed');
    } finally {
      looking = false;
    }
    schedule(lastLook + opts.periodMs);
  }

  return {
    start() {
      if (running) return;
      running = true;
      schedule(Date.now() + NUDGE_DELAY_MS);
    },
    stop() {
      running = false;
      clearTimeout(timer);
      timer = undefined;
      dueAt = Number.POSITIVE_INFINITY;
    },
    nudge() {
      schedule(Math.max(Date.now() + NUDGE_DELAY_MS, lastLook + minGap));
    },
  };
}
