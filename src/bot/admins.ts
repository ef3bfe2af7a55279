// "Is this person an admin of the support group?", asked of Telegram
// (getChatMember) and remembered for a minute: admin rights change rarely,
// and a settings screen costs a few presses in a row. Losing admin rights
// takes effect within that minute. A failed lookup counts as "no": refusing
// an admin once is better than letting anyone change settings.
import type { Api } from 'grammy';
import type { Logger } from '../logger.js';

const TTL_MS = 60_000;

export type AdminCheck = (userId: number) => Promise<boolean>;

export function createAdminCheck(api: Api, chatId: number, logger: Logger, now: () => number = Date.now): AdminCheck {
  const known = new Map<number, { admin: boolean; at: number }>();
  return async (userId) => {
    const hit = known.get(userId);
    if (hit && now() - hit.at < TTL_MS) return hit.admin;
    try {
      const member = await api.getChatMember(chatId, userId);
      const admin = member.status === 'creator' || member.status === 'administrator';
      known.set(userId, { admin, at: now() });
      return admin;
    } catch (error) {
      logger.warn({ user_id: userId, err: error instanceof Error ? error.message : String(error) }, 'could not check admin rights; treated as not an admin');
      return false;
    }
  };
}
