// "Send it": the one door through which the desk's decisions leave for
// Telegram. The domain decides what goes where and calls a Courier; it never
// sees grammY. Swapping the Courier (for example for a durable, rate-limited
// outbox) changes how messages travel without touching the features.
import type { InlineKeyboardMarkup } from 'grammy/types';

export interface TopicPost {
  html: string;
  keyboard?: InlineKeyboardMarkup;
  /** A message in the same topic to reply to. */
  replyTo?: number;
}

export interface Courier {
  /** Creates a forum topic in the support chat; returns its thread id. */
  createTopic(name: string): Promise<number>;
  /** Renames a topic. Telegram's "not modified" counts as success. */
  renameTopic(threadId: number, name: string): Promise<void>;
  /** Reopens a topic a manager closed in Telegram. "Not modified" counts as success. */
  reopenTopic(threadId: number): Promise<void>;
  /** Posts the bot's own message (card, notice) into a topic; returns its id. */
  postToTopic(threadId: number, post: TopicPost): Promise<number>;
  /** Edits a message the bot posted in the support chat. "Not modified" counts as success. */
  editInTopic(messageId: number, post: TopicPost): Promise<void>;
  /** Copies a user's message into their topic; returns the copy's id. */
  copyToTopic(fromUserId: number, messageId: number, threadId: number): Promise<number>;
  /** Copies a manager's message from the support chat to a user; returns the copy's id. */
  copyToUser(userId: number, messageId: number): Promise<number>;
  /** Sends the bot's own plain-text message to a user; returns its id. */
  sendToUser(userId: number, text: string): Promise<number>;
}

/** Why Telegram refused a delivery, in the terms the desk acts on. */
export type DeliveryFailure =
  | 'blocked' // the user blocked the bot
  | 'deactivated' // the user's account is gone
  | 'thread-missing' // the topic was deleted
  | 'too-long' // text or caption over Telegram's limits
  | 'rejected' // any other "Bad Request": retrying will not help
  | 'no-rights' // the bot lost its rights in the support chat
  | 'unavailable'; // network or Telegram's 5xx, after retries

export class DeliveryError extends Error {
  constructor(
    readonly failure: DeliveryFailure,
    /** Telegram's own description, for logs and notices. */
    readonly description: string,
  ) {
    super(`${failure}: ${description}`);
    this.name = 'DeliveryError';
  }
}
