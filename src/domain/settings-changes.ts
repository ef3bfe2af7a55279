// How an admin's change in /settings is made: written to the database with a
// line in the change log (who, what, when) in one decision, then applied to
// the settings in memory. Also the admins' dialogs: a text the bot asked
// for, stored so that a restart in the middle loses nothing.
import type { Post } from '../delivery/courier.js';
import { GROUP_QUEUE } from '../delivery/jobs/notice.js';
import { postPrompt } from '../delivery/jobs/post-prompt.js';
import { decide, type Desk } from './desk.js';
import { displayName, type Person } from './people.js';
import type { SettingKey, SettingValue } from './settings.js';

export interface Actor {
  id: number;
  name: string;
}

export const actorOf = (p: Person): Actor => ({ id: p.id, name: displayName(p) });

export async function changeSetting<K extends SettingKey>(
  desk: Desk,
  actor: Actor,
  key: K,
  value: SettingValue<K> | undefined,
  summary: string,
): Promise<void> {
  await decide(desk, async (store) => {
    const now = desk.now();
    if (value === undefined) await store.deleteSetting(key);
    else await store.putSetting(key, JSON.stringify(value), now);
    await store.logChange(summary, actor, now);
  });
  desk.settings.apply(key, value);
}

export async function addCategory(desk: Desk, actor: Actor, c: { name: string; emoji: string }, summary: string): Promise<number> {
  const id = await decide(desk, async (store) => {
    const created = await store.addCategory(c);
    await store.logChange(summary, actor, desk.now());
    return created.id;
  });
  await desk.settings.reloadCategories(desk.store);
  return id;
}

export type CategoryPatch = { name?: string; emoji?: string; description?: string | null; prompt?: string | null; archived?: boolean; chatId?: number | null };

export async function editCategory(desk: Desk, actor: Actor, id: number, patch: CategoryPatch, summary: string): Promise<boolean> {
  const found = await decide(desk, async (store) => {
    if (!(await store.category(id))) return false;
    await store.updateCategory(id, patch);
    await store.logChange(summary, actor, desk.now());
    return true;
  });
  await desk.settings.reloadCategories(desk.store);
  return found;
}

/** Swaps a category with its neighbour above (-1) or below (+1) among all categories. */
export async function moveCategory(desk: Desk, actor: Actor, id: number, direction: -1 | 1, summary: string): Promise<boolean> {
  const moved = await decide(desk, async (store) => {
    const all = await store.categories();
    const at = all.findIndex((c) => c.id === id);
    const other = all[at + direction];
    if (at < 0 || !other) return false;
    const self = all[at]!;
    // Positions may repeat (two added at once): give each its index first, then swap.
    await Promise.all(all.map((c, i) => (c.position === i ? undefined : store.updateCategory(c.id, { position: i }))));
    await store.updateCategory(self.id, { position: at + direction });
    await store.updateCategory(other.id, { position: at });
    await store.logChange(summary, actor, desk.now());
    return true;
  });
  await desk.settings.reloadCategories(desk.store);
  return moved;
}

export interface DialogStart {
  kind: string;
  arg: number;
  panelMessageId: number | null;
  /** Where the prompt goes (the thread /settings was opened in; General when undefined). */
  threadId?: number | undefined;
}

/** Asks an admin for a text: the prompt goes out through the outbox and records its id, so only a reply to it is taken. */
export function startDialog(desk: Desk, adminId: number, d: DialogStart, prompt: Post): Promise<void> {
  return decide(desk, async (store, send) => {
    const dialog = await store.startDialog(adminId, d, desk.now());
    send(
      postPrompt.make(GROUP_QUEUE, {
        adminId,
        startedAt: dialog.startedAt.toISOString(),
        ...(d.threadId !== undefined ? { threadId: d.threadId } : {}),
        html: prompt.html ?? '',
        ...(prompt.keyboard ? { keyboard: prompt.keyboard } : {}),
      }),
    );
  });
}
