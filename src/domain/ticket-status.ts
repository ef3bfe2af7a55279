// Changing a ticket's status, and keeping what managers see (the topic's name
// and the ticket card) in step with the stored status.
import { renderCard } from './card.js';
import { conversationKey, type Desk } from './desk.js';
import type { Person } from './people.js';
import { topicName } from './people.js';
import type { TicketStatus } from './status.js';

export type StatusChangeResult =
  | { outcome: 'changed'; status: TicketStatus }
  | { outcome: 'unchanged'; status: TicketStatus }
  | { outcome: 'old-ticket' }
  | { outcome: 'unknown-ticket' };

/** A manager asks for a new status (button or command). */
export async function changeTicketStatus(
  desk: Desk,
  request: { ticketId: number; to: TicketStatus; manager: Person },
): Promise<StatusChangeResult> {
  const ticket = await desk.store.ticket(request.ticketId);
  if (!ticket) return { outcome: 'unknown-ticket' };
  return desk.conversations.run(conversationKey(ticket.userId), async () => {
    const latest = await desk.store.latestTicket(Number(ticket.userId));
    if (latest?.id !== ticket.id) return { outcome: 'old-ticket' } as const;
    if (latest.status === request.to) return { outcome: 'unchanged', status: latest.status } as const;
    const now = desk.now();
    await desk.store.touchManager(request.manager, now);
    const changed = await desk.store.changeStatus(ticket.id, latest.status, request.to, request.manager.id, now);
    if (!changed) return { outcome: 'unchanged', status: latest.status } as const;
    await showTicketState(desk, ticket.id);
    return { outcome: 'changed', status: request.to } as const;
  });
}

/**
 * Brings the card and the topic's name in line with the ticket's stored state.
 * Call inside the conversation's lock. The name is only sent when it would
 * change: Telegram answers TOPIC_NOT_MODIFIED otherwise, and every edit
 * counts against the group's rate limit.
 */
export async function showTicketState(desk: Desk, ticketId: number): Promise<void> {
  await syncTopicName(desk, ticketId);
  await refreshCard(desk, ticketId);
}

export async function syncTopicName(desk: Desk, ticketId: number): Promise<void> {
  const ticket = await desk.store.ticket(ticketId);
  if (!ticket) return;
  const { user, topic } = ticket;
  const name = topicName(ticket.status, { first_name: user.firstName, last_name: user.lastName, username: user.username });
  if (name === topic.name) return;
  await desk.courier.renameTopic(topic.threadId, name);
  await desk.store.setTopicName(topic.id, name);
}

export async function refreshCard(desk: Desk, ticketId: number): Promise<void> {
  const ticket = await desk.store.ticket(ticketId);
  if (ticket?.cardMessageId == null) return;
  await desk.courier.editInTopic(ticket.cardMessageId, await cardFor(desk, ticketId));
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
