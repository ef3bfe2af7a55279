// Whether the bot can run a support desk in a supergroup: the group exists
// and the bot is in it, Topics are on, and the bot is an admin who may
// manage topics. Asked at start-up (the main group, and every category's own)
// and when an admin gives a category a group of its own.
import { type Api, GrammyError } from 'grammy';
import type { Texts } from '../i18n/index.js';

export type GroupProblem = { kind: 'unreachable'; description: string } | { kind: 'not-forum' } | { kind: 'no-rights' };

export async function groupProblem(api: Api, chatId: number, botId: number): Promise<GroupProblem | null> {
  let chat: Awaited<ReturnType<Api['getChat']>>;
  try {
    chat = await api.getChat(chatId);
  } catch (error) {
    if (error instanceof GrammyError) return { kind: 'unreachable', description: error.description };
    throw error;
  }
  if (chat.type !== 'supergroup' || !chat.is_forum) return { kind: 'not-forum' };
  const me = await api.getChatMember(chatId, botId);
  const canManage = me.status === 'creator' || (me.status === 'administrator' && me.can_manage_topics === true);
  return canManage ? null : { kind: 'no-rights' };
}

/** What an admin reads about a group the bot cannot use. */
export function groupProblemText(t: Texts, problem: GroupProblem): string {
  switch (problem.kind) {
    case 'unreachable':
      return t.settings.invalid.groupUnreachable(problem.description);
    case 'not-forum':
      return t.settings.invalid.groupNotForum;
    case 'no-rights':
      return t.settings.invalid.groupNoRights;
  }
}
