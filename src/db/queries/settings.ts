// Queries behind /settings: the desk's settings, the log of changes, the
// admins' open dialogs and the request categories.
import type { Queryable } from '../client.js';

export interface NewCategory {
  name: string;
  emoji: string;
}

export function settingsQueries(db: Queryable) {
  return {
    allSettings() {
      return db.deskSetting.findMany();
    },

    putSetting(key: string, value: string, now: Date) {
      return db.deskSetting.upsert({ where: { key }, create: { key, value, updatedAt: now }, update: { value, updatedAt: now } });
    },

    deleteSetting(key: string) {
      return db.deskSetting.deleteMany({ where: { key } });
    },

    logChange(summary: string, actor: { id: number; name: string }, now: Date) {
      return db.settingChange.create({ data: { summary, actorId: BigInt(actor.id), actorName: actor.name, at: now } });
    },

    recentChanges(count: number) {
      return db.settingChange.findMany({ orderBy: { id: 'desc' }, take: count });
    },

    dialogOf(adminId: number) {
      return db.settingsDialog.findUnique({ where: { adminId: BigInt(adminId) } });
    },

    dialogByPrompt(promptMessageId: number) {
      return db.settingsDialog.findFirst({ where: { promptMessageId } });
    },

    /** Starts a dialog, replacing the admin's earlier one: an admin answers one question at a time. */
    startDialog(adminId: number, d: { kind: string; arg: number; panelMessageId: number | null }, now: Date) {
      const data = { kind: d.kind, arg: d.arg, panelMessageId: d.panelMessageId, promptMessageId: null, draft: null, startedAt: now };
      return db.settingsDialog.upsert({ where: { adminId: BigInt(adminId) }, create: { adminId: BigInt(adminId), ...data }, update: data });
    },

    /** The prompt's id, recorded only into the dialog it was sent for (the admin may have started another since). */
    setDialogPrompt(adminId: number, startedAt: Date, promptMessageId: number) {
      return db.settingsDialog.updateMany({ where: { adminId: BigInt(adminId), startedAt }, data: { promptMessageId } });
    },

    setDialogDraft(adminId: number, draft: string) {
      return db.settingsDialog.update({ where: { adminId: BigInt(adminId) }, data: { draft } });
    },

    async endDialog(adminId: number): Promise<boolean> {
      const r = await db.settingsDialog.deleteMany({ where: { adminId: BigInt(adminId) } });
      return r.count > 0;
    },

    categories() {
      return db.category.findMany({ orderBy: [{ position: 'asc' }, { id: 'asc' }] });
    },

    category(id: number) {
      return db.category.findUnique({ where: { id } });
    },

    async addCategory(c: NewCategory) {
      const last = await db.category.findFirst({ orderBy: { position: 'desc' } });
      return db.category.create({ data: { ...c, position: (last?.position ?? 0) + 1 } });
    },

    updateCategory(
      id: number,
      data: {
        name?: string;
        emoji?: string;
        description?: string | null;
        prompt?: string | null;
        archived?: boolean;
        position?: number;
        chatId?: number | null;
      },
    ) {
      const { chatId, ...rest } = data;
      return db.category.update({ where: { id }, data: { ...rest, ...(chatId !== undefined ? { chatId: chatId === null ? null : BigInt(chatId) } : {}) } });
    },

    setTicketCategory(ticketId: number, categoryId: number | null) {
      return db.ticket.update({ where: { id: ticketId }, data: { categoryId } });
    },

    /** Only while the ticket has none: the default never overrides a choice. */
    async setTicketCategoryIfNone(ticketId: number, categoryId: number): Promise<boolean> {
      const r = await db.ticket.updateMany({ where: { id: ticketId, categoryId: null }, data: { categoryId } });
      return r.count > 0;
    },

    setChosenCategory(userId: number, categoryId: number | null) {
      return db.user.update({ where: { id: BigInt(userId) }, data: { chosenCategoryId: categoryId } });
    },
  };
}
