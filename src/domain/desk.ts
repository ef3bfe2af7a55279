// What every use case of the desk needs, passed in as arguments (no
// singletons), and `decide`: the one way a use case changes state. A decision
// runs in one database transaction, together with the outbox jobs that carry
// its messages, so a decision is either fully recorded (and will be sent) or
// not at all.
import { writeShared, type Db } from '../db/client.js';
import type { Courier } from '../delivery/courier.js';
import type { NewJob, Outbox } from '../delivery/outbox.js';
import type { Texts } from '../i18n/index.js';
import type { DeskSettings } from './settings.js';
import type { FloodGuard } from './flood.js';
import type { Logger } from '../logger.js';
import { isUniqueViolation, LeaseLostError } from '../db/errors.js';
import { createStore, type Store } from '../db/queries/index.js';

export interface Desk {
  db: Db;
  /** Reads outside a decision. */
  store: Store;
  outbox: Outbox;
  courier: Courier;
  supportChatId: number;
  /** Texts for the support supergroup (cards, notices to managers), in the language the admins chose. */
  readonly managerTexts: Texts;
  /** What the admins set from Telegram (/settings). */
  settings: DeskSettings;
  logger: Logger;
  now: () => Date;
  /** How long the first item of an album waits for the others before it is sent. */
  albumWaitMs: number;
  /** The queue board changes at most once per this many ms (QUEUE_BOARD_SECONDS). */
  boardPeriodMs: number;
  /** Tells the queue board that tickets changed (it looks again soon; see domain/queue-board.ts). */
  queueChanged: () => void;
  /** Each user's pace: anti-flood (domain/flood.ts). */
  flood: FloodGuard;
  /** Broadcasts: how often their progress message may change (BROADCAST_PROGRESS_SECONDS), and a nudge to their sender (one was confirmed or resumed). */
  broadcasts: { progressPeriodMs: number; changed: () => void };
  /** False once this instance has lost its lease: another may serve, so its decisions must not commit. */
  mayCommit: () => boolean;
}

/** The main supergroup (SUPPORT_CHAT_ID), or a category's own. */
export function isSupportGroup(desk: Pick<Desk, 'supportChatId' | 'settings'>, chatId: number): boolean {
  return chatId === desk.supportChatId || desk.settings.servedGroups().has(chatId);
}

/** The send queues: everything into one user's topic, and everything to one user, each in order. */
export const topicQueue = (userId: number | bigint) => `topic:${userId}`;
export const userQueue = (userId: number | bigint) => `user:${userId}`;
export const isUserQueue = (queue: string) => queue.startsWith('user:');

/**
 * `retry` is true when an earlier attempt hit a unique constraint: the row it
 * wanted to create exists now (Telegram sent the same message twice, or two
 * decisions raced), so the decision should look for it first. Looking only
 * then keeps a query off every message's path.
 */
export async function decide<T>(desk: Desk, fn: (store: Store, send: (job: NewJob) => void, retry: boolean) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Shared with the decisions taken at the same moment, where the database gains by it (db/client.ts).
      const { result, jobs } = await writeShared(desk.db, async (tx) => {
        const pending: NewJob[] = [];
        const result = await fn(createStore(tx), (job) => pending.push(job), attempt > 1);
        const jobs = await desk.outbox.add(tx, pending);
        // Checked last, right before the commit: a handler still running on an
        // instance that lost its lease would otherwise commit jobs after the
        // new leader read the outbox, and they would go out late and out of
        // order. Refused, its update stays in the inbox for the new leader.
        if (!desk.mayCommit()) throw new LeaseLostError();
        return { result, jobs };
      });
      desk.outbox.accept(jobs);
      return result;
    } catch (error) {
      // Two decisions created the same row at once (a manager's first two
      // replies in two topics, say): the second sees the first's row on retry.
      if (attempt < 3 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}
