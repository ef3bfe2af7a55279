// The fake Telegram Bot API server: HTTP on 127.0.0.1, getUpdates long polling, fault injection,
// and the test-facing API (actors that act as users and managers, and observers). State lives
// in state.ts and the Bot API methods in methods.ts; this module wires them to the network.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Chat, Message, ReactionType, ReactionTypeEmoji, Update, User, UserFromGetMe } from 'grammy/types';
import { ApiError, E } from './errors.js';
import { createMethods, deleteTopic, type CallbackAnswer, type Handler, type Params } from './methods.js';
import { withDetectedEntities } from './html.js';
import { RateLimiter, type RateLimitHit, type RateLimits } from './limits.js';
import { readParams } from './params.js';
import { CAPTIONED, REACTION_EMOJI, World, nowSeconds, type ChatRecord, type Content, type MemberStatus, type TopicRecord } from './state.js';

export type { Content } from './state.js';
export type { CallbackAnswer } from './methods.js';
export type { RateLimitHit, RateLimits, RateLimitScope } from './limits.js';

export interface FakeTelegramOptions {
  token?: string;
  botUsername?: string;
}
export interface CallRecord {
  method: string;
  params: Record<string, unknown>;
  ok: boolean;
  error_code?: number;
  description?: string;
  /** Date.now() when the server took the call up (after its body arrived). */
  at: number;
  /** dropConnectionNext closed the connection instead of answering. */
  dropped?: true;
}
export interface TopicView {
  message_thread_id: number;
  name: string;
  icon_color: number;
  icon_custom_emoji_id?: string;
  closed: boolean;
  deleted: boolean;
}
export interface FaultSpec {
  error_code: number;
  description: string;
  parameters?: object;
}
/** A reaction a person sets: a standard emoji, or a custom one (Telegram Premium). */
export type PersonReaction = string | { custom_emoji_id: string };
/** An album item a user or manager sends; documents can't be mixed with photos and videos. */
export type AlbumItem = { photo: true } | { video: true } | { document: true };
export type FaultPredicate = (method: string, params: Record<string, unknown>) => boolean;

const CONFLICT_INTERVAL_MS = 3000; // at most one 409 per this interval, as the real server does

