// The shape of every text the bot shows to a user or a manager. Each language
// file implements all of it, so a missing translation is a compile error.
//
// Why not @grammyjs/i18n (Fluent files)? Most of these texts are composed in
// the domain layer, outside any ctx, and a typed dictionary makes the compiler
// check that Russian and English stay complete; Fluent files would give
// neither without extra tooling.
import type { TicketStatus } from '../domain/status.js';

export interface Texts {
  // --- to the user ---
  greeting: string;
  notDelivered: (reason: string) => string;
  unsupportedContent: string;
  tooLong: string;
  supportUnavailable: string;
  // --- to managers, in the support supergroup ---
  card: {
    ticket: (number: number) => string;
    earlierTickets: (count: number) => string;
    language: string;
    status: string;
    changedBy: (status: string, who: string, at: string) => string;
    topicLost: string;
  };
  statusName: Record<TicketStatus, string>;
  button: Record<TicketStatus, string>;
  statusChanged: (status: string) => string;
  statusUnchanged: (status: string) => string;
  oldTicket: string;
  unknownTicket: string;
  /** A button press that cannot be acted on: forged, outdated, or outside a user's topic. */
  buttonOutdated: string;
  notInTopic: string;
  commandsNotRelayed: string;
  replyNotDelivered: (reason: string) => string;
  userBlockedBot: string;
  userDeactivated: string;
  userIsBack: string;
  internalError: (jobId: number) => string;
  deliveryHeld: (reason: string) => string;
  userBlockedNotice: string;
  /** Before the new version of a message Telegram could not edit in place. */
  editedMarker: string;
  tooLongForUser: string;
}
