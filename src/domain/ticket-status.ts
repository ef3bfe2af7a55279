// Changing a ticket's status. The topic's name and the card are updated by
// outbox jobs that read the status when they run, so several quick changes
// cost one rename and one edit.
import { decide, topicQueue, type Desk } from './desk.js';
import { scheduleSurvey } from './ratings.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import { syncTopicName } from '../delivery/jobs/sync-topic-name.js';
import { markSeen } from './reactions.js';
import type { Person } from './people.js';
import type { TicketStatus } from './status.js';

export type StatusChangeResult =
  | { outcome: 'changed'; status: TicketStatus }
  | { outcome: 'unchanged'; status: TicketStatus }
  | { outcome: 'old-ticket' }
  | { outcome: 'unknown-ticket' };

/** A manager asks for a new status (button or command). */
export async function changeTicketStatus(
  desk: Desk,
  request: { ticketId: number; to: TicketStatus; manager: Person /** The user whose topic the request came from. */; userId: number },
): Promise<StatusChangeResult> {
  const result = await decide(desk, async (store, send) => {
    const ticket = await store.ticket(request.ticketId);
    // A ticket of another user's topic (forged button data) is as unknown as one that does not exist.
    if (!ticket || Number(ticket.userId) !== request.userId) return { outcome: 'unknown-ticket' } as const;
    const userId = Number(ticket.userId);
    const latest = await store.latestTicket(userId);
    if (latest?.id !== ticket.id) return { outcome: 'old-ticket' } as const;
    if (latest.status === request.to) return { outcome: 'unchanged', status: latest.status } as const;
    const now = desk.now();
    await store.touchManager(request.manager, now);
    if (!(await store.changeStatus(ticket.id, latest.status, request.to, request.manager.id, now))) {
      return { outcome: 'unchanged', status: latest.status } as const;
    }
    send(syncTopicName.make(topicQueue(userId), { userId }, { coalesceKey: `name:${userId}` }));
    send(refreshCard.make(topicQueue(userId), { ticketId: ticket.id }, { coalesceKey: `card:${ticket.id}` }));
    // A manager resolved it: the user is asked how it went (not after an auto-close or an auto-reply).
    if (request.to === 'RESOLVED') scheduleSurvey(desk, send, ticket.id, userId, now);
    // «📝 Take»: the user sees that a person has their message.
    if (request.to === 'IN_WORK') await markSeen(desk, store, send, ticket.id, userId);
    return { outcome: 'changed', status: request.to } as const;
  });
  if (result.outcome === 'changed') desk.queueChanged();
  return result;
}
