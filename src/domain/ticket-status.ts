// Changing a ticket's status, and the card that shows it. The topic's name
// and the card are updated by outbox jobs that read the status when they
// run, so several quick changes cost one rename and one edit.
import { renderCard } from './card.js';
import { decide, topicQueue, type Desk } from './desk.js';
import { job } from './deliveries.js';
import type { Person } from './people.js';
import type { TicketStatus } from './status.js';

export type StatusChangeResult =
  | { outcome: 'changed'; status: TicketStatus }
  | { outcome: 'unchanged'; status: TicketStatus }
  | { outcome: 'old-ticket' }
  | { outcome: 'unknown-ticket' };

/** A manager asks for a new status (button or command). */
export function changeTicketStatus(desk: Desk, request: { ticketId: number; to: TicketStatus; manager: Person }): Promise<StatusChangeResult> {
  return decide(desk, async (store, send) => {
    const ticket = await store.ticket(request.ticketId);
    if (!ticket) return { outcome: 'unknown-ticket' } as const;
    const userId = Number(ticket.userId);
    const latest = await store.latestTicket(userId);
    if (latest?.id !== ticket.id) return { outcome: 'old-ticket' } as const;
    if (latest.status === request.to) return { outcome: 'unchanged', status: latest.status } as const;
    const now = desk.now();
    await store.touchManager(request.manager, now);
    if (!(await store.changeStatus(ticket.id, latest.status, request.to, request.manager.id, now))) {
      return { outcome: 'unchanged', status: latest.status } as const;
    }
    send(job('syncTopicName', topicQueue(userId), { userId }, { coalesceKey: `name:${userId}` }));
    send(job('refreshCard', topicQueue(userId), { ticketId: ticket.id }, { coalesceKey: `card:${ticket.id}` }));
    return { outcome: 'changed', status: request.to } as const;
  });
}

export async function cardFor(desk: Desk, ticketId: number, opts: { topicLost?: boolean } = {}) {
  const ticket = await desk.store.ticket(ticketId);
  if (!ticket) throw new Error(`ticket ${ticketId} vanished`);
  const [earlier, last] = await Promise.all([
    desk.store.countTicketsBefore(Number(ticket.userId), ticketId),
    desk.store.lastStatusChange(ticketId),
  ]);
  return renderCard(desk.managerTexts, {
    ticketId,
    status: ticket.status,
    user: ticket.user,
    earlierTickets: earlier,
    lastChange: last ? { to: last.to, actor: last.actor, at: last.at } : null,
    ...(opts.topicLost ? { topicLost: true } : {}),
  });
}
