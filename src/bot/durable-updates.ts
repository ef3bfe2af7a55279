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
import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { Db } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Context } from './context.js';

export interface DurableRunnerOptions {
  allowedUpdates: readonly string[];
  /** Updates handled at once; the runner's sequentialize keeps each conversation in order. */
  concurrency: number;
}

/** Stores new updates; returns only those not stored before (Telegram re-sends unconfirmed ones). */
export async function storeUpdates(db: Db, updates: Update[]): Promise<Update[]> {
  if (updates.length === 0) return [];
  const ids = updates.map((u) => BigInt(u.update_id));
  const known = new Set((await db.inboxUpdate.findMany({ where: { updateId: { in: ids } }, select: { updateId: true } })).map((r) => r.updateId));
  const fresh = updates.filter((u) => !known.has(BigInt(u.update_id)));
  if (fresh.length) {
    await db.inboxUpdate.createMany({ data: fresh.map((u) => ({ updateId: BigInt(u.update_id), payload: JSON.stringify(u) })) });
  }
  return fresh;
}

export function createDurableRunner(bot: Bot<Context>, db: Db, logger: Logger, options: DurableRunnerOptions) {
  const fetchUpdates = createUpdateFetcher(bot, {
    fetch: { timeout: 30, allowed_updates: [...options.allowedUpdates] as never },
    silent: true,
  });

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
      db.inboxUpdate
        .updateMany({ where: { updateId: { in: ids } }, data: { handledAt: new Date() } })
        .then(() => undefined, (e: unknown) => logger.error({ updates: ids.length, err: String(e) }, 'could not mark updates handled')),
    );
    return flushing;
  }

  async function handle(update: Update): Promise<void> {
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      // The features' error boundary already logged it; an update that fails is not retried forever.
      logger.error({ update_id: update.update_id, err: error instanceof Error ? error.message : String(error) }, 'update failed');
    } finally {
      handled.push(BigInt(update.update_id));
      if (handled.length >= 200) void flush();
      else flushTimer ??= setTimeout(() => void flush(), 100);
    }
  }

  return {
    /** Handles, in order, what was stored but not handled before the last stop or crash. */
    async replay(): Promise<number> {
      const rows = await db.inboxUpdate.findMany({ where: { handledAt: null }, orderBy: { updateId: 'asc' } });
      for (const row of rows) await handle(JSON.parse(row.payload) as Update);
      await flush();
      // Handled updates are only needed to recognise a re-sent one; a day is plenty.
      await db.inboxUpdate.deleteMany({ where: { handledAt: { lt: new Date(Date.now() - 24 * 3600_000) } } });
      return rows.length;
    },

    start(): RunnerHandle {
      const source = createSource<Update>({
        supply: async (batchSize, signal) => storeUpdates(db, await fetchUpdates(batchSize, signal)),
      });
      const sink = createConcurrentSink<Update>({ consume: handle }, async (error) => logger.error({ err: String(error) }, 'update sink error'), {
        concurrency: options.concurrency,
      });
      const runner = createRunner(source, sink);
      runner.start();
      return runner;
    },

    /** Writes the last "handled" marks (on shutdown, after the handlers finished). */
    flush,
  };
}