/** The user Telegram puts in `from` of a message an admin posts anonymously, the group being the sender_chat. */
export const GROUP_ANONYMOUS_BOT: User = { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' };

interface HeldPoll {
  limit: number;
  finish: (result: Update[] | ApiError) => void;
}

export class FakeTelegram {
  readonly token: string;
  readonly botUser: UserFromGetMe;
  readonly calls: CallRecord[] = [];
  readonly callbackAnswers: CallbackAnswer[] = [];
  /** Every 429 the rate limits (setRateLimits) gave, in order. failNext/failWhen 429s are not here. */
  readonly rateLimitHits: RateLimitHit[];
  /** false skips the `calls` log (a benchmark's millions of calls); rate limits and faults still work. */
  recordCalls = true;
  /**
   * Called synchronously whenever a Bot API call creates a message in any chat: sends, copies,
   * forwards, album items, and the service messages of createForumTopic/editForumTopic/
   * closeForumTopic/reopenForumTopic. `message` is a copy; `at` is Date.now() at creation.
   */
  onSent: ((chatId: number, message: Message, at: number) => void) | undefined;
  apiRoot = '';
  private readonly world: World;
  private readonly methods: Map<string, Handler>;
  private readonly limiter: RateLimiter;
  private readonly faults = new Map<string, { error: FaultSpec; remaining: number }>();
  private conditionalFaults: { when: FaultPredicate; error: FaultSpec; remaining: number }[] = [];
  private readonly slowAnswers = new Map<string, { remaining: number; ms: number }>();
  private readonly drops = new Map<string, { remaining: number; afterHandling: boolean; when?: ((params: Params) => boolean) | undefined }>();
  private readonly server: Server;
  private held: HeldPoll | undefined;
  private wakeScheduled = false;
  private lastConflictAt = 0;
  private stopping: Promise<void> | undefined;
  /** holdNextGetUpdates is waiting for the getUpdates that confirms a delivered batch. */
  private holdRequest: (() => void) | undefined;
  /** getUpdates calls kept open by holdNextGetUpdates; answered [] only on stop() or when the client goes. */
  private readonly frozen = new Set<() => void>();
  /** The last getUpdates answer carried updates, and no getUpdates came since. */
  private batchOut = false;
  private revoked = false;

  constructor(opts: FakeTelegramOptions = {}) {
    this.token = opts.token ?? '123456:TEST-TOKEN';
    // A real bot's id is the number before the colon of its token.
    const tokenId = Number(this.token.split(':')[0]);
    this.botUser = {
      id: Number.isSafeInteger(tokenId) && tokenId > 0 ? tokenId : 1000001,
      is_bot: true,
      first_name: 'Topic',
      username: opts.botUsername ?? 'topic_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    } as UserFromGetMe;
    this.world = new World(this.botUser);
    this.world.onUpdate = () => this.scheduleWake();
    this.world.onBotMessage = (rec, m) => {
      if (!this.onSent) return;
      try {
        this.onSent(rec.chat.id, clone(m), Date.now());
      } catch (err) {
        console.error('fake-telegram: onSent threw', err);
      }
    };
    this.methods = createMethods(this.world, this.callbackAnswers);
    this.limiter = new RateLimiter(this.world);
    this.rateLimitHits = this.limiter.hits;
    this.server = createServer((req, res) => void this.handle(req, res));
    // Node closes an idle keep-alive connection after 5 s, racing a client that
    // reuses it at that instant: the call then fails with ECONNRESET though the
    // bot did nothing wrong (a broadcast counted a copy «answer lost» that way
    // in a CI run). Telegram's servers keep idle connections far longer; stop()
    // closes them.
    this.server.keepAliveTimeout = 120_000;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers a held long poll with [], then closes the server. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.held?.finish([]);
      for (const release of [...this.frozen]) release();
      this.holdRequest = undefined;
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
    return this.stopping;
  }

  // ---------------- HTTP ----------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    const gone = new AbortController(); // the client hung up before we answered (e.g. runner.stop())
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let at = Date.now();
    const method = route?.[2] ?? '';
    let params: Params = {};
    let dropAfter = false;
    const record = (error?: ApiError, dropped = false) => {
      if (!this.recordCalls) return;
      this.calls.push({
        method,
        params,
        ok: !error,
        ...(error ? { error_code: error.error_code, description: error.description } : {}),
        at,
        ...(dropped ? { dropped: true as const } : {}),
      });
    };
    const hangUp = () => {
      req.socket.destroy(); // no status line, no body: the client sees a reset connection
    };
    try {
      if (!route) throw E.notFound();
      params = await readParams(req, url);
      at = Date.now();
      if (route[1] !== this.token || this.revoked) throw E.unauthorized();
      const lower = method.toLowerCase();
      const handler = lower === 'getupdates' ? (p: Params) => this.getUpdates(p, gone.signal) : this.methods.get(lower);
      if (!handler) throw E.methodNotFound();
      const drop = this.takeDrop(lower, params);
      if (drop === 'before') {
        record(undefined, true);
        return hangUp();
      }
      dropAfter = drop === 'after';
      const fault = this.takeFault(lower) ?? this.takeConditionalFault(method, params);
      if (fault) throw new ApiError(fault.error_code, fault.description, fault.parameters);
      // From the limit check to counting the call nothing awaits, so concurrent calls can't both
      // slip into the last free slot of a window.
      const plan = this.limiter.plan(lower, params);
      if (plan) {
        const refusal = this.limiter.refuse(method, plan, at);
        if (refusal) throw refusal;
      }
      const pending = handler(params);
      if (plan) this.limiter.commit(plan, at);
      const result = await pending;
      const slow = this.takeSlowAnswer(lower);
      if (slow) await new Promise((resolve) => setTimeout(resolve, slow));
      record(undefined, dropAfter);
      if (dropAfter) return hangUp();
      this.send(res, 200, { ok: true, result });
    } catch (err) {
      const error = err instanceof ApiError ? err : new ApiError(500, 'Internal Server Error');
      if (!(err instanceof ApiError)) console.error('fake-telegram: handler crashed', err);
      if (route) record(error, dropAfter);
      if (dropAfter) return hangUp();
      this.send(res, error.error_code, error.toJSON());
    }
  }

  private send(res: ServerResponse, status: number, body: object): void {
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.stopping) headers.connection = 'close'; // let stop() finish instead of waiting on keep-alive
    res.writeHead(status, headers).end(JSON.stringify(body));
  }

  private takeFault(method: string): FaultSpec | undefined {
    const fault = this.faults.get(method);
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.faults.delete(method);
    return fault.error;
  }

  private takeConditionalFault(method: string, params: Params): FaultSpec | undefined {
    if (this.conditionalFaults.length === 0) return undefined;
    const fault = this.conditionalFaults.find((f) => {
      try {
        return f.when(method, params);
      } catch (err) {
        console.error('fake-telegram: a failWhen predicate threw; treating it as no match', err);
        return false;
      }
    });
    if (!fault) return undefined;
    if (--fault.remaining <= 0) this.conditionalFaults = this.conditionalFaults.filter((f) => f !== fault);
    return fault.error;
  }

  private takeSlowAnswer(method: string): number | undefined {
    const slow = this.slowAnswers.get(method);
    if (!slow) return undefined;
    if (--slow.remaining <= 0) this.slowAnswers.delete(method);
    return slow.ms;
  }

  private takeDrop(method: string, params: Params): 'before' | 'after' | undefined {
    const drop = this.drops.get(method);
    if (!drop || (drop.when && !drop.when(params))) return undefined;
    if (--drop.remaining <= 0) this.drops.delete(method);
    return drop.afterHandling ? 'after' : 'before';
  }

  // ---------------- getUpdates ----------------

  private getUpdates(p: Params, gone: AbortSignal): Update[] | Promise<Update[]> {
    const w = this.world;
    if (w.webhookUrl) throw E.webhookActive();
    // Any newer request ends a held one; the older gets the 409, rate-limited like Telegram.
    if (this.held) {
      const now = Date.now();
      const conflict = now - this.lastConflictAt >= CONFLICT_INTERVAL_MS;
      if (conflict) this.lastConflictAt = now;
      this.held.finish(conflict ? E.terminatedByOtherPoll() : []);
    }
    if (p.allowed_updates !== undefined) w.setAllowedUpdates(p.allowed_updates);
    const offset = Number(p.offset ?? 0) || 0;
    if (offset > 0) w.updates.confirm(offset);
    else if (offset < 0) w.updates.keepLast(-offset);
    const afterBatch = this.batchOut;
    this.batchOut = false;
    if (afterBatch && this.holdRequest && !this.stopping) {
      // holdNextGetUpdates: the offset above confirmed the batch; this call now gets no answer.
      const announce = this.holdRequest;
      this.holdRequest = undefined;
      return new Promise<Update[]>((resolve) => {
        const release = () => {
          this.frozen.delete(release);
          resolve([]);
        };
        this.frozen.add(release);
        gone.addEventListener('abort', release);
        announce();
      });
    }
    // Out-of-range values are clamped, not refused, as in the Bot API server.
    const clamp = (v: unknown, fallback: number, min: number, max: number) =>
      Math.min(max, Math.max(min, v === undefined || v === '' || Number.isNaN(Number(v)) ? fallback : Math.trunc(Number(v))));
    const limit = clamp(p.limit, 100, 1, 100);
    const timeout = clamp(p.timeout, 0, 0, 50);
    if (w.updates.length || timeout === 0 || this.stopping) return this.deliver(w.updates.slice(limit));
    return new Promise<Update[]>((resolve, reject) => {
      const timer = setTimeout(() => held.finish([]), timeout * 1000);
      const held: HeldPoll = {
        limit,
        finish: (result) => {
          clearTimeout(timer);
          if (this.held === held) this.held = undefined;
          if (result instanceof ApiError) reject(result);
          else resolve(this.deliver(result));
        },
      };
      this.held = held;
      gone.addEventListener('abort', () => held.finish([]));
    });
  }

  private deliver(updates: Update[]): Update[] {
    if (updates.length) this.batchOut = true;
    return updates;
  }

  /**
   * Fault injection for crash tests: the next getUpdates call that follows a delivered batch
   * (the call whose offset confirms that batch to the server) is taken, its offset applied, and
   * then kept open with no answer. Resolves as soon as that call has arrived, so a test can kill
   * the bot at exactly the moment the batch is confirmed. The call is answered [] only when the
   * client hangs up or on stop(). If the last answer already carried a batch, the very next call
   * is the one held.
   */
  holdNextGetUpdates(): Promise<void> {
    if (this.holdRequest) throw new Error('fake-telegram: holdNextGetUpdates is already waiting');
    return new Promise<void>((resolve) => {
      this.holdRequest = resolve;
    });
  }

  /**
   * The bot's token is revoked (@BotFather's /revoke): every later call with it gets
   * 401 Unauthorized. A long poll being held is answered [] first, as at a disconnect.
   */
  revokeToken(): void {
    this.revoked = true;
    this.held?.finish([]);
  }

  /** Releases a held poll once the current burst of updates is queued, so they arrive together. */
  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      if (this.held && this.world.updates.length) this.held.finish(this.world.updates.slice(this.held.limit));
    });
  }

  // ---------------- actors ----------------

  createUser(p: { first_name: string; last_name?: string; username?: string; language_code?: string; is_bot?: boolean }): User {
    return this.world.createUser(p);
  }

  createSupergroup(p: { title?: string; is_forum?: boolean; botStatus?: 'administrator' | 'member' | 'left'; botCanManageTopics?: boolean } = {}): Chat {
    return this.world.createSupergroup(p);
  }

  addMember(chatId: number, user: User, status: 'member' | 'administrator' | 'creator' = 'member'): void {
    const rec = this.world.group(chatId);
    if (status === 'creator') for (const [id, m] of rec.members) if (m.status === 'creator') rec.members.delete(id);
    rec.members.set(user.id, { user, status });
  }

  userSends(user: User, content: Content, opts: { replyToMessageId?: number; mediaGroupId?: string } = {}): Message {
    const rec = this.privateChat(user);
    rec.started = true;
    const replyTo = opts.replyToMessageId === undefined ? undefined : this.existing(rec, opts.replyToMessageId);
    const m = this.world.post(rec, user, this.body(content, opts.mediaGroupId), { replyTo });
    this.world.enqueue({ message: m as never });
    return clone(m);
  }

  managerSends(chatId: number, manager: User, content: Content, opts: { threadId?: number; replyToMessageId?: number; mediaGroupId?: string } = {}): Message {
    const rec = this.world.group(chatId);
    this.assertMember(rec, manager);
    // A thread the fake never saw is allowed (a test may simulate foreign traffic); a deleted one is not.
    if (opts.threadId !== undefined && rec.topics.get(opts.threadId)?.deleted) {
      throw new Error(`fake-telegram: thread ${opts.threadId} in ${chatId} was deleted; nobody can write there`);
    }
    const replyTo = opts.replyToMessageId === undefined ? undefined : this.existing(rec, opts.replyToMessageId);
    const m = this.world.post(rec, manager, this.body(content, opts.mediaGroupId), { threadId: opts.threadId, replyTo });
    if (this.botSees(rec, m, replyTo)) this.world.enqueue({ message: m as never });
    return clone(m);
  }

  /**
   * An admin of the group posting anonymously ("Remain anonymous" in their admin rights): the
   * message's `from` is @GroupAnonymousBot and its `sender_chat` is the group itself.
   */
  anonymousAdminSends(chatId: number, content: Content, opts: { threadId?: number; replyToMessageId?: number } = {}): Message {
    const rec = this.world.group(chatId);
    if (opts.threadId !== undefined && rec.topics.get(opts.threadId)?.deleted) {
      throw new Error(`fake-telegram: thread ${opts.threadId} in ${chatId} was deleted; nobody can write there`);
    }
    const replyTo = opts.replyToMessageId === undefined ? undefined : this.existing(rec, opts.replyToMessageId);
    const body = { ...this.body(content), sender_chat: rec.chat } as Partial<Message>;
    const m = this.world.post(rec, GROUP_ANONYMOUS_BOT, body, { threadId: opts.threadId, replyTo });
    if (this.botSees(rec, m, replyTo)) this.world.enqueue({ message: m as never });
    return clone(m);
  }

  /**
   * An album: one message and one update per item, all sharing a fresh media_group_id; the
   * caption goes on the first item only, as Telegram clients send it. 2..10 items; documents
   * only with documents.
   */
  userSendsAlbum(user: User, items: AlbumItem[], caption?: string): Message[] {
    const mediaGroupId = this.albumId(items);
    return items.map((item, i) => this.userSends(user, albumContent(item, i === 0 ? caption : undefined), { mediaGroupId }));
  }

  managerSendsAlbum(chatId: number, manager: User, items: AlbumItem[], caption?: string, opts: { threadId?: number } = {}): Message[] {
    const mediaGroupId = this.albumId(items);
    return items.map((item, i) => this.managerSends(chatId, manager, albumContent(item, i === 0 ? caption : undefined), { ...opts, mediaGroupId }));
  }

  userEdits(user: User, messageId: number, content: Content): Message {
    return this.edit(this.privateChat(user), user, messageId, content);
  }

  managerEdits(chatId: number, manager: User, messageId: number, content: Content): Message {
    return this.edit(this.world.group(chatId), manager, messageId, content);
  }

  /** A tap on an inline button. Only a button that is on the message now can be pressed. */
  pressButton(user: User, chatId: number, messageId: number, data: string): string {
    const rec = this.world.chats.get(chatId);
    if (!rec) throw new Error(`fake-telegram: no chat ${chatId}`);
    if (rec.user && (rec.blocked || rec.deactivated)) throw new Error(`fake-telegram: user ${user.id} has blocked the bot or is deactivated`);
    const m = this.existing(rec, messageId);
    const buttons = m.reply_markup?.inline_keyboard.flat() ?? [];
    if (!buttons.some((b) => 'callback_data' in b && b.callback_data === data)) {
      throw new Error(
        `fake-telegram: message ${messageId} in ${chatId} has no button with callback_data ${JSON.stringify(data)}; its keyboard: ${JSON.stringify(m.reply_markup ?? null)}`,
      );
    }
    return this.sendCallbackQuery(user, chatId, m, data);
  }

  /**
   * A modified client sends a callback query with data no button of the
   * message carries (or a button of an old version of the message): a bot
   * must not trust callback_data.
   */
  forgeCallbackQuery(user: User, chatId: number, messageId: number, data: string): string {
    const rec = this.world.chats.get(chatId);
    if (!rec) throw new Error(`fake-telegram: no chat ${chatId}`);
    return this.sendCallbackQuery(user, chatId, this.existing(rec, messageId), data);
  }

  private sendCallbackQuery(user: User, chatId: number, m: Message, data: string): string {
    const id = String(BigInt(user.id) * 1000000n + BigInt(this.world.nextSeq()));
    this.world.callbackQueries.set(id, { at: Date.now(), answered: false });
    const chat_instance = String(BigInt(Math.abs(chatId)) * 7919n + 4242n);
    this.world.enqueue({ callback_query: { id, from: user, message: m, chat_instance, data } });
    return id;
  }

  /**
   * A manager (any member of the group) sets their reactions on a message there: `reactions`
   * replaces theirs, [] takes them off. A standard emoji, or { custom_emoji_id } (Premium); at
   * most 3. As in Telegram, the bot hears of it (a message_reaction update: chat, message_id,
   * user, date, old_reaction, new_reaction) only as an admin of the group that asked for these
   * updates in allowed_updates, and never of a bot's reaction.
   */
  managerReacts(chatId: number, manager: User, messageId: number, reactions: PersonReaction[]): void {
    const rec = this.world.group(chatId);
    this.assertMember(rec, manager);
    this.react(rec, manager, messageId, reactions, rec.bot.status === 'administrator');
  }

  /** The user reacts to a message in their chat with the bot (the bot hears of it, as in any private chat). */
  userReacts(user: User, messageId: number, reactions: PersonReaction[]): void {
    this.react(this.privateChat(user), user, messageId, reactions, true);
  }

  /** The reactions the bot has set on a message now ([] when none). */
  botReactions(chatId: number, messageId: number): ReactionType[] {
    const rec = this.world.chats.get(chatId);
    return rec ? this.world.reactionsOf(rec, messageId, this.botUser.id) : [];
  }

  private react(rec: ChatRecord, who: User, messageId: number, reactions: PersonReaction[], botHears: boolean): void {
    this.existing(rec, messageId);
    if (reactions.length > 3) throw new Error('fake-telegram: a person sets at most 3 reactions on a message');
    const next = reactions.map((r): ReactionType => {
      if (typeof r !== 'string') return { type: 'custom_emoji', custom_emoji_id: r.custom_emoji_id };
      if (!REACTION_EMOJI.has(r)) throw new Error(`fake-telegram: ${r} is not a reaction Telegram offers`);
      return { type: 'emoji', emoji: r as ReactionTypeEmoji['emoji'] };
    });
    const old = this.world.setReactions(rec, messageId, who.id, next);
    if (!botHears || who.is_bot || JSON.stringify(old) === JSON.stringify(next)) return;
    this.world.enqueue({
      message_reaction: { chat: rec.chat, message_id: messageId, user: who, date: nowSeconds(), old_reaction: old, new_reaction: next },
    });
  }

  /**
   * The user pressed Start some time ago (before this test's bot ran): the
   * bot may write to them, and no update is sent. Lets a test stand up
   * thousands of known users without relaying a message for each.
   */
  userStartedBot(user: User): void {
    this.privateChat(user).started = true;
  }

  userBlocksBot(user: User): void {
    this.setBlocked(user, true);
  }

  userUnblocksBot(user: User): void {
    this.setBlocked(user, false);
  }

  deactivateUser(user: User): void {
    this.privateChatRecord(user).deactivated = true;
  }

  managerClosesTopic(chatId: number, manager: User, threadId: number): Message {
    return this.toggleTopic(chatId, manager, threadId, true);
  }

  managerReopensTopic(chatId: number, manager: User, threadId: number): Message {
    return this.toggleTopic(chatId, manager, threadId, false);
  }

  /** Deleting a topic tells the bot nothing, as in Telegram; later sends into it fail. */
  managerDeletesTopic(chatId: number, threadId: number): void {
    const rec = this.world.group(chatId);
    deleteTopic(rec, this.liveTopic(rec, threadId));
  }

  /** A member of the group deletes a message (anyone's, as an admin may); Telegram tells the bot nothing. */
  managerDeletesMessage(chatId: number, messageId: number): void {
    const rec = this.world.group(chatId);
    this.existing(rec, messageId);
    this.world.removeMessage(rec, messageId);
  }

  setBotRights(
    chatId: number,
    rights: { status: 'administrator' | 'member' | 'left' | 'kicked'; can_manage_topics?: boolean; can_delete_messages?: boolean; can_pin_messages?: boolean },
  ): void {
    const rec = this.world.group(chatId);
    const old_chat_member = this.world.botMember(rec);
    const admin = rights.status === 'administrator';
    rec.bot = {
      status: rights.status,
      can_manage_topics: admin && (rights.can_manage_topics ?? true),
      can_delete_messages: admin && (rights.can_delete_messages ?? true),
      can_pin_messages: admin && (rights.can_pin_messages ?? true),
    };
    const owner = [...rec.members.values()].find((m) => m.status === 'creator')?.user ?? this.world.bot;
    this.world.enqueue({
      my_chat_member: { chat: rec.chat, from: owner, date: nowSeconds(), old_chat_member, new_chat_member: this.world.botMember(rec) },
    });
  }

  // ---------------- observers ----------------

  /** A chat's messages in id order, or one topic's; deleted ones are gone. O(messages returned). */
  messages(chatId: number, threadId?: number): Message[] {
    const rec = this.world.chats.get(chatId);
    if (!rec) return [];
    return Array.from(threadId === undefined ? rec.messages.values() : this.world.threadMessages(rec, threadId), clone);
  }

  /** The bytes of a file the bot uploaded (a chart, an export), by its file_id. */
  uploaded(fileId: string): { filename: string; data: Buffer } | undefined {
    return this.world.uploads.get(fileId);
  }

  message(chatId: number, messageId: number): Message | undefined {
    const m = this.world.chats.get(chatId)?.messages.get(messageId);
    return m && clone(m);
  }

  /** The chat's pinned messages, the most recently pinned last. */
  pinnedMessages(chatId: number): Message[] {
    const rec = this.world.chats.get(chatId);
    return (rec?.pinned ?? []).flatMap((id) => {
      const m = rec?.messages.get(id);
      return m ? [clone(m)] : [];
    });
  }

  topics(chatId: number): TopicView[] {
    const rec = this.world.chats.get(chatId);
    return [...(rec?.topics.values() ?? [])].map(({ creatorId: _, ...view }) => ({ ...view }));
  }

  pendingUpdates(): number {
    return this.world.updates.length;
  }

  /**
   * Fault injection: delivers a message the bot already got once more, as a new update
   * (a new update_id, the same chat and message). The bot must recognise it.
   */
  redeliverMessage(message: Message): void {
    this.world.enqueue({ message: structuredClone(message) as never });
  }

  failNext(method: string, error: FaultSpec, times = 1): void {
    this.faults.set(method.toLowerCase(), { error, remaining: times });
  }

  /**
   * The next `times` calls for which `predicate(method, params)` holds fail with `error`.
   * `method` is spelled as the client sent it (grammY: 'copyMessage'); params are as decoded, so
   * chat_id is a number from JSON bodies but a string from forms and multipart (compare with
   * Number(p.chat_id)). Checked after failNext, before rate limits; a call that fails this way is
   * not counted against the limits. Several may be pending; the oldest matching one fires.
   */
  failWhen(predicate: FaultPredicate, error: FaultSpec, times = 1): void {
    if (times > 0) this.conditionalFaults.push({ when: predicate, error, remaining: times });
  }

  /**
   * The next `times` calls of `method` get no answer: the server destroys the connection once
   * the request has arrived, so grammY throws an HttpError. By default the call has no effect;
   * with `afterHandling: true` it is carried out first (a message is sent, a topic created) and
   * only the answer is lost, as when a response goes missing on the way back.
   */
  dropConnectionNext(method: string, times = 1, opts: { afterHandling?: boolean; when?: (params: Params) => boolean } = {}): void {
    this.drops.set(method.toLowerCase(), { remaining: times, afterHandling: opts.afterHandling ?? false, when: opts.when });
  }

  /**
   * The next `times` calls of `method` are carried out at once (a topic exists, a message is
   * in its chat, updates about it go out) but answered only `ms` later, as over a slow network:
   * people can see and act on the result before the bot learns it.
   */
  answerLateNext(method: string, ms: number, times = 1): void {
    this.slowAnswers.set(method.toLowerCase(), { remaining: times, ms });
  }

  /**
   * Telegram's flood limits, off until called. Calling again replaces all three limits (0 or
   * undefined turns one off) and forgets the windows and flood waits so far.
   */
  setRateLimits(limits: RateLimits): void {
    this.limiter.set(limits);
  }

  async waitFor<T>(fn: () => T | undefined | false | null, { timeoutMs = 5000 } = {}): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = fn();
        if (value !== undefined && value !== null && value !== false) return value;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() >= deadline) {
        const recent = this.calls
          .filter((c) => c.method.toLowerCase() !== 'getupdates')
          .slice(-8)
          .map((c) => `${c.method} ${c.ok ? 'ok' : `${c.error_code} ${c.description}`} ${JSON.stringify(c.params).slice(0, 160)}`);
        throw new Error(
          `fake-telegram: waitFor timed out after ${timeoutMs} ms` +
            (lastError ? `; last error: ${String(lastError)}` : '') +
            `; pending updates: ${this.pendingUpdates()}; last calls:\n  ${recent.join('\n  ') || '(none)'}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  // ---------------- helpers ----------------

  private body(content: Content, mediaGroupId?: string): Partial<Message> {
    return { ...this.world.content(content), ...(mediaGroupId ? { media_group_id: mediaGroupId } : {}) };
  }

  private privateChatRecord(user: User): ChatRecord {
    const rec = this.world.chats.get(user.id);
    if (!rec?.user) throw new Error(`fake-telegram: ${user.id} is not a user created with createUser`);
    return rec;
  }

  /** A private chat the user can write in: a blocked bot or a deactivated account can't be written to. */
  private privateChat(user: User): ChatRecord {
    const rec = this.privateChatRecord(user);
    if (rec.deactivated) throw new Error(`fake-telegram: user ${user.id} is deactivated`);
    if (rec.blocked) throw new Error(`fake-telegram: user ${user.id} has blocked the bot; call userUnblocksBot first`);
    return rec;
  }

  private existing(rec: ChatRecord, messageId: number): Message {
    const m = rec.messages.get(messageId);
    if (!m) throw new Error(`fake-telegram: no message ${messageId} in chat ${rec.chat.id}`);
    return m;
  }

  private assertMember(rec: ChatRecord, user: User): void {
    const status = rec.members.get(user.id)?.status;
    if (status !== 'member' && status !== 'administrator' && status !== 'creator') {
      throw new Error(`fake-telegram: user ${user.id} is not a member of ${rec.chat.id}; call addMember first`);
    }
  }

  private liveTopic(rec: ChatRecord, threadId: number): TopicRecord {
    const topic = this.world.topic(rec, threadId);
    if (!topic) throw new Error(`fake-telegram: no open thread ${threadId} in ${rec.chat.id} (never created or deleted)`);
    return topic;
  }

  /** Privacy mode: a bot that is not an admin only sees commands and explicit replies to itself. */
  private botSees(rec: ChatRecord, m: Message, explicitReplyTo: Message | undefined): boolean {
    if (rec.user) return true;
    if (rec.bot.status === 'administrator') return true;
    return rec.bot.status === 'member' && (!!m.text?.startsWith('/') || explicitReplyTo?.from?.id === this.botUser.id);
  }

  private albumId(items: AlbumItem[]): string {
    if (items.length < 2 || items.length > 10) throw new Error(`fake-telegram: an album has 2..10 items, got ${items.length}`);
    const documents = items.filter((item) => 'document' in item).length;
    if (documents > 0 && documents < items.length) throw new Error('fake-telegram: documents can only be grouped with documents');
    return this.world.newMediaGroupId();
  }

  private edit(rec: ChatRecord, by: User, messageId: number, content: Content): Message {
    const m = this.existing(rec, messageId);
    if (m.from?.id !== by.id) throw new Error(`fake-telegram: message ${messageId} was not sent by ${by.id}`);
    if ('text' in content) {
      if (m.text === undefined) throw new Error(`fake-telegram: message ${messageId} has no text to edit`);
      m.text = content.text;
      m.entities = withDetectedEntities(content.text, content.entities);
      if (!m.entities.length) delete m.entities;
    } else if ('caption' in content && CAPTIONED.some((k) => m[k] !== undefined)) {
      if (content.caption === undefined) delete m.caption;
      else m.caption = content.caption;
      delete m.caption_entities;
    } else {
      throw new Error('fake-telegram: edits change a text or a caption');
    }
    m.edit_date = nowSeconds();
    // An implicit reply (to the topic's creation message) does not let a non-admin bot see it.
    const reply = m.reply_to_message;
    const explicit = reply && reply.message_id !== m.message_thread_id ? (reply as Message) : undefined;
    if (this.botSees(rec, m, explicit)) this.world.enqueue({ edited_message: m as never });
    return clone(m);
  }

  private botInGroup(rec: ChatRecord): boolean {
    return rec.bot.status !== 'left' && rec.bot.status !== 'kicked';
  }

  private setBlocked(user: User, blocked: boolean): void {
    const rec = this.privateChatRecord(user);
    if (rec.blocked === blocked) return;
    rec.blocked = blocked;
    const member = (status: MemberStatus) => this.world.member(this.world.bot, status);
    this.world.enqueue({
      my_chat_member: {
        chat: rec.chat,
        from: user,
        date: nowSeconds(),
        old_chat_member: member(blocked ? 'member' : 'kicked'),
        new_chat_member: member(blocked ? 'kicked' : 'member'),
      },
    });
  }

  private toggleTopic(chatId: number, manager: User, threadId: number, close: boolean): Message {
    const rec = this.world.group(chatId);
    this.assertMember(rec, manager);
    const topic = this.liveTopic(rec, threadId);
    topic.closed = close;
    const m = this.world.post(rec, manager, close ? { forum_topic_closed: {} } : { forum_topic_reopened: {} }, { threadId });
    if (this.botInGroup(rec)) this.world.enqueue({ message: m as never }); // service messages pass privacy mode
    return clone(m);
  }
}

export async function startFakeTelegram(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  return new FakeTelegram(opts).start();
}

const clone = <T>(v: T): T => structuredClone(v);

function albumContent(item: AlbumItem, caption: string | undefined): Content {
  return caption === undefined ? { ...item } : ({ ...item, caption } as Content);
}
