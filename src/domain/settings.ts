// The desk's settings, changed from Telegram by the group's admins
// (/settings): greetings, the managers' language, working hours, request
// categories. Stored in the database (DeskSetting, Category) and held in
// memory, since only one instance serves at a time (see db/lease.ts): reads
// on a message's path cost nothing, and every change is written first, then
// applied here. A setting without a row falls back to the environment's
// default, then the built-in one.
import type { MessageEntity } from 'grammy/types';
import { z } from 'zod';
import type { Store } from '../db/queries/index.js';
import { entitiesSchema } from '../delivery/jobs/notice.js';
import type { Language } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { compileRule, type CompiledRule } from './auto-replies.js';
import { isValidTimeZone, type WorkingHours, WEEKDAYS } from './working-hours.js';

/** A text with Telegram's formatting as entities (never hand-written HTML). */
export interface FormattedText {
  text: string;
  entities?: MessageEntity[];
}

const formatted = z.object({ text: z.string().min(1).max(4096), entities: entitiesSchema.optional() });
const dayHours = z.object({ from: z.number().int().min(0).max(1439), to: z.number().int().min(1).max(1440) }).nullable();

const schemas = {
  'greeting.ru': formatted,
  'greeting.en': formatted,
  managerLanguage: z.enum(['ru', 'en']),
  timeZone: z.string().refine(isValidTimeZone),
  hours: z.array(dayHours).length(WEEKDAYS),
  holidays: z.array(z.string().regex(/^\d{4}-\d\d-\d\d$/)),
  /** How long a user may take to pick a category before the default applies. */
  categoryWaitMinutes: z.number().int().min(1).max(1440),
  defaultCategoryId: z.number().int().positive().nullable(),
  /** A manager's message in a topic that starts with this is an internal note, never sent to the user. */
  notePrefix: z.string().min(1).max(8).regex(/^\S+$/),
  /** Auto-replies answer matching messages; off: every message waits for a person. */
  autoReplies: z.boolean(),
  /** Replies reach the user with the manager's first name under them; off: anonymously. */
  signature: z.boolean(),
  /** Conversations' content is erased after this many days; null: kept forever. */
  retentionDays: z.number().int().positive().nullable(),
  /** Satisfaction surveys after a manager resolves a ticket, this many minutes later (0: at once); null: off. */
  surveyDelayMinutes: z.number().int().min(0).max(1440).nullable(),
  /** The queue board in General (domain/queue-board.ts): on unless an admin turned it off. */
  queueBoard: z.boolean(),
  /** On the board, a ticket waiting longer than this is marked ⚠️. */
  queueBoardAlertMinutes: z.number().int().min(1).max(1440),
  /** An 📝 ticket whose user has been silent this many days after the managers' answer is resolved; 0: never. */
  autoCloseDays: z.number().int().min(0).max(365),
  /** 👀 on the user's message when a ticket is taken, and managers' reactions mirrored to the user; off: neither. */
  reactionReceipts: z.boolean(),
  /** The weekly report to General: the weekday (0 = Monday) and hour, in the group's time zone; null: off. */
  weeklyReport: z.object({ weekday: z.number().int().min(0).max(6), hour: z.number().int().min(0).max(23) }).nullable(),
  /** Anti-flood: a user's messages beyond this many per window are slowed (domain/flood.ts); 0: off. */
  floodLimit: z.number().int().min(0).max(9999),
};

export type SettingKey = keyof typeof schemas;
export type SettingValue<K extends SettingKey> = z.output<(typeof schemas)[K]>;

export interface Category {
  id: number;
  name: string;
  emoji: string;
  description: string | null;
  prompt: string | null;
  position: number;
  archived: boolean;
  /** Its own supergroup, or null for the main one. */
  chatId: number | null;
}

export interface SettingsDefaults {
  managerLanguage: Language;
  /** The environment's GREETING_* texts (plain). */
  greetings: Partial<Record<Language, string>>;
  /** The environment's FLOOD_LIMIT (0: off); 20 when not given. */
  floodLimit?: number;
}

export interface DeskSettings {
  /** Reads everything from the database (at start, and when this instance takes over from another). */
  load(store: Store): Promise<void>;
  get<K extends SettingKey>(key: K): SettingValue<K>;
  /** Whether an admin set it (else a default applies). */
  isSet(key: SettingKey): boolean;
  /** After the change is committed: `undefined` goes back to the default. */
  apply<K extends SettingKey>(key: K, value: SettingValue<K> | undefined): void;
  /** The admin's greeting in a language, if any (env's GREETING_* count). */
  greeting(language: Language): FormattedText | undefined;
  hours(): WorkingHours;
  /** All categories in their order, archived ones included. */
  allCategories(): Category[];
  /** The categories offered to users. */
  activeCategories(): Category[];
  category(id: number | null | undefined): Category | undefined;
  /** The supergroups categories have of their own (archived ones too: their topics are still served). */
  categoryGroups(): number[];
  /**
   * Every supergroup the desk serves besides the main one: the categories'
   * own, and any that still holds a user's topic (a category moved to another
   * group leaves its open tickets behind, and their managers must still be
   * heard).
   */
  servedGroups(): ReadonlySet<number>;
  /** A user's topic now lives in this group. */
  rememberGroup(chatId: number): void;
  reloadCategories(store: Store): Promise<void>;
  /** The auto-reply rules, compiled, in the order they were made. */
  autoReplyRules(): readonly CompiledRule[];
  reloadAutoReplies(store: Store): Promise<void>;
}

