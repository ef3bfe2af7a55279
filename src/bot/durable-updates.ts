// Long polling that cannot lose an update. @grammyjs/runner confirms a batch
// to Telegram (the offset of its next getUpdates) before the batch has been
// handled, so a crash would drop it. Here every fetched batch is written to
// the InboxUpdate table inside the fetch, before the next getUpdates can
// confirm it; each update is marked handled when its middleware finishes; on
// start-up, whatever was stored but not handled is handled first.
//
// Built from the runner's own parts (its fetcher with retries, source,
// concurrent sink), so only the persistence step is ours.
import { createConcurrentSink, createRunner, createSource, createUpdateFetcher, type RunnerHandle } from '@grammyjs/runner';
import { BotError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';
import { write, type Db } from '../db/client.js';
import { isTransientDbError, LeaseLostError } from '../db/errors.js';
import type { DbHealth } from '../db/health.js';
import { inboxQueries } from '../db/queries/inbox.js';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import type { Context } from './context.js';

export interface DurableRunnerOptions {
  allowedUpdates: readonly string[];
  /** Updates handled at once; the runner's sequentialize keeps each conversation in order. */
  concurrency: number;
  health: DbHealth;
}

/** While the database is down, storing a fetched batch is tried again at least this often. */
const STORE_RETRY_MAX_MS = 2000;

/** Stores new updates; returns only those not stored before (Telegram re-sends unconfirmed ones). */
export function storeUpdates(db: Db, updates: Update[]): Promise<Update[]> {
  if (updates.length === 0) return Promise.resolve([]);
  return write(db, (tx) => inboxQueries(tx).storeUpdates(updates));
}

const DAY_MS = 24 * 3600_000;

export function createDurableRunner(bot: Bot<Context>, db: Db, logger: Logger, options: DurableRunnerOptions) {
  // "Handled" marks are written in batches: one write per update would cost
  // as much as the update itself. Losing the last marks in a crash only means
  // those updates are handled again, and handling recognises what it has done.
  let handled: bigint[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = undefined;
    const ids = handled;
    handled = [];
    if (ids.length === 0) return flushing;
    flushing = flushing.then(() =>
      write(db, (tx) => inboxQueries(tx).markHandled(ids, new Date())).then(
        () => undefined,
        (e: unknown) => {
          if (isTransientDbError(e)) {
            // Kept for the next flush: marked once the database is back.
            options.health.failed(e);
            handled = ids.concat(handled);
            flushTimer ??= setTimeout(() => void flush(), 1000);
          } else logger.error({ updates: ids.length, err: String(e) }, 'could not mark updates handled');
        },
      ),
    );
    return flushing;
  }

  // Updates being handled, counted until their "handled" mark is queued, so
  // that shutdown can wait for them and then flush the marks.
  let active = 0;
  let idleWaiters: Array<() => void> = [];

  function markHandled(update: Update): void {
    handled.push(BigInt(update.update_id));
    if (handled.length >= 200) void flush();
    else flushTimer ??= setTimeout(() => void flush(), 100);
  }

  async function handle(update: Update): Promise<void> {
    active++;
    try {
      await bot.handleUpdate(update);
      markHandled(update);
    } catch (error) {
      const cause = error instanceof BotError ? error.error : error;
      if (cause instanceof LeaseLostError) {
        // Another instance may serve now: it handles this one from the inbox, in order.
        logger.warn({ update_id: update.update_id }, 'update left unhandled for the instance that serves now (this one lost its lease)');
      } else if (isTransientDbError(cause)) {
        // The database failed beyond the retries: left unhandled in the inbox,
        // it is handled again at the next start.
        logger.error(
          { update_id: update.update_id, err: errorMessage(cause) },
          'update not handled (database unavailable); it will be retried at the next start',
        );
      } else {
        // A bug: handling it again would fail again, and block every start.
        logger.error({ update_id: update.update_id, err: errorMessage(cause) }, 'update failed; skipped');
        markHandled(update);
      }
    } finally {
      active--;
      if (active === 0) for (const w of idleWaiters.splice(0)) w();
    }
  }

  let pruneTimer: NodeJS.Timeout | undefined;
  const prune = () =>
    write(db, (tx) => inboxQueries(tx).pruneHandled(new Date(Date.now() - DAY_MS))).catch((e: unknown) =>
      logger.warn({ err: String(e) }, 'could not prune the inbox'),
    );

  return {
    /** Handles, in order, what was stored but not handled before the last stop or crash. */
    async replay(): Promise<number> {
      const rows = await inboxQueries(db).unhandledUpdates();
      for (const row of rows) await handle(JSON.parse(row.payload) as Update);
      await flush();
      // Handled updates are kept a day, to recognise one Telegram sends again; they hold message texts, so no longer.
      await prune();
      return rows.length;
    },

    start(): RunnerHandle {
      // A new fetcher each time, starting from offset 0: the runner's fetcher
      // advances its offset as soon as a batch arrives, so one reused after a
      // stop would confirm a batch that was fetched but never stored.
      const fetchUpdates = createUpdateFetcher(bot, {
        fetch: { timeout: 30, allowed_updates: [...options.allowedUpdates] as never },
        silent: true,
      });
      const source = createSource<Update>({
        supply: async (batchSize, signal) => {
          const updates = await fetchUpdates(batchSize, signal);
          // Not confirmed to Telegram until the next fetch: if storing fails, keep trying rather than lose them or stop.
          for (let attempt = 1; ; attempt++) {
            try {
              const fresh = await storeUpdates(db, updates);
              if (attempt > 1) options.health.ok();
              return fresh;
            } catch (error) {
              if (signal.aborted) throw error;
              // The batch waits here, unconfirmed (no next getUpdates), so memory holds one batch at most.
              if (isTransientDbError(error)) options.health.failed(error);
              else logger.error({ attempt, err: String(error) }, 'could not store fetched updates; retrying');
              await sleep(Math.min(STORE_RETRY_MAX_MS, 250 * 2 ** attempt));
            }
          }
        },
      });
      const sink = createConcurrentSink<Update>({ consume: handle }, async (error) => logger.error({ err: String(error) }, 'update sink error'), {
        concurrency: options.concurrency,
      });
      const runner = createRunner(source, sink);
      runner.start();
      if (pruneTimer) clearInterval(pruneTimer);
      pruneTimer = setInterval(() => void prune(), 3600_000);
      pruneTimer.unref();
      return runner;
    },

    /** Resolves when no update is being handled (or after timeoutMs); false on timeout. */
    idle(timeoutMs: number): Promise<boolean> {
      if (active === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },

    get active(): number {
      return active;
    },

    /** Writes the last "handled" marks and stops housekeeping (on shutdown, after idle()). */
    async close(): Promise<void> {
      if (pruneTimer) clearInterval(pruneTimer);
      idleWaiters = [];
      await flush();
    },
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
