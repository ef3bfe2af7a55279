// Owns Telegram's flood control, opt-in: sliding windows over the "sending" calls per private
// chat, per group and overall, and the flood wait that follows a 429. It knows the world only to
// tell a private chat from a group and to count how many messages a batch call will create.
import { ApiError } from './errors.js';
import type { Params } from './methods.js';
import { isService, type World } from './state.js';

export interface RateLimits {
  /** Accepted sending calls per private chat in any 1000 ms; 0 or undefined is no limit. */
  privateChatPerSecond?: number;
  /** Accepted sending calls per group or supergroup (all its topics together) in any 60 000 ms. */
  groupPerMinute?: number;
  /** Accepted sending calls to all chats together in any 1000 ms. */
  globalPerSecond?: number;
  /**
   * A compressed clock for tests: the group window lasts this long instead of
   * 60 000 ms ("20 per minute" becomes "20 per groupWindowMs"). retry_after
   * stays in whole seconds, as Telegram gives it.
   */
  groupWindowMs?: number;
}

export type RateLimitScope = 'private' | 'group' | 'global';

export interface RateLimitHit {
  /** The method as the client spelled it in the URL. */
  method: string;
  /** The chat_id of the refused call (NaN when it had none a number could be made of). */
  chatId: number;
  /** Date.now() when the 429 was given. */
  at: number;
  retry_after: number;
  /** Which limit is behind the 429. */
  scope: RateLimitScope;
  /** True when the call was refused only because the target was still in a flood wait from an earlier 429. */
  floodWait: boolean;
}

/** What one call weighs against the limits: which chat, which kind of chat, how many messages. */
export interface RatePlan {
  chatId: number;
  scope: 'private' | 'group';
  weight: number;
}

const SECOND = 1000;
const MINUTE = 60_000;

/** Timestamps in ascending order with a moving head, so expiring old ones is O(1) amortised. */
class Window {
  private times: number[] = [];
  private head = 0;

