// "A manager in a user's topic": a person (not a bot, but an anonymous admin
// counts) acting inside a topic of the configured supergroup that belongs to
// a user. Features that act on tickets start from this filter. A support
// group is the configured one or a category's own.
import type { Chat, Message, User } from 'grammy/types';
import { isSupportGroup } from '../../domain/desk.js';
import type { Context } from '../context.js';

export interface InUserTopic {
  chat: Chat.SupergroupChat;
  from: User;
  conversationUserId: number;
}

export function isManagerInUserTopic<C extends Context>(ctx: C): ctx is C & InUserTopic {
  if (!ctx.chat || !isSupportGroup(ctx.desk, ctx.chat.id) || ctx.conversationUserId === undefined || !ctx.from) return false;
  // An admin posting anonymously is a manager too (`from` is GroupAnonymousBot, `sender_chat` the group).
  const anonymousAdmin = (ctx.msg as Message | undefined)?.sender_chat?.id === ctx.chat.id;
  return !ctx.from.is_bot || anonymousAdmin;
}
