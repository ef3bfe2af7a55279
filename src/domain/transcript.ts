// The conversation itself, kept with each message: the text or caption, its
// formatting, and the media's file id (Telegram's handle to send the same
// file again). Exports and search read it; the admins decide how long it is
// kept (retention), and /forget erases one user's on request. Erasing keeps
// the rows: who wrote when, and the counts, stay for the reports.
import type { MessageEntity } from 'grammy/types';
import { decide, type Desk } from './desk.js';

export interface MessageContent {
  text?: string | undefined;
  entities?: MessageEntity[] | undefined;
  fileId?: string | undefined;
  /** The text is a media's caption (Telegram allows 1024 characters there, not 4096). */
  caption?: boolean | undefined;
}

/** /forget: an admin erases a user's conversation (text, formatting, files) on their request. */
export function forgetUser(desk: Desk, userId: number): Promise<number> {
  return decide(desk, (store) => store.eraseContent({ userId }));
}

/** Erases what is older than the retention period, if the admins set one; returns how many messages. */
export async function applyRetention(desk: Desk): Promise<number> {
  const days = desk.settings.get('retentionDays');
  if (days === null) return 0;
  const before = new Date(desk.now().getTime() - days * 86_400_000);
  return desk.store.eraseContent({ before });
}
