// Anti-flood: a user who writes faster than the admins' rate (/settings, 20
// a minute by default) is slowed, not refused: every message still reaches
// their topic, in order, only later. The managers get one line in the topic
// when a flood begins, not one per message; the user notices nothing else.
//
// The pace is a schedule in the manner of a token bucket (GCRA): `limit`
// messages may come at once, and each one beyond is released a window/limit
// after the one before. The pace of each user is kept in memory (one
// instance serves at a time, see db/lease.ts); what a slowed message waits
// for is its copy's outbox job's notBefore, in the database, so a restart
// keeps the order and the pace of whatever was already queued (the topic's
// queue goes strictly in order: nothing overtakes a job that waits).
import { copyToTopic } from '../delivery/jobs/copy-to-topic.js';
import { noticeToTopic } from '../delivery/jobs/notice.js';
import type { NewJob } from '../delivery/outbox.js';
import { topicQueue, type Desk } from './desk.js';

/** Where a user's message stands: released at once, or held until `releaseAt`. Committed once its decision is. */
export interface FloodPace {
  userId: number;
  releaseAt: Date | undefined;
  /** The first message held since the user last rested: the managers are told, once. */
  startsFlood: boolean;
  /** The limit in force, for the managers' line. */
  limit: number;
  /** When the message was taken, in ms. */
  at: number;
  next: UserPace | undefined;
}

interface UserPace {
  /** When the user's bucket is full again (GCRA's "theoretical arrival time"), in ms. */
  tat: number;
  /** A flood began and the user has not rested since: no second line. */
  flooding: boolean;
  /** The album the last message belonged to: its other items count as one message with it. */
  mediaGroupId: string | undefined;
  lastRelease: number;
}

export interface FloodGuard {
  readonly windowSeconds: number;
  /** The pace for a user's message taken now, under `limit` per window (0: off). Changes nothing until commit(). */
  pace(userId: number, now: Date, limit: number, mediaGroupId?: string): FloodPace;
  /** After the decision that queued the message committed (a decision retried or refused is not counted). */
  commit(pace: FloodPace): void;
}

/** Users' paces are forgotten once rested, when there are this many. */
const FORGET_AFTER = 1000;

export function createFloodGuard(windowSeconds: number): FloodGuard {
  const windowMs = windowSeconds * 1000;
  const users = new Map<number, UserPace>();

  return {
    windowSeconds,
    pace(userId, nowDate, limit, mediaGroupId) {
      const now = nowDate.getTime();
      if (limit <= 0) return { userId, releaseAt: undefined, startsFlood: false, limit, at: now, next: undefined };
      const was = users.get(userId);
      // An album arrives as one update per item: counted once, each item released with the first.
      if (was && mediaGroupId !== undefined && was.mediaGroupId === mediaGroupId) {
        return { userId, releaseAt: was.lastRelease > now ? new Date(was.lastRelease) : undefined, startsFlood: false, limit, at: now, next: was };
      }
      const interval = windowMs / limit;
      const rested = !was || was.tat <= now;
      const tat = rested ? now : was.tat;
      const release = Math.max(now, Math.ceil(tat - (windowMs - interval)));
      const held = release > now;
      const flooding = rested ? held : was.flooding || held;
      return {
        userId,
        releaseAt: held ? new Date(release) : undefined,
        // A rested user is never held: a flood begins with the first message held since.
        startsFlood: held && !was?.flooding,
        limit,
        at: now,
        next: { tat: tat + interval, flooding, mediaGroupId, lastRelease: release },
      };
    },
    commit(pace) {
      if (!pace.next) users.delete(pace.userId);
      else users.set(pace.userId, pace.next);
      if (users.size < FORGET_AFTER) return;
      for (const [id, p] of users) if (p.tat <= pace.at) users.delete(id);
    },
  };
}

/**
 * The jobs that carry a user's message into their topic: the copy, at the
 * user's pace (an album's first item also waits `albumWaitMs` for the
 * others), and before it, when a flood begins, the managers' one line.
 */
export function copyIntoTopic(
  desk: Desk,
  p: { userId: number; messageRowId: number; mediaGroupId?: string | undefined; now: Date; pace: FloodPace },
): NewJob[] {
  const { userId, pace } = p;
  const queue = topicQueue(userId);
  const held = pace.releaseAt?.getTime() ?? 0;
  const copy = copyToTopic.make(
    queue,
    { messageId: p.messageRowId },
    p.mediaGroupId
      ? // The album's other items arrive as separate updates: wait a moment, then send them all as one album.
        { coalesceKey: `album:${userId}:${p.mediaGroupId}`, notBefore: new Date(Math.max(held, p.now.getTime() + desk.albumWaitMs)) }
      : pace.releaseAt
        ? { notBefore: pace.releaseAt }
        : {},
  );
  if (!pace.startsFlood) return [copy];
  const t = desk.managerTexts.flood;
  return [noticeToTopic(userId, t.slowed(t.rate(pace.limit, desk.flood.windowSeconds))), copy];
}
