// Owns the simulated world: users, chats, messages, forum topics, files and the update queue.
// Both sides read and write it: the Bot API methods (methods.ts) and the test's actors
// (server.ts). It knows nothing of HTTP.
import type { Chat, ChatMember, InlineKeyboardMarkup, Message, PhotoSize, ReactionType, Update, User, UserFromGetMe } from 'grammy/types';
import { E } from './errors.js';
import { withDetectedEntities } from './html.js';

export type Content =
  | { text: string; entities?: Message['entities'] }
  | { photo: true; caption?: string }
  | { video: true; caption?: string }
  | { document: true; caption?: string; file_name?: string }
  | { voice: true; caption?: string }
  | { audio: true; caption?: string }
  | { video_note: true }
  | { sticker: true }
  | { animation: true; caption?: string }
  | { location: { latitude: number; longitude: number } }
  | { contact: { phone_number: string; first_name: string } }
  | { dice: true }
  | { poll: { question: string; options: string[] } };

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'left' | 'kicked';
export interface BotRights {
  status: MemberStatus;
  can_manage_topics: boolean;
  can_delete_messages: boolean;
  can_pin_messages: boolean;
}

export interface TopicRecord {
  message_thread_id: number;
  name: string;
  icon_color: number;
  icon_custom_emoji_id?: string;
  closed: boolean;
  deleted: boolean;
  creatorId: number;
}

/** One chat as the bot sees it. Private chats use the first block, supergroups the second. */
export interface ChatRecord {
  chat: Chat;
  messages: Map<number, Message>; // insertion order is message id order; deleted ones are removed
  /** The same messages indexed by message_thread_id, so a topic is read without scanning the chat. */
  threads: Map<number, Map<number, Message>>;
  nextMessageId: number;
  user?: User;
  started: boolean; // the user wrote to the bot at least once, so the bot may write to them
  blocked: boolean;
  deactivated: boolean;
  members: Map<number, { user: User; status: MemberStatus }>;
  bot: BotRights;
  topics: Map<number, TopicRecord>;
  /** Pinned message ids, the most recently pinned last (a chat can have several). */
  pinned: number[];
  /** Reactions on messages: message id -> who reacted (the bot too, by its id) -> their reactions, in the order set. */
  reactions: Map<number, Map<number, ReactionType[]>>;
}

export type UpdateBody = Omit<Update, 'update_id'>;

/** The kinds a message can carry; a message with none of them is a service message. */
export const CONTENT_KEYS = [
  'text',
  'photo',
  'video',
  'document',
  'voice',
  'audio',
  'video_note',
  'sticker',
  'animation',
  'location',
  'contact',
  'dice',
  'poll',
  'venue',
] as const;
export const CAPTIONED = ['photo', 'video', 'document', 'voice', 'audio', 'animation'] as const;
export const TOPIC_COLORS = [7322096, 16766590, 13338331, 9367192, 16749490, 16478047];
// Per the doc: chat_member and the two reaction updates are opt-in.
const DEFAULT_ALLOWED = new Set([
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'purchased_paid_media',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
]);

/**
 * The emoji Telegram offers as reactions (Bot API, ReactionTypeEmoji): the only ones a bot may
 * set, and the only standard ones a client offers a person.
 */
// biome-ignore format: a table reads better than a column of 73 lines
export const REACTION_EMOJI: ReadonlySet<string> = new Set([
  '👍', '👎', '❤', '🔥', '🥰', '👏', '😁', '🤔', '🤯', '😱', '🤬', '😢', '🎉', '🤩', '🤮', '💩', '🙏', '👌', '🕊', '🤡',
  '🥱', '🥴', '😍', '🐳', '❤‍🔥', '🌚', '🌭', '💯', '🤣', '⚡', '🍌', '🏆', '💔', '🤨', '😐', '🍓', '🍾', '💋', '🖕', '😈',
  '😴', '😭', '🤓', '👻', '👨‍💻', '👀', '🎃', '🙈', '😇', '😨', '🤝', '✍', '🤗', '🫡', '🎅', '🎄', '☃', '💅', '🤪', '🗿',
  '🆒', '💘', '🙉', '🦄', '😘', '💊', '🙊', '😎', '👾', '🤷‍♂', '🤷', '🤷‍♀', '😡',
]);

export const isService = (m: Message) => !CONTENT_KEYS.some((k) => m[k] !== undefined);

