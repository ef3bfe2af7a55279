// The service's whole configuration: one zod schema over the environment,
// parsed once in main. A bad or missing value stops start-up with one line
// that names the variable (see formatConfigError).
import { z } from 'zod';

const languages = ['ru', 'en'] as const;

const units: Record<string, number> = { ms: 1, s: 1000, sec: 1000, m: 60_000, min: 60_000 };

/** "20/min", "3/3s", "30/s", or "off": at most N sends in any such window. */
const rate = (example: string) =>
  z
    .string()
    .trim()
    .regex(/^(off|0|\d+\s*\/\s*([1-9]\d*)?\s*(ms|s|sec|m|min))$/, `must be like ${example} (N per window) or off`)
    .transform((v) => {
      const m = /^(\d+)\s*\/\s*(\d*)\s*(ms|s|sec|m|min)$/.exec(v);
      if (!m || Number(m[1]) === 0) return null;
      return { limit: Number(m[1]), windowMs: Number(m[2] || 1) * units[m[3]!]! };
    });

export const configSchema = z.object({
  BOT_TOKEN: z
    .string({ error: 'is required: the token @BotFather gave you' })
    .trim()
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'does not look like a bot token (expected 123456789:AA...)'),
  SUPPORT_CHAT_ID: z
    .string({ error: "is required: the id of the managers' supergroup, like -1001234567890" })
    .trim()
    .regex(/^-100\d{5,}$/, 'must be a supergroup id, like -1001234567890')
    .transform(Number),
  DATABASE_URL: z
    .string()
    .trim()
    .default('file:./data/topic.db')
    .refine((v) => /^(file:.+|postgres(ql)?:\/\/.+)$/.test(v), 'must be file:<path> (SQLite) or postgresql://… (PostgreSQL)'),
  TELEGRAM_API_ROOT: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL, like https://api.telegram.org' })
    .default('https://api.telegram.org')
    .transform((v) => v.replace(/\/+$/, '')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Telegram's sending limits, kept on our side (see README, "Delivery"). */
  LIMIT_PRIVATE_CHAT: rate('3/3s').prefault('3/3s'),
  LIMIT_GROUP: rate('20/min').prefault('20/min'),
  LIMIT_GLOBAL: rate('30/s').prefault('30/s'),
  /** While the bot cannot post in the support chat (rights lost), held messages are retried this often. */
  HELD_RETRY_SECONDS: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,4}$/, 'must be a whole number of seconds, like 60')
    .transform(Number)
    .prefault('60'),
  /**
   * The queue board in General is redrawn at most once per this many seconds
   * (Telegram allows 20 messages a minute into a group; the board takes at
   * most one of them per period).
   */
  QUEUE_BOARD_SECONDS: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,4}$/, 'must be a whole number of seconds, like 60')
    .transform(Number)
    .prefault('60'),
  /**
   * Anti-flood: a user's messages beyond this many per FLOOD_WINDOW_SECONDS
   * reach their topic slowed to that pace (never dropped); off: never slowed.
   * The default until an admin picks another rate in /settings.
   */
  FLOOD_LIMIT: z
    .string()
    .trim()
    .regex(/^(off|0|[1-9]\d{0,3})$/, 'must be a whole number of messages, like 20, or off')
    .transform((v) => (v === 'off' ? 0 : Number(v)))
    .prefault('20'),
  /** The anti-flood's window: FLOOD_LIMIT messages per this many seconds (a minute). */
  FLOOD_WINDOW_SECONDS: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,4}$/, 'must be a whole number of seconds, like 60')
    .transform(Number)
    .prefault('60'),
  /** How often the bot looks whether the weekly report is due (its day and hour are set in /settings). */
  WEEKLY_REPORT_CHECK_SECONDS: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,4}$/, 'must be a whole number of seconds, like 300')
    .transform(Number)
    .prefault('300'),
  /** How often tickets are checked for auto-close (a setting in /settings, off by default). */
  AUTO_CLOSE_SWEEP_SECONDS: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,5}$/, 'must be a whole number of seconds, like 600')
    .transform(Number)
    .prefault('600'),
  /**
   * Broadcasts (/broadcast): at most this many messages a second, and only
   * from the global budget the relay leaves (see delivery/rate-limiter.ts).
   */
  BROADCAST_RATE: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,3}$/, 'must be a whole number of messages per second, like 25')
    .transform(Number)
    .refine((n) => n <= 1000, 'must be at most 1000 messages per second')
    .prefault('25'),
  /** A broadcast's progress message in General is edited at most once per this many seconds (the group's 20 a minute). */
  BROADCAST_PROGRESS_SECONDS: z
    .string()
    .trim()
    .regex(/^[1-9]\d{0,4}$/, 'must be a whole number of seconds, like 30')
    .transform(Number)
    .prefault('30'),
  /** Serve Prometheus metrics (/metrics) and a health check (/health) on this port; unset: off. */
  METRICS_PORT: z
    .string()
    .trim()
    .regex(/^\d{1,5}$/, 'must be a port number, like 9464')
    .transform(Number)
    .refine((p) => p >= 1 && p <= 65535, 'must be a port number between 1 and 65535')
    .optional(),
  /** Language of the texts the bot writes into the managers' supergroup. */
  MANAGER_LANGUAGE: z.enum(languages).default('ru'),
  /** Overrides of the /start greeting; empty means the built-in text. */
  GREETING_RU: z.string().trim().optional(),
  GREETING_EN: z.string().trim().optional(),
});

export type Config = z.output<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; throws ConfigError whose message is one line naming the variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable (`FOO=` in .env) means "not set", so defaults apply.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = configSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.join('.') || 'configuration';
  throw new ConfigError(`Config error: ${variable} ${issue?.message ?? 'is invalid'}`);
}
