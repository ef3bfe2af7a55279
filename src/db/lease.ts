// Fencing: this instance polls and sends only while it knows it holds the
// instance lock (instance-lock.ts). A heartbeat on the lock's own connection
// renews a short lease; when a renewal fails or the lease runs out, the
// instance stops (onLost) before anyone else may start, and tries to take the
// lock again. Whoever takes the lock waits out one lease (plus one beat)
// before it starts (onHeld), so an old leader cut off from the database has
// stopped by then:
//
//   old leader's last good beat at T: it stops by T + LEASE (a timer);
//   its session ends at some D ≥ T, releasing the lock;
//   the new leader takes it at A ≥ D and starts at A + LEASE + BEAT > T + LEASE.
//
// SQLite's lock is released only when its process dies, so there the lease
// never lapses and a new holder need not wait. On PostgreSQL neither need it
// after a clean stop, or when the old holder's process is known to have died
// (instance-lock.ts): then the standby's takeover is as quick as its retry.
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import type { DbHealth } from './health.js';
import type { InstanceLock } from './instance-lock.js';

export interface LeaseTiming {
  /** How long one good heartbeat keeps this instance in charge. */
  leaseMs: number;
  /** How often the heartbeat runs (well under the lease). */
  beatMs: number;
  /** How often a standby tries to take the lock. */
  retryMs: number;
}

/**
 * A standby tries the lock 20 times a second (one small query, or one file
 * lock attempt on SQLite): a leader's death is noticed within 0.05 s.
 */
export const DEFAULT_LEASE: LeaseTiming = { leaseMs: 1500, beatMs: 300, retryMs: 50 };

export interface LeaseDeps {
  lock: InstanceLock;
  logger: Logger;
  health: DbHealth;
  /** False where the lock cannot be lost while the process lives (SQLite). */
  canLapse: boolean;
  timing?: LeaseTiming;
}

export interface Lease {
  /**
   * Takes the lock, waiting while another instance holds it (or the database
   * cannot be reached); resolves when this instance may start, false if
   * `stopped()` became true first.
   */
  acquire(stopped: () => boolean): Promise<boolean>;
  /** Watches the lease from now on: `onLost` when it lapses, `onHeld` once it is held again. */
  watch(handlers: { onLost: () => Promise<void>; onHeld: () => Promise<void> }): void;
  /** True while the lease is known to be held (always, where it cannot lapse). */
  readonly held: boolean;
  /** This instance is about to serve: a later holder must wait out its lease unless it stops cleanly. */
  serving(): Promise<void>;
  /** Stops the heartbeat and lets the lock go, recording a clean stop first (call after the last send). */
  release(): Promise<void>;
}

export function createLease({ lock, logger, health, canLapse, timing = DEFAULT_LEASE }: LeaseDeps): Lease {
  let stopping = false;
  let beatTimer: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  let waitingLogged = false;
  let lost = false;

  async function acquire(stopped: () => boolean): Promise<boolean> {
    let waited = false;
    for (;;) {
      if (stopped() || stopping) return false;
      let got = false;
      try {
        got = await lock.tryAcquire();
        health.ok();
      } catch (error) {
        health.failed(error);
      }
      if (got) break;
      waited = true;
      if (!waitingLogged && !health.down) {
        waitingLogged = true;
        logger.warn('Another instance of this bot is running on the same database; waiting for it to stop before starting.');
      }
      await sleep(timing.retryMs);
    }
    waitingLogged = false;
    if (!canLapse) {
      if (waited) logger.info('the other instance stopped; taking over');
      return !(stopped() || stopping);
    }
    // Whoever held the lock before may still be finishing its last lease,
    // unless it stopped cleanly (or nobody ever served here) or its process
    // is known to be dead (instance-lock.ts, presence): then nobody sends.
    const previous = await lock.previousHolder().catch(() => 'unknown' as const);
    if (previous !== 'unknown') {
      if (previous === 'gone' && waited) logger.info('the other instance is gone; taking over');
      return !(stopped() || stopping);
    }
    await sleep(timing.leaseMs + timing.beatMs);
    // The lock may have been lost while waiting (the session ended again):
    // then another instance may be the one waiting to start, so start over.
    if (await lock.check()) return !(stopped() || stopping);
    await lock.release();
    return acquire(stopped);
  }

  return {
    acquire,
    get held() {
      return !lost && !stopping;
    },
    watch({ onLost, onHeld }) {
      if (!canLapse) return;
      const lose = (why: string) => {
        if (lost || stopping) return;
        lost = true;
        clearTimeout(beatTimer);
        clearTimeout(deadline);
        logger.error({ why }, 'lost the instance lock: stopped polling and sending until it is held again');
        void (async () => {
          await onLost();
          await lock.release();
          if (!(await acquire(() => stopping))) return;
          // The lease runs from the check that ended acquire(), not from when serving is ready.
          lost = false;
          arm();
          beat();
          logger.info('holding the instance lock again; resuming');
          await onHeld();
        })().catch((error: unknown) => logger.error({ err: String(error) }, 'lease: could not resume'));
      };
      const arm = () => {
        clearTimeout(deadline);
        deadline = setTimeout(() => lose(`no good heartbeat for ${timing.leaseMs} ms`), timing.leaseMs);
      };
      const beat = () => {
        beatTimer = setTimeout(async () => {
          if (lost || stopping) return;
          if (await lock.check()) {
            health.ok();
            if (lost || stopping) return;
            arm();
            beat();
          } else {
            health.failed(new Error('the instance lock connection was lost'));
            lose('the lock connection failed');
          }
        }, timing.beatMs);
      };
      arm();
      beat();
    },
    serving: () => lock.markServing(),
    async release() {
      const wasHeld = !lost && !stopping;
      stopping = true;
      clearTimeout(beatTimer);
      clearTimeout(deadline);
      if (wasHeld) await lock.markReleased().catch((error: unknown) => logger.warn({ err: String(error) }, 'lease: could not record a clean stop'));
      await lock.release();
    },
  };
}
