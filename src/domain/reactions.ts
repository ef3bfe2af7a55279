// Reactions as read receipts (a setting, on by default). When a ticket is
// taken (📝: a manager's first reply, or «📝 Take»), the user's last message
// in their chat gets 👀, so they know a person has seen it. And a manager's
// reaction on a user's message in the topic is mirrored onto the user's
// original: a 👍 there is a 👍 in the user's chat; taking it off takes it off.
// Both go out as outbox jobs in the user's queue, behind the replies.
import type { Store } from '../db/queries/index.js';
import type { ReactionEmoji } from './reaction-emoji.js';
import { setReaction } from '../delivery/jobs/set-reaction.js';
import type { NewJob } from '../delivery/outbox.js';
import { decide, userQueue, type Desk } from './desk.js';

export { isReactionEmoji } from './reaction-emoji.js';

/** What the user sees on their message once a person has taken the ticket. */
export const SEEN: ReactionEmoji = '👀';

/**
 * Part of the decision that takes a ticket (📝): 👀 on the user's latest
 * message of that ticket.
 */
export async function markSeen(desk: Desk, store: Store, send: (job: NewJob) => void, ticketId: number, userId: number): Promise<void> {
  if (!desk.settings.get('reactionReceipts')) return;
  const messageId = await store.lastUserMessageOfTicket(userId, ticketId);
  if (messageId !== undefined) send(setReaction.make(userQueue(userId), { userId, messageId, emoji: SEEN }));
}

export type MirrorOutcome = 'mirrored' | 'off' | 'not-a-user-message';

/**
 * A manager's reaction on message `messageId` of support group `chatId`
 * changed to `emoji` (null: taken off). Mirrored only for a copy of a user's
 * message; the caller has already skipped what a bot may not set.
 */
export function mirrorReaction(desk: Desk, r: { chatId: number; messageId: number; emoji: ReactionEmoji | null }): Promise<MirrorOutcome> {
  if (!desk.settings.get('reactionReceipts')) return Promise.resolve('off');
  return decide(desk, async (store, send) => {
    const original = await store.userMessageByCopy(r.chatId, r.messageId);
    if (original?.userChatMessageId == null) return 'not-a-user-message' as const;
    const userId = Number(original.userId);
    send(setReaction.make(userQueue(userId), { userId, messageId: original.userChatMessageId, emoji: r.emoji }));
    return 'mirrored' as const;
  });
}
