// The emoji a bot may react with: kept apart (it imports nothing at run
// time), so both the domain and the outbox job that sets a reaction check
// against it without importing each other.
import type { ReactionTypeEmoji } from 'grammy/types';

export type ReactionEmoji = ReactionTypeEmoji['emoji'];

/**
 * The emoji Telegram lets a bot react with (Bot API, ReactionTypeEmoji); any
 * other, and custom emoji, are refused with REACTION_INVALID. The type check
 * below keeps this list and grammY's in step.
 */
// biome-ignore format: a table reads better than a column of 73 lines
export const REACTION_EMOJI = [
  '👍', '👎', '❤', '🔥', '🥰', '👏', '😁', '🤔', '🤯', '😱', '🤬', '😢', '🎉', '🤩', '🤮', '💩', '🙏', '👌', '🕊', '🤡',
  '🥱', '🥴', '😍', '🐳', '❤‍🔥', '🌚', '🌭', '💯', '🤣', '⚡', '🍌', '🏆', '💔', '🤨', '😐', '🍓', '🍾', '💋', '🖕', '😈',
  '😴', '😭', '🤓', '👻', '👨‍💻', '👀', '🎃', '🙈', '😇', '😨', '🤝', '✍', '🤗', '🫡', '🎅', '🎄', '☃', '💅', '🤪', '🗿',
  '🆒', '💘', '🙉', '🦄', '😘', '💊', '🙊', '😎', '👾', '🤷‍♂', '🤷', '🤷‍♀', '😡',
] as const satisfies readonly ReactionEmoji[];
// A compile error here means grammY knows an emoji this list lacks.
const _complete: ReactionEmoji extends (typeof REACTION_EMOJI)[number] ? true : never = true;
void _complete;

const allowed: ReadonlySet<string> = new Set(REACTION_EMOJI);
export const isReactionEmoji = (emoji: string): emoji is ReactionEmoji => allowed.has(emoji);
