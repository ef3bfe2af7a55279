// The /settings screen «🚫 Banned users»: who is banned, by whom, when and
// why, the latest first, with an Unban button each. Kept apart from
// screens.ts: only its button on the home screen is there.
import type { InlineKeyboardButton } from 'grammy/types';
import type { BanInfo } from '../../domain/bans.js';
import type { Desk } from '../../domain/desk.js';
import { displayName } from '../../domain/people.js';
import { formatStamp } from '../../domain/working-hours.js';
import { escapeHtml } from '../../lib/html.js';
import { bannedUsersData } from '../callback-data/banned-users.js';
import { settingsButton } from '../callback-data/settings.js';
import type { Screen } from './screens.js';

/** Within Telegram's 4096 characters and 100 buttons, with room for long reasons. */
export const BANNED_SHOWN = 15;

export interface BannedUser {
  id: number;
  firstName: string;
  lastName: string | null;
  username: string | null;
  ban: BanInfo;
}

export function bannedUsersButton(desk: Desk): InlineKeyboardButton {
  return { text: desk.managerTexts.ban.settingsButton, callback_data: bannedUsersData.pack({ action: 'list', userId: 0 }) };
}

export function bannedUsersScreen(desk: Desk, users: BannedUser[]): Screen {
  const t = desk.managerTexts.ban;
  const tz = desk.settings.get('timeZone');
  const shown = users.slice(0, BANNED_SHOWN);
  const name = (u: BannedUser) => displayName({ first_name: u.firstName, last_name: u.lastName, username: u.username });
  const lines = shown.map((u) =>
    t.listItem(
      `<a href="tg://user?id=${u.id}">${escapeHtml(name(u))}</a>`,
      escapeHtml(u.ban.by),
      `${formatStamp(u.ban.at, tz)} ${tz}`,
      u.ban.reason === null ? null : escapeHtml(u.ban.reason),
    ),
  );
  if (users.length > shown.length) lines.push(t.listMore(users.length - shown.length));
  return {
    html: [t.listTitle, '', ...(lines.length ? lines : [escapeHtml(t.listEmpty)])].join('\n'),
    keyboard: {
      inline_keyboard: [
        ...shown.map((u) => [{ text: t.unbanUser(name(u)), callback_data: bannedUsersData.pack({ action: 'unban', userId: u.id }) }]),
        [settingsButton(desk.managerTexts.settings.button.back, 'home')],
      ],
    },
  };
}
