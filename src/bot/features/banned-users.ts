// /settings → «🚫 Banned users»: the group's admins see every banned user and
// lift a ban with one press. The screen replaces the panel in place, like
// the rest of /settings; «⬅️ Back» is the panel's own button.
import { Composer } from 'grammy';
import { editInGroup } from '../../domain/answers.js';
import { banInfo, unbanUser } from '../../domain/bans.js';
import type { Desk } from '../../domain/desk.js';
import { displayName } from '../../domain/people.js';
import { actorOf } from '../../domain/settings-changes.js';
import { bannedUsersData } from '../callback-data/banned-users.js';
import type { Context } from '../context.js';
import { type BannedUser, bannedUsersScreen } from '../settings/banned-users.js';

export const bannedUsers = new Composer<Context>();

bannedUsers.callbackQuery(bannedUsersData.trigger, async (ctx) => {
  const desk = ctx.desk;
  const press = bannedUsersData.unpack(ctx.callbackQuery.data);
  const panel = ctx.callbackQuery.message;
  // Forged data, or a press outside the main group (where /settings lives): refused, nothing changes.
  if (!press || !panel || ctx.chat?.id !== ctx.config.SUPPORT_CHAT_ID) {
    await ctx.answerCallbackQuery({ text: desk.managerTexts.buttonOutdated });
    return;
  }
  if (!(await ctx.isAdmin())) {
    await ctx.answerCallbackQuery({ text: desk.managerTexts.settings.onlyAdmins, show_alert: true });
    return;
  }
  let answer: string | undefined;
  if (press.action === 'unban') {
    const user = await desk.store.user(press.userId);
    const name = user ? displayName({ first_name: user.firstName, last_name: user.lastName, username: user.username }) : '';
    const result = await unbanUser(desk, {
      userId: press.userId,
      manager: ctx.from,
      at: {},
      logged: { actor: actorOf(ctx.from), summary: desk.managerTexts.ban.unbannedLog(name) },
    });
    answer = result.outcome === 'unbanned' ? desk.managerTexts.ban.undone : desk.managerTexts.ban.notBanned;
  }
  await editInGroup(desk, panel.message_id, bannedUsersScreen(desk, await banned(desk)));
  await ctx.answerCallbackQuery(answer ? { text: answer } : {});
});

async function banned(desk: Desk): Promise<BannedUser[]> {
  const rows = await desk.store.bannedUsers();
  return rows.flatMap((u) => {
    const ban = banInfo(u);
    return ban ? [{ id: Number(u.id), firstName: u.firstName, lastName: u.lastName, username: u.username, ban }] : [];
  });
}
