import type { Texts } from './texts.js';

export const en: Texts = {
  greeting: 'Hello! Write your question in one message and we will answer right here.',
  notDelivered: (reason) => `⚠️ Your message did not reach support: ${reason}. Please try again or send it another way.`,
  unsupportedContent: 'this kind of message cannot be passed on',
  supportUnavailable: 'support is temporarily unavailable',
  tooLong: 'the message is too long',
  card: {
    ticket: (n) => `Ticket #${n}`,
    earlierTickets: (n) => (n === 0 ? 'first ticket' : `earlier tickets: ${n}`),
    language: 'language',
    status: 'Status',
    changedBy: (status, who, at) => `${status} — ${who}, ${at}`,
    topicLost: '⚠️ This user\'s previous topic was deleted; the conversation continues here.',
  },
  statusName: { WAITING: '❗️ waiting', IN_WORK: '📝 in work', RESOLVED: '🏁 resolved' },
  button: { WAITING: '❗️ Reopen', IN_WORK: '📝 Take', RESOLVED: '🏁 Resolved' },
  statusChanged: (s) => `Status: ${s}`,
  statusUnchanged: (s) => `Already ${s}`,
  oldTicket: 'This is an old ticket. Use the latest card.',
  unknownTicket: 'Ticket not found.',
  notInTopic: 'This command works only inside a user\'s topic.',
  commandsNotRelayed: 'Commands are not sent to the user. Available: /close — mark as resolved.',
  replyNotDelivered: (reason) => `⚠️ Reply not delivered to the user: ${reason}`,
  userBlockedBot: 'the user blocked the bot',
  userDeactivated: 'the user\'s account was deleted',
  userIsBack: 'ℹ️ The user can receive replies again.',
};
