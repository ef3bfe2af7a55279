// The three ticket statuses and their marks in a topic's name.
export type TicketStatus = 'WAITING' | 'IN_WORK' | 'RESOLVED';

export const statusEmoji: Record<TicketStatus, string> = {
  WAITING: '❗️',
  IN_WORK: '📝',
  RESOLVED: '🏁',
};

export const allStatuses = ['WAITING', 'IN_WORK', 'RESOLVED'] as const satisfies readonly TicketStatus[];
