// Handing a ticket to a manager: /assign in a user's topic, as a reply to a
// colleague's message or from a list of the managers who answered lately.
// The ticket becomes 📝 (if it waited) and the assignee's; the topic says so
// with a mention of the assignee, so that Telegram notifies them, and the
// card shows who has it. (📝 Take on the card assigns to whoever pressed it.)
import { noticeToTopic } from '../delivery/jobs/notice.js';
import { refreshCard } from '../delivery/jobs/refresh-card.js';
import { syncTopicName } from '../delivery/jobs/sync-topic-name.js';
import { escapeHtml } from '../lib/html.js';
import { decide, topicQueue, type Desk } from './desk.js';
import { displayName, fullName, type Person } from './people.js';

/** Who counts as "answered lately" for the list. */
const RECENT_DAYS = 30;
const RECENT_MAX = 10;

export interface ManagerRef {
  id: number;
  name: string;
}

export async function recentManagers(desk: Desk): Promise<ManagerRef[]> {
  const since = new Date(desk.now().getTime() - RECENT_DAYS * 86_400_000);
  const rows = await desk.store.recentManagers(since, RECENT_MAX);
  return rows.map((m) => ({ id: Number(m.id), name: fullName({ first_name: m.firstName, last_name: m.lastName }) }));
}

/** A mention Telegram turns into a notification for that person (HTML). */
export const mention = (id: number | bigint, name: string) => `<a href="tg://user?id=${id}">${escapeHtml(name)}</a>`;

export type AssignOutcome =
  | { outcome: 'assigned'; name: string }
  | { outcome: 'already'; name: string }
  | { outcome: 'no-open-ticket' }
  | { outcome: 'unknown-manager' };

/**
 * `to` is a person seen in the group (the author of the message /assign
 * replied to), or the id of a manager the desk knows (a press on the list;
 * an id it does not know, from forged data, is refused).
 */
export async function assignTicket(desk: Desk, a: { by: Person; userId: number; chatId: number; to: Person | { id: number } }): Promise<AssignOutcome> {
  const result = await decide(desk, async (store, send): Promise<AssignOutcome> => {
    const ticket = await store.latestTicket(a.userId);
    if (!ticket || ticket.status === 'RESOLVED') return { outcome: 'no-open-ticket' } as const;
    const now = desk.now();
    const assignee = 'first_name' in a.to ? await store.touchManager(a.to, now) : await store.manager(a.to.id);
    if (!assignee) return { outcome: 'unknown-manager' } as const;
    const name = fullName({ first_name: assignee.firstName, last_name: assignee.lastName });
    const assigneeId = Number(assignee.id);
    if (ticket.status === 'IN_WORK' && ticket.assigneeId !== null && Number(ticket.assigneeId) === assigneeId) return { outcome: 'already', name } as const;
    await store.touchManager(a.by, now);
    // A waiting ticket goes into work, recorded as the assigner's change; then it is the assignee's.
    if (ticket.status === 'WAITING') await store.changeStatus(ticket.id, 'WAITING', 'IN_WORK', a.by.id, now);
    await store.setAssignee(ticket.id, assigneeId);
    send(syncTopicName.make(topicQueue(a.userId), { userId: a.userId }, { coalesceKey: `name:${a.userId}` }));
    send(refreshCard.make(topicQueue(a.userId), { ticketId: ticket.id }, { coalesceKey: `card:${ticket.id}` }));
    send(noticeToTopic(a.userId, desk.managerTexts.assign.assigned(ticket.id, mention(assignee.id, name), escapeHtml(displayName(a.by))), undefined, a.chatId));
    return { outcome: 'assigned', name } as const;
  });
  // The board lists tickets in work per manager.
  if (result.outcome === 'assigned') desk.queueChanged();
  return result;
}