export function createDeskSettings(defaults: SettingsDefaults, logger: Logger): DeskSettings {
  const values = new Map<SettingKey, unknown>();
  let categories: Category[] = [];
  let rules: CompiledRule[] = [];
  const topicGroups = new Set<number>();
  let served = new Set<number>();
  const refreshServed = () => {
    served = new Set([...topicGroups, ...categories.flatMap((c) => (c.chatId === null ? [] : [c.chatId]))]);
  };

  const fallback = <K extends SettingKey>(key: K): SettingValue<K> => {
    const d: { [P in SettingKey]?: unknown } = {
      managerLanguage: defaults.managerLanguage,
      timeZone: 'UTC',
      hours: Array.from({ length: WEEKDAYS }, () => null),
      holidays: [],
      categoryWaitMinutes: 5,
      defaultCategoryId: null,
      notePrefix: '!',
      autoReplies: true,
      signature: false,
      retentionDays: null,
      surveyDelayMinutes: 1,
      queueBoard: true,
      queueBoardAlertMinutes: 30,
      autoCloseDays: 0,
      reactionReceipts: true,
      weeklyReport: { weekday: 0, hour: 9 },
      floodLimit: defaults.floodLimit ?? 20,
    };
    return d[key] as SettingValue<K>;
  };

  const settings: DeskSettings = {
    async load(store) {
      const rows = await store.allSettings();
      values.clear();
      for (const row of rows) {
        if (!(row.key in schemas)) continue;
        const key = row.key as SettingKey;
        let parsed: unknown;
        try {
          parsed = JSON.parse(row.value);
        } catch {
          parsed = undefined;
        }
        const result = schemas[key].safeParse(parsed);
        // A row that does not fit (written by hand, or by a newer version) must not stop the desk: the default applies.
        if (result.success) values.set(key, result.data);
        else logger.warn({ key }, 'a stored setting does not fit its schema; using the default');
      }
      topicGroups.clear();
      for (const chatId of await store.topicGroups()) topicGroups.add(chatId);
      await settings.reloadCategories(store);
      await settings.reloadAutoReplies(store);
    },
    get(key) {
      return (values.has(key) ? values.get(key) : fallback(key)) as SettingValue<typeof key>;
    },
    isSet: (key) => values.has(key),
    apply(key, value) {
      if (value === undefined) values.delete(key);
      else values.set(key, schemas[key].parse(value));
    },
    greeting(language) {
      const own = values.get(`greeting.${language}`) as FormattedText | undefined;
      if (own) return own;
      const env = defaults.greetings[language];
      return env ? { text: env } : undefined;
    },
    hours: () => ({ timeZone: settings.get('timeZone'), days: settings.get('hours'), holidays: settings.get('holidays') }),
    allCategories: () => categories,
    activeCategories: () => categories.filter((c) => !c.archived),
    category: (id) => (id == null ? undefined : categories.find((c) => c.id === id)),
    categoryGroups: () => [...new Set(categories.flatMap((c) => (c.chatId === null ? [] : [c.chatId])))],
    servedGroups: () => served,
    rememberGroup(chatId) {
      if (topicGroups.has(chatId)) return;
      topicGroups.add(chatId);
      refreshServed();
    },
    autoReplyRules: () => rules,
    async reloadAutoReplies(store) {
      rules = [];
      for (const row of await store.autoReplies()) {
        const rule = compileRule(row);
        if (rule) rules.push(rule);
        else logger.warn({ rule: row.id }, 'an auto-reply pattern cannot be compiled; the rule is skipped');
      }
    },
    async reloadCategories(store) {
      categories = (await store.categories()).map((c) => ({
        id: c.id,
        name: c.name,
        emoji: c.emoji,
        description: c.description,
        prompt: c.prompt,
        position: c.position,
        archived: c.archived,
        chatId: c.chatId === null ? null : Number(c.chatId),
      }));
      refreshServed();
    },
  };
  return settings;
}

/** Validates a value for a key (what an admin typed, after parsing). */
export function settingSchema<K extends SettingKey>(key: K) {
  return schemas[key];
}
