// Telegram's HTML parse mode needs exactly these three characters escaped.
// Every user-supplied string (names, usernames) goes through here before it
// is put into markup; otherwise `<b>&Co` breaks the whole message.
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
