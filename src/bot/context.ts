// The one Context type of the bot: grammY's Context plus what our features
// need, filled by one middleware in create-bot.ts.
import type { Context as BaseContext } from 'grammy';
import type { Config } from '../config.js';
import type { Desk } from '../domain/desk.js';
import type { Logger } from '../logger.js';

export interface DeskFlavor {
  desk: Desk;
  config: Config;
  /** A child of the root logger carrying this update's id. */
  log: Logger;
  /**
   * The user whose conversation this update belongs to: the private chat's
   * user, or the owner of the support topic it happened in. Updates of one
   * conversation are handled one at a time, in order, whichever side sent them.
   */
  conversationUserId: number | undefined;
  /** Whether the sender is an admin of the support group (asked of Telegram, cached briefly). */
  isAdmin: () => Promise<boolean>;
}

export type Context = BaseContext & DeskFlavor;