/** A file part of a multipart request, as the HTTP layer hands it over. */
export interface Upload {
  upload: true;
  filename: string;
  /** The bytes sent, so a test can read what the bot uploaded (a chart, an export). */
  data: Buffer;
}
export const isUpload = (v: unknown): v is Upload => typeof v === 'object' && v !== null && (v as Upload).upload === true;
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A message as it appears nested in another one: without its own reply. */
export function asReply(m: Message): NonNullable<Message['reply_to_message']> {
  const { reply_to_message: _dropped, ...rest } = structuredClone(m);
  return rest as NonNullable<Message['reply_to_message']>;
}

type FileKind = 'photo' | 'video' | 'document' | 'voice' | 'audio' | 'video_note' | 'sticker' | 'animation';
// Real file ids start with a per-type prefix; tests only need them unique and recognisable.
const FILE_PREFIX: Record<FileKind, string> = {
  photo: 'AgACAgIAAxkBAAI',
  video: 'BAACAgIAAxkBAAI',
  document: 'BQACAgIAAxkBAAI',
  voice: 'AwACAgIAAxkBAAI',
  audio: 'CQACAgIAAxkBAAI',
  video_note: 'DQACAgIAAxkBAAI',
  sticker: 'CAACAgIAAxkBAAI',
  animation: 'CgACAgIAAxkBAAI',
};

/**
 * The pending updates, oldest first. A queue with a moving head: confirming updates, reading the
 * head and pushing are O(1) amortised however many updates have passed through it.
 */
