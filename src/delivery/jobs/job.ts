// What a kind of outbox job is: a name, the schema of its payload, and the
// handler that sends it. The payload is validated when the job is read back
// from the database, so a row that does not fit (written by an older
// version, or by hand) fails visibly instead of reaching the handler as
// garbage. The outbox itself knows nothing of the kinds: see ./index.ts.
import { z } from 'zod';
import type { Job, JobHandler, JobOutcome, NewJob } from '../outbox.js';
import type { Desk } from '../../domain/desk.js';
import type { TopicThreads } from '../topic-threads.js';

/** What every handler may use. */
export interface JobDeps {
  desk: Desk;
  topics: TopicThreads;
  /** Told of each message relayed (for the metrics). */
  relayed?: (direction: 'to_topic' | 'to_user', count: number) => void;
}

export interface JobOptions {
  /** A queued, not yet started job with the same key makes this one redundant. */
  coalesceKey?: string;
  /** Not before this time. */
  notBefore?: Date;
}

export interface JobKind<P> {
  readonly kind: string;
  /** A job of this kind, for a decision to queue. */
  make(queue: string, payload: P, options?: JobOptions): NewJob;
  /** The handler the outbox calls, bound to its dependencies. */
  handler(deps: JobDeps): JobHandler;
}

/** The payload of a stored job does not fit its kind's schema: a bug, never retried. */
export class JobPayloadError extends Error {
  override name = 'JobPayloadError';
}

export function defineJob<S extends z.ZodType>(
  kind: string,
  payload: S,
  handle: (payload: z.output<S>, deps: JobDeps, job: Job) => Promise<JobOutcome>,
): JobKind<z.input<S>> {
  return {
    kind,
    make: (queue, p, options = {}) => ({ kind, queue, payload: p, ...options }),
    handler: (deps) => async (job) => {
      const parsed = payload.safeParse(job.payload);
      if (!parsed.success)
        throw new JobPayloadError(`job ${job.id} (${kind}) has a payload that does not fit: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      return handle(parsed.data, deps, job);
    },
  };
}

/** Ids in payloads: whole positive numbers, as the database and Telegram make them. */
export const idSchema = z.number().int().positive();
