// "Is this person a member of the group they act in?", asked of Telegram for
// moderation by any manager (a ban): every member of a support group is a
// manager, and nobody else is. Asked each time: a ban is rare, and someone
// removed from the group must lose it at once. A failed lookup counts as
// "no", like the admin check.
import type { Context } from './context.js';

export async function isGroupMember(ctx: Context): Promise<boolean> {
  const chat = ctx.chat;
  if (!chat || !ctx.from || chat.type === 'private') return false;
  // An admin posting anonymously: the message is sent on behalf of the group itself.
  if (ctx.message?.sender_chat?.id === chat.id) return true;
  try {
    const member = await ctx.api.getChatMember(chat.id, ctx.from.id);
    return (
      member.status === 'creator' || member.status === 'administrator' || member.status === 'member' || (member.status === 'restricted' && member.is_member)
    );
  } catch (error) {
    ctx.log.warn({ user_id: ctx.from.id, err: error instanceof Error ? error.message : String(error) }, 'could not check membership; treated as not a member');
    return false;
  }
}
