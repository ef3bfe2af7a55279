// "Send it": the one door through which the desk's messages leave for
// Telegram. The domain decides what goes where (and records it in the
// outbox); the outbox hands each job to code that calls a Courier. The domain
// never sees grammY.
import type { InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import type { ReactionEmoji } from '../domain/reaction-emoji.js';

/**
 * A place a message can go: a topic (or General) of a support group, or a
 * user's private chat. `chatId` names a category's own group; without it,
 * the main one (SUPPORT_CHAT_ID).
 */
export type Place = { chat: 'support'; chatId?: number; threadId?: number } | { chat: 'user'; userId: number };

/** A forum topic in a support group. */
export type TopicPlace = { chat: 'support'; chatId?: number; threadId: number };

export interface Post {
  /** HTML, for the bot's own texts to managers. */
  html?: string;
  /** Plain text, for the bot's own texts to users. */
  text?: string;
  /** Formatting of `text` (an admin's greeting, kept as they typed it). */
  entities?: MessageEntity[];
  keyboard?: InlineKeyboardMarkup;
  /** A message in the same chat to reply to (ignored if it is gone). */
  replyTo?: number;
}

export interface FileToSend {
  kind: 'photo' | 'document';
  name: string;
  /**
   * The bytes, or a function that streams them afresh for each attempt: a
   * large export is read from the database while it uploads, never held in
   * memory as a whole.
   */
  data: Uint8Array | (() => AsyncIterable<Uint8Array>);
}

export interface CopyOptions {
  replyTo?: number;
  /** Replaces the caption of a single media message (a canned answer's, with its placeholders filled in). */
  caption?: { text: string; entities?: MessageEntity[] | undefined };
  keyboard?: InlineKeyboardMarkup;
  /**
   * Called once the copy has its slot under Telegram's limits, right before
   * it goes out; false calls it off (SendCalledOff). A broadcast claims its
   * recipient here, so a crash can only cut off a send that was leaving.
   */
  beforeSend?: () => Promise<boolean>;
}

/** beforeSend said no: nothing was sent. */
export class SendCalledOff extends Error {
  override name = 'SendCalledOff';
}

/** New content of a relayed message the sender edited. */
export type EditedContent = { text: string; entities?: MessageEntity[] } | { caption: string; caption_entities?: MessageEntity[] };

export interface Courier {
  /** Creates a forum topic in a support group (the main one unless given); returns its thread id. */
  createTopic(name: string, chatId?: number): Promise<number>;
  /** Renames a topic. Telegram's "not modified" counts as success. */
  renameTopic(at: TopicPlace, name: string): Promise<void>;
  /** Reopens a topic a manager closed in Telegram. "Not modified" counts as success. */
  reopenTopic(at: TopicPlace): Promise<void>;
  /** Closes a topic (one the user's conversation moved away from). "Not modified" counts as success. */
  closeTopic(at: TopicPlace): Promise<void>;
  /** Deletes a topic the bot created (one left empty by a crash). */
  deleteTopic(at: TopicPlace): Promise<void>;
  /** Sends the bot's own message; returns its id. */
  post(to: Place, post: Post): Promise<number>;
  /** Pins a message silently (the queue board). Telegram posts a service message about it. */
  pin(at: Place, messageId: number): Promise<void>;
  /** Unpins a message; one that is not pinned, or gone, counts as success. */
  unpin(at: Place, messageId: number): Promise<void>;
  /** Edits a message the bot posted. "Not modified" counts as success. */
  edit(at: Place, messageId: number, post: Post): Promise<void>;
  /**
   * Copies messages (one, or an album) from one place to another; returns the
   * copies' ids in order. A single message may get a new caption and buttons.
   */
  copy(from: Place, messageIds: number[], to: Place, opts?: CopyOptions): Promise<number[]>;
  /** Sends a file the bot made (a chart, an export), with an HTML caption; returns its message id. */
  upload(to: Place, file: FileToSend, post?: { html?: string; replyTo?: number }): Promise<number>;
  /** Takes the buttons off a message the bot posted (once they have served). "Not modified" counts as success. */
  clearButtons(at: Place, messageId: number): Promise<void>;
  /** Edits the text or caption of a copy the bot made. "Not modified" counts as success. */
  editCopy(at: Place, messageId: number, content: EditedContent): Promise<void>;
  /** Sets the bot's reaction on a message (one of Telegram's standard emoji), or takes it off (null). */
  react(at: Place, messageId: number, emoji: ReactionEmoji | null): Promise<void>;
}

/** Why Telegram refused a delivery, in the terms the desk acts on. */
export type DeliveryFailure =
  | 'blocked' // the user blocked the bot
  | 'deactivated' // the user's account is gone
  | 'thread-missing' // the topic was deleted
  | 'too-long' // text or caption over Telegram's limits
  | 'not-editable' // Telegram cannot apply this edit
  | 'rejected' // any other "Bad Request": retrying will not help
  | 'no-rights' // the bot lost its rights in (or access to) the support chat
  | 'unavailable'; // network or Telegram's 5xx: retry later

export class DeliveryError extends Error {
  constructor(
    readonly failure: DeliveryFailure,
    /** Telegram's own description, for logs and notices. */
    readonly description: string,
  ) {
    super(`${failure}: ${description}`);
    this.name = 'DeliveryError';
  }

  /** Worth trying again later (the same call may then succeed). */
  get transient(): boolean {
    return this.failure === 'unavailable' || this.failure === 'no-rights';
  }
}
