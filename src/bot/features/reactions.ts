// A manager's reaction on a user's message in a topic is mirrored onto the
// user's original in their chat (domain/reactions.ts); taking it off takes it
// off. Telegram sends these updates only because the bot is an admin of the
// group and asks for them (app.ts, allowed_updates). A bot may set one
// reaction per message, from Telegram's standard emoji: a custom or unknown
// emoji is skipped with a log line. Users' own reactions in their chat are
// not relayed (they fall through to the unhandled feature).
import { sequentialize } from '@grammyjs/runner';
import { Composer } from 'grammy';
import type { ReactionType } from 'grammy/types';
import { isSupportGroup } from '../../domain/desk.js';
import { isReactionEmoji, mirrorReaction } from '../../domain/reactions.js';
import type { ReactionEmoji } from '../../domain/reaction-emoji.js';
import type { Context } from '../context.js';

export const reactions = new Composer<Context>();

const emojiOf = (list: ReactionType[]) => list.flatMap((r) => (r.type === 'emoji' ? [r.emoji] : []));

const inSupportGroup = reactions.on('message_reaction').filter((ctx) => isSupportGroup(ctx.desk, ctx.messageReaction.chat.id));

// A reaction update names no topic, so it has no conversation's turn: one
// message's changes are kept in order here (a quick 👍 then its removal
// must not end as a 👍).
inSupportGroup.use(sequentialize((ctx: Context) => `reaction:${ctx.chat?.id}:${ctx.messageReaction?.message_id}`));

inSupportGroup.use(async (ctx) => {
  const r = ctx.messageReaction;
  // Another bot's reaction is no manager's (Telegram never sends the bot its own).
  if (r.user?.is_bot) return;
  const now = emojiOf(r.new_reaction);
  const before = new Set(emojiOf(r.old_reaction));
  const usable = now.filter(isReactionEmoji);
  // The one just added wins over one kept from before; a bot shows only one.
  const chosen: ReactionEmoji | undefined = usable.find((e) => !before.has(e)) ?? usable[0];
  const skipped = r.new_reaction.filter((x) => x.type !== 'emoji' || !isReactionEmoji(x.emoji)).map((x) => x.type);
  if (skipped.length) ctx.log.info({ chat_id: r.chat.id, message_id: r.message_id, skipped }, 'a reaction a bot cannot set is not mirrored');
  // Nothing usable now: take the mirrored one off, if there was one to take.
  if (chosen === undefined && ![...before].some(isReactionEmoji)) return;
  const outcome = await mirrorReaction(ctx.desk, { chatId: r.chat.id, messageId: r.message_id, emoji: chosen ?? null });
  ctx.log.debug({ outcome }, 'manager reaction');
});