  count(now: number, span: number): number {
    const t = this.times;
    while (this.head < t.length && t[this.head]! <= now - span) this.head++;
    if (this.head === t.length) {
      this.times = [];
      this.head = 0;
    } else if (this.head > 64 && this.head * 2 > t.length) {
      this.times = t.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** The i-th oldest timestamp still in the window (after count() has pruned it). */
  at(i: number): number {
    return this.times[this.head + i]!;
  }

  add(now: number, weight: number): void {
    for (let i = 0; i < weight; i++) this.times.push(now);
  }
}

/**
 * How long until a window of `span` ms holding `count` calls admits `weight` more under `limit`,
 * or 0 if it admits them now. A batch heavier than the limit is admitted into an empty window.
 */
function waitMs(win: Window, now: number, span: number, limit: number, weight: number): number {
  const count = win.count(now, span);
  if (count === 0 || count + weight <= limit) return 0;
  const mustExpire = Math.min(count, count + weight - limit); // the oldest this many must leave first
  return win.at(mustExpire - 1) + span - now;
}

const retryAfter = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export const tooManyRequests = (retry_after: number) => new ApiError(429, `Too Many Requests: retry after ${retry_after}`, { retry_after });

// Always counted (lowercased names, as the router matches them). All send* methods count too,
// except sendChatAction; the edit methods and pinning (which posts a service message) count only in groups.
const COUNTED = new Set(['copymessage', 'copymessages', 'forwardmessage', 'forwardmessages', 'createforumtopic', 'editforumtopic']);
const GROUP_ONLY = new Set(['editmessagetext', 'editmessagecaption', 'editmessagereplymarkup', 'pinchatmessage']);
const BATCHES = new Set(['copymessages', 'forwardmessages']);

export class RateLimiter {
  readonly hits: RateLimitHit[] = [];
  private limits: Required<RateLimits> = { privateChatPerSecond: 0, groupPerMinute: 0, globalPerSecond: 0, groupWindowMs: MINUTE };
  private readonly windows = new Map<number, Window>();
  private global = new Window();
  private readonly floodUntil = new Map<number, { until: number; scope: RateLimitScope }>();
  private globalFloodUntil = 0;

  constructor(private readonly world: World) {}

  get enabled(): boolean {
    const l = this.limits;
    return l.privateChatPerSecond > 0 || l.groupPerMinute > 0 || l.globalPerSecond > 0;
  }

  /** Replaces the limits and forgets all windows and flood waits. */
  set(limits: RateLimits): void {
    const clean = (v: number | undefined, name: string) => {
      if (v === undefined) return 0;
      if (typeof v !== 'number' || !(v >= 0)) throw new Error(`fake-telegram: ${name} must be a number >= 0, got ${String(v)}`);
      return v;
    };
    this.limits = {
      privateChatPerSecond: clean(limits.privateChatPerSecond, 'privateChatPerSecond'),
      groupPerMinute: clean(limits.groupPerMinute, 'groupPerMinute'),
      globalPerSecond: clean(limits.globalPerSecond, 'globalPerSecond'),
      groupWindowMs: limits.groupWindowMs ?? MINUTE,
    };
    this.windows.clear();
    this.global = new Window();
    this.floodUntil.clear();
    this.globalFloodUntil = 0;
  }

  /** The weight of a call, or undefined when the call is not a counted "sending" call or limits are off. */
  plan(method: string, p: Params): RatePlan | undefined {
    if (!this.enabled) return undefined;
    const sends = method.startsWith('send') && method !== 'sendchataction';
    if (!sends && !COUNTED.has(method) && !GROUP_ONLY.has(method)) return undefined;
    const chatId = Number(p.chat_id);
    const known = this.world.chats.get(chatId)?.chat.type;
    const scope = known ? (known === 'private' ? 'private' : 'group') : chatId < 0 ? 'group' : 'private';
    if (GROUP_ONLY.has(method) && scope !== 'group') return undefined;
    return { chatId, scope, weight: this.weight(method, p) };
  }

  /** The 429 this call gets now, if any; records it. Does not count the call: commit() does. */
  refuse(method: string, plan: RatePlan, now: number): ApiError | undefined {
    const l = this.limits;
    const hit = (retry_after: number, scope: RateLimitScope, floodWait: boolean) => {
      this.hits.push({ method, chatId: plan.chatId, at: now, retry_after, scope, floodWait });
      return tooManyRequests(retry_after);
    };
    // A flood wait already running refuses everything to its target, whatever the windows say.
    if (this.globalFloodUntil > now) return hit(retryAfter(this.globalFloodUntil - now), 'global', true);
    const flood = this.floodUntil.get(plan.chatId);
    if (flood) {
      if (flood.until > now) return hit(retryAfter(flood.until - now), flood.scope, true);
      this.floodUntil.delete(plan.chatId);
    }
    const chatLimit = plan.scope === 'private' ? l.privateChatPerSecond : l.groupPerMinute;
    if (chatLimit > 0 && Number.isFinite(plan.chatId)) {
      const win = this.windows.get(plan.chatId);
      const wait = win ? waitMs(win, now, plan.scope === 'private' ? SECOND : l.groupWindowMs, chatLimit, plan.weight) : 0;
      if (wait > 0) {
        const n = retryAfter(wait);
        this.floodUntil.set(plan.chatId, { until: now + n * 1000, scope: plan.scope });
        return hit(n, plan.scope, false);
      }
    }
    if (l.globalPerSecond > 0) {
      const wait = waitMs(this.global, now, SECOND, l.globalPerSecond, plan.weight);
      if (wait > 0) {
        const n = retryAfter(wait);
        this.globalFloodUntil = now + n * 1000;
        return hit(n, 'global', false);
      }
    }
    return undefined;
  }

  /** Counts an accepted call in its windows. */
  commit(plan: RatePlan, now: number): void {
    const l = this.limits;
    const chatLimit = plan.scope === 'private' ? l.privateChatPerSecond : l.groupPerMinute;
    if (chatLimit > 0 && Number.isFinite(plan.chatId)) {
      let win = this.windows.get(plan.chatId);
      if (!win) {
        win = new Window();
        this.windows.set(plan.chatId, win);
      }
      win.add(now, plan.weight);
    }
    if (l.globalPerSecond > 0) this.global.add(now, plan.weight);
  }

  /** How many messages a call creates: one, or one per album item / per existing source message. */
  private weight(method: string, p: Params): number {
    if (method === 'sendmediagroup') return Math.max(1, Array.isArray(p.media) ? p.media.length : 1);
    if (!BATCHES.has(method)) return 1;
    const ids = Array.isArray(p.message_ids) ? p.message_ids : [];
    const from = this.world.chats.get(Number(p.from_chat_id));
    if (!from) return Math.max(1, ids.length);
    let n = 0;
    for (const id of ids) {
      const m = from.messages.get(Number(id));
      if (m && !isService(m)) n++;
    }
    return Math.max(1, n);
  }
}
