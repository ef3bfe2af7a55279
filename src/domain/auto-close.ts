// Auto-close (a setting, off by default): a ticket in work (📝) whose last
// message is the managers' answer, and whose user has been silent for the
// days the admins chose, is resolved (🏁). The topic says so; the change is
// recorded with no person and via «autoClose», so whatever reacts to a
// person's resolution (a satisfaction survey, say) can tell it apart. A user
// who writes later opens a new ticket, as after any resolution.
//
// A periodic sweep (app.ts runs it while this instance serves) finds due
// tickets with one query on the index [status, awaitingUserSince] and
// resolves them a batch per transaction.
import { noticeToTopic } from '../delivery/jobs/notice.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import { syncTopicName } from '../delivery/jobs/sync-topic-name.js';
import { escapeHtml } from '../lib/html.js';
import { decide, topicQueue, type Desk } from './desk.js';

/** The choices admins have in /settings, in days; 0 is off. */
export const AUTO_CLOSE_CHOICES = [0, 1, 3, 7, 14] as const;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Tickets read per query, and resolved per transaction: short transactions, few queries. */
const FIND_LIMIT = 500;
const BATCH = 50;

/**
 * Resolves every ticket due now; returns how many. `goOn` is asked before
 * each batch: a sweep stops between batches when this instance stops serving.
 */
export async function closeSilentTickets(desk: Desk, goOn: () => boolean = () => true): Promise<number> {
  const days = desk.settings.get('autoCloseDays');
  if (days <= 0) return 0;
  const now = desk.now();
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const note = escapeHtml(desk.managerTexts.autoClose.closedInTopic(days));
  let closed = 0;
  for (;;) {
    const due = await desk.store.silentTickets(cutoff, FIND_LIMIT);
    let closedNow = 0;
    for (let at = 0; at < due.length && goOn(); at += BATCH) {
      closedNow += await decide(desk, async (store, send) => {
        let n = 0;
        for (const ticket of due.slice(at, at + BATCH)) {
          // The user wrote, or a manager answered again, since the query: not due any more.
          if (!(await store.autoCloseTicket(ticket.id, cutoff, now))) continue;
          const userId = Number(ticket.userId);
          send(syncTopicName.make(topicQueue(userId), { userId }, { coalesceKey: `name:${userId}` }));
          send(refreshCard.make(topicQueue(userId), { ticketId: ticket.id }, { coalesceKey: `card:${ticket.id}` }));
          send(noticeToTopic(userId, note));
          n++;
        }
        return n;
      });
    }
    closed += closedNow;
    // A short read was the last of them; a full one that closed nothing would only repeat itself.
    if (due.length < FIND_LIMIT || closedNow === 0 || !goOn()) break;
  }
  if (closed > 0) desk.logger.info({ tickets: closed, days }, 'auto-closed tickets whose users were silent');
  return closed;
}