export class UpdateQueue {
  private items: Update[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(update: Update): void {
    this.items.push(update);
  }

  /** The first `limit` pending updates. */
  slice(limit: number): Update[] {
    return this.items.slice(this.head, this.head + limit);
  }

  /** Forgets every update whose id is below `offset`: the bot has confirmed them. */
  confirm(offset: number): void {
    while (this.head < this.items.length && this.items[this.head]!.update_id < offset) this.head++;
    this.compact();
  }

  /** Keeps only the newest `n` updates (a negative getUpdates offset). */
  keepLast(n: number): void {
    this.head = Math.max(this.head, this.items.length - n);
    this.compact();
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }

  private compact(): void {
    if (this.head === this.items.length) this.clear();
    else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

export class World {
  readonly users = new Map<number, User>();
  readonly chats = new Map<number, ChatRecord>();
  readonly updates = new UpdateQueue();
  allowedUpdates = DEFAULT_ALLOWED;
  /** Called after every enqueued update, so a held long poll can be answered. */
  onUpdate: () => void = () => {};
  /** Called for every message the bot itself creates (sends, copies, albums, topic service messages). */
  onBotMessage: ((rec: ChatRecord, message: Message) => void) | undefined;
  /** Every file the world has seen, by file_id, so a bot can re-send by id. */
  readonly files = new Map<string, { kind: FileKind; value: unknown }>();
  readonly callbackQueries = new Map<string, { at: number; answered: boolean }>();
  webhookUrl = '';
  commands: unknown[] = [];
  private nextUserId = 5000001;
  private nextOwnerId = 4000001;
  private nextGroupId = 1001000000001;
  private nextUpdateId = 100000001;
  private seq = 1;

  /** The bot as it appears in messages and member lists: a plain User, without getMe's extras. */
  readonly bot: User;

  constructor(readonly botUser: UserFromGetMe) {
    this.bot = { id: botUser.id, is_bot: true, first_name: botUser.first_name, username: botUser.username };
  }

  createUser(p: { first_name: string; last_name?: string; username?: string; language_code?: string; is_bot?: boolean }, id = this.nextUserId++): User {
    const user: User = { id, is_bot: p.is_bot ?? false, first_name: p.first_name };
    if (p.last_name !== undefined) user.last_name = p.last_name;
    if (p.username !== undefined) user.username = p.username;
    if (p.language_code !== undefined) user.language_code = p.language_code;
    this.users.set(id, user);
    const chat: Chat = { id, type: 'private', first_name: user.first_name };
    if (user.last_name !== undefined) chat.last_name = user.last_name;
    if (user.username !== undefined) chat.username = user.username;
    this.chats.set(id, this.record(chat, { user }));
    return user;
  }

  /** Supergroups come with an owner so that membership changes have someone to come from. */
  createSupergroup(p: { title?: string; is_forum?: boolean; botStatus?: 'administrator' | 'member' | 'left'; botCanManageTopics?: boolean }): Chat {
    const id = -this.nextGroupId++;
    const chat: Chat = { id, type: 'supergroup', title: p.title ?? `Support ${this.chats.size}` };
    if (p.is_forum ?? true) chat.is_forum = true;
    const status = p.botStatus ?? 'administrator';
    const rec = this.record(chat, {
      nextMessageId: 2, // id 1 is the General topic's, as in a real forum
      bot: {
        status,
        can_manage_topics: status === 'administrator' && (p.botCanManageTopics ?? true),
        can_delete_messages: status === 'administrator',
        can_pin_messages: status === 'administrator',
      },
    });
    this.chats.set(id, rec);
    const owner = this.createUser({ first_name: 'Group', last_name: 'Owner' }, this.nextOwnerId++);
    rec.members.set(owner.id, { user: owner, status: 'creator' });
    return chat;
  }

  private record(chat: Chat, extra: Partial<ChatRecord>): ChatRecord {
    return {
      chat,
      messages: new Map(),
      threads: new Map(),
      nextMessageId: 1,
      started: false,
      blocked: false,
      deactivated: false,
      members: new Map(),
      bot: { status: 'member', can_manage_topics: false, can_delete_messages: false, can_pin_messages: false },
      topics: new Map(),
      pinned: [],
      reactions: new Map(),
      ...extra,
    };
  }

  /** Looks a chat up by a Bot API chat_id (number or numeric string). */
  chat(chatId: unknown): ChatRecord {
    const rec = this.chats.get(Number(chatId));
    if (!rec) throw E.chatNotFound();
    return rec;
  }

  group(chatId: number): ChatRecord {
    const rec = this.chats.get(chatId);
    if (rec?.chat.type !== 'supergroup') throw new Error(`fake-telegram: ${chatId} is not a supergroup created with createSupergroup`);
    return rec;
  }

  /** The bot's standing in a chat; the errors the real server gives when the bot can't post there. */
  assertBotCanWrite(rec: ChatRecord): void {
    const user = rec.user;
    if (user) {
      if (user.is_bot) throw E.cantSendToBots();
      if (rec.deactivated) throw E.deactivated();
      if (rec.blocked) throw E.blocked();
      if (!rec.started) throw E.cantInitiate();
      return;
    }
    if (rec.bot.status === 'kicked') throw E.kicked();
    if (rec.bot.status === 'left') throw E.notMember();
  }

  topic(rec: ChatRecord, threadId: number): TopicRecord | undefined {
    const t = rec.topics.get(threadId);
    return t && !t.deleted ? t : undefined;
  }

  /**
   * Stores a new message. Placement follows Telegram: a reply to a topic message lands in that
   * topic, and a topic message without an explicit reply carries the topic's creation message
   * as its implicit reply.
   */
  post(rec: ChatRecord, from: User, body: Partial<Message>, where: { threadId?: number; replyTo?: Message } = {}): Message {
    let threadId = where.threadId;
    if (threadId === undefined && where.replyTo?.is_topic_message) threadId = where.replyTo.message_thread_id;
    const message_id = rec.nextMessageId++;
    const isCreation = body.forum_topic_created !== undefined;
    const implicit = threadId !== undefined && !isCreation && rec.topics.has(threadId) ? rec.messages.get(threadId) : undefined;
    const replyTo = where.replyTo ?? implicit;
    const message: Message = {
      message_id,
      ...(threadId !== undefined || isCreation ? { message_thread_id: threadId ?? message_id } : {}),
      from,
      chat: rec.chat,
      date: nowSeconds(),
      ...(threadId !== undefined || isCreation ? { is_topic_message: true } : {}),
      ...(replyTo ? { reply_to_message: asReply(replyTo) } : {}),
      ...body,
    };
    rec.messages.set(message_id, message);
    if (message.message_thread_id !== undefined) {
      let thread = rec.threads.get(message.message_thread_id);
      if (!thread) {
        thread = new Map();
        rec.threads.set(message.message_thread_id, thread);
      }
      thread.set(message_id, message);
    }
    if (from.id === this.bot.id) this.onBotMessage?.(rec, message);
    return message;
  }

  /** Removes a message from its chat and from its topic's index. */
  removeMessage(rec: ChatRecord, messageId: number): void {
    const m = rec.messages.get(messageId);
    if (!m) return;
    rec.messages.delete(messageId);
    rec.reactions.delete(messageId);
    if (m.message_thread_id !== undefined) rec.threads.get(m.message_thread_id)?.delete(messageId);
    // A deleted message is no longer pinned.
    rec.pinned = rec.pinned.filter((id) => id !== messageId);
  }

  /** Someone's reactions on a message ([] when none). */
  reactionsOf(rec: ChatRecord, messageId: number, userId: number): ReactionType[] {
    return structuredClone(rec.reactions.get(messageId)?.get(userId) ?? []);
  }

  /** Replaces someone's reactions on a message; returns what they were. */
  setReactions(rec: ChatRecord, messageId: number, userId: number, reactions: ReactionType[]): ReactionType[] {
    const old = this.reactionsOf(rec, messageId, userId);
    let byUser = rec.reactions.get(messageId);
    if (!byUser) {
      byUser = new Map();
      rec.reactions.set(messageId, byUser);
    }
    if (reactions.length) byUser.set(userId, structuredClone(reactions));
    else byUser.delete(userId);
    return old;
  }

  /** The messages of one topic, in id order, without scanning the whole chat. */
  threadMessages(rec: ChatRecord, threadId: number): IterableIterator<Message> {
    return (rec.threads.get(threadId) ?? new Map<number, Message>()).values();
  }

  /** A fresh media_group_id, shaped like the real ones (a long decimal number). */
  newMediaGroupId(): string {
    return String(13000000000000000n + BigInt(this.seq++));
  }

  enqueue(body: UpdateBody): void {
    const type = Object.keys(body)[0];
    if (type === undefined || !this.allowedUpdates.has(type)) return; // the server drops what the bot did not ask for
    // A snapshot: later edits of the message must not change an update already queued.
    this.updates.push({ update_id: this.nextUpdateId++, ...structuredClone(body) } as Update);
    this.onUpdate();
  }

  setAllowedUpdates(list: unknown): void {
    if (!Array.isArray(list)) return;
    this.allowedUpdates = list.length === 0 ? DEFAULT_ALLOWED : new Set(list.map(String));
  }

  /** A fresh number for ids that only need to be unique (files, polls, albums). */
  nextSeq(): number {
    return this.seq++;
  }

  // ---- files and content ----

  file(kind: FileKind): { file_id: string; file_unique_id: string } {
    const n = this.seq++;
    return { file_id: `${FILE_PREFIX[kind]}${String(n).padStart(6, '0')}_fake`, file_unique_id: `AQAD${n}x` };
  }

  register<T>(kind: FileKind, value: T, ids: string[]): T {
    for (const id of ids) this.files.set(id, { kind, value });
    return value;
  }

  /** A fresh file of a kind, as if just uploaded, registered for re-sending by file_id. */
  /** Uploaded files' bytes, by the file_id Telegram gave them (a photo: its largest size). */
  readonly uploads = new Map<string, { filename: string; data: Buffer }>();

  newMedia(kind: FileKind, fileName?: string, data?: Buffer): unknown {
    const media = this.createMedia(kind, fileName, data?.length);
    if (data) {
      const sizes = Array.isArray(media) ? (media as { file_id: string }[]) : [media as { file_id: string }];
      this.uploads.set(sizes.at(-1)!.file_id, { filename: fileName ?? 'file', data });
    }
    return media;
  }

  private createMedia(kind: FileKind, fileName?: string, size?: number): unknown {
    const f = this.file(kind);
    switch (kind) {
      case 'photo': {
        const sizes: PhotoSize[] = [
          [90, 67],
          [320, 240],
          [1280, 960],
        ].map(([w, h]) => ({ ...this.file('photo'), width: w!, height: h!, file_size: (w! * h!) / 8 }));
        return this.register(
          kind,
          sizes,
          sizes.map((s) => s.file_id),
        );
      }
      case 'video':
        return this.register(kind, { ...f, width: 1280, height: 720, duration: 12, mime_type: 'video/mp4', file_size: 1048576 }, [f.file_id]);
      case 'document':
        return this.register(kind, { ...f, file_name: fileName ?? 'file.pdf', mime_type: mimeOf(fileName ?? 'file.pdf'), file_size: size ?? 20480 }, [
          f.file_id,
        ]);
      case 'voice':
        return this.register(kind, { ...f, duration: 3, mime_type: 'audio/ogg', file_size: 8000 }, [f.file_id]);
      case 'audio':
        return this.register(kind, { ...f, duration: 180, title: 'Track', performer: 'Artist', mime_type: 'audio/mpeg', file_size: 4000000 }, [f.file_id]);
      case 'video_note':
        return this.register(kind, { ...f, length: 240, duration: 5, file_size: 300000 }, [f.file_id]);
      case 'sticker':
        return this.register(
          kind,
          { ...f, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍', set_name: 'FakeStickers' },
          [f.file_id],
        );
      case 'animation':
        return this.register(kind, { ...f, width: 320, height: 240, duration: 2, file_name: 'animation.mp4', mime_type: 'video/mp4' }, [f.file_id]);
    }
  }

  /** Message fields for a piece of content a simulated person sends. */
  content(c: Content): Partial<Message> {
    if ('text' in c) {
      const entities = withDetectedEntities(c.text, c.entities);
      return entities.length ? { text: c.text, entities } : { text: c.text };
    }
    if ('location' in c) return { location: { ...c.location } };
    if ('contact' in c) return { contact: { ...c.contact } };
    if ('dice' in c) return { dice: { emoji: '🎲', value: 1 + (this.seq++ % 6) } };
    if ('poll' in c) {
      return {
        poll: {
          id: String(5000000000000000000n + BigInt(this.seq++)),
          question: c.poll.question,
          options: c.poll.options.map((text, i) => ({ persistent_id: String(i), text, voter_count: 0 })),
          total_voter_count: 0,
          is_closed: false,
          is_anonymous: true,
          type: 'regular',
          allows_multiple_answers: false,
          allows_revoting: false,
          members_only: false,
        },
      };
    }
    const kind = (['photo', 'video', 'document', 'voice', 'audio', 'video_note', 'sticker', 'animation'] as const).find((k) => k in c)!;
    const body: Record<string, unknown> = { [kind]: this.newMedia(kind, 'file_name' in c ? c.file_name : undefined) };
    if (kind === 'animation') body.document = body.animation; // Telegram sets both for backward compatibility
    if ('caption' in c && c.caption !== undefined) {
      body.caption = c.caption;
      const entities = withDetectedEntities(c.caption);
      if (entities.length) body.caption_entities = entities;
    }
    return body as Partial<Message>;
  }

  // ---- chat members ----

  botMember(rec: ChatRecord): ChatMember {
    return this.member(this.bot, rec.bot.status, rec.bot);
  }

  member(user: User, status: MemberStatus, rights?: Partial<BotRights>): ChatMember {
    switch (status) {
      case 'creator':
        return { status, user, is_anonymous: false };
      case 'member':
        return { status, user };
      case 'left':
        return { status, user };
      case 'kicked':
        return { status, user, until_date: 0 };
      case 'administrator':
        return {
          status,
          user,
          can_be_edited: false,
          is_anonymous: false,
          can_manage_chat: true,
          can_delete_messages: rights?.can_delete_messages ?? true,
          can_manage_video_chats: true,
          can_restrict_members: true,
          can_promote_members: false,
          can_change_info: true,
          can_invite_users: true,
          can_post_stories: false,
          can_edit_stories: false,
          can_delete_stories: false,
          can_pin_messages: rights?.can_pin_messages ?? true,
          can_manage_topics: rights?.can_manage_topics ?? true,
          can_send_welcome_messages: false,
        } as ChatMember;
    }
  }

  /** Whether the bot can post in a closed topic or manage topics: an admin with the right. */
  botManagesTopics(rec: ChatRecord): boolean {
    return rec.bot.status === 'administrator' && rec.bot.can_manage_topics;
  }

  isKeyboard(markup: unknown): markup is InlineKeyboardMarkup {
    return typeof markup === 'object' && markup !== null && Array.isArray((markup as InlineKeyboardMarkup).inline_keyboard);
  }
}

/** The MIME type Telegram reports for an uploaded document, from its name. */
function mimeOf(fileName: string): string {
  const ext = fileName.split('.').at(-1)?.toLowerCase();
  return ext === 'csv' ? 'text/csv' : ext === 'png' ? 'image/png' : ext === 'txt' ? 'text/plain' : 'application/pdf';
}
