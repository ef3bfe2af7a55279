// What every use case of the desk needs, passed in as arguments (no singletons).
import type { Courier } from '../delivery/courier.js';
import type { Texts } from '../i18n/index.js';
import type { KeyedLock } from '../lib/keyed-lock.js';
import type { Logger } from '../logger.js';
import type { Store } from './store.js';

export interface Desk {
  store: Store;
  courier: Courier;
  supportChatId: number;
  /** Texts for the support supergroup (cards, notices to managers). */
  managerTexts: Texts;
  /** Orders everything that touches one user's conversation. */
  conversations: KeyedLock;
  logger: Logger;
  now: () => Date;
}

export const conversationKey = (userId: number | bigint) => `user:${userId}`;
