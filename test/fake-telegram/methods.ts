// Owns the Bot API methods other than getUpdates: what each one checks, in the order the real
// server checks it, and what it changes in the world. Each handler takes the decoded
// parameters and returns the `result`, or throws an ApiError.
import type { BotCommand, ChatFullInfo, ForumTopic, InlineKeyboardMarkup, Message, ReactionType, ReactionTypeEmoji, User } from 'grammy/types';
import { E } from './errors.js';
import { formatText as format, type UserLookup } from './html.js';
import {
  CAPTIONED,
  CONTENT_KEYS,
  REACTION_EMOJI,
  TOPIC_COLORS,
  asReply,
  isService,
  isUpload,
  nowSeconds,
  type ChatRecord,
  type TopicRecord,
  type World,
} from './state.js';

export type Params = Record<string, unknown>;
export type Handler = (p: Params) => unknown;
export interface CallbackAnswer {
  callback_query_id: string;
  text?: string;
  show_alert?: boolean;
}

const CALLBACK_QUERY_TTL_MS = 15_000; // after this, answering gives "query is too old"
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const SINGLE_MEDIA = ['photo', 'video', 'document', 'audio', 'voice', 'animation', 'sticker', 'video_note'] as const;
type MediaKind = (typeof SINGLE_MEDIA)[number];

// Form and query values arrive as strings; JSON bodies as numbers and booleans.
const num = (v: unknown): number | undefined => (v === undefined || v === null || v === '' ? undefined : Number(v));
const bool = (v: unknown) => v === true || v === 'true' || v === 1 || v === '1';
const obj = (v: unknown): Params | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Params) : undefined);
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function topicName(raw: unknown): string {
  const collapsed = String(raw ?? '')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(collapsed).slice(0, 128).join('');
}

export function createMethods(w: World, callbackAnswers: CallbackAnswer[]): Map<string, Handler> {
  const bot: User = w.bot;
  const users: UserLookup = (id) => w.users.get(id);
  const formatText = (raw: unknown, mode: unknown, explicit: unknown, limit: number, tooLong: () => Error) =>
    format(raw, mode, explicit, limit, tooLong, users);

  /** The chat and topic a send goes to, with the checks every send shares. */
  function target(p: Params, mode: 'send' | 'forward' = 'send'): { rec: ChatRecord; threadId?: number } {
    if (p.chat_id === undefined || p.chat_id === '') throw E.bad('chat_id is empty');
    const rec = w.chat(p.chat_id);
    w.assertBotCanWrite(rec);
    const threadId = num(p.message_thread_id) || undefined; // 0 means "no thread"
    if (threadId === undefined || rec.chat.type !== 'supergroup') return { rec };
    const topic = rec.chat.is_forum ? w.topic(rec, threadId) : undefined;
    if (!topic) throw mode === 'forward' && rec.topics.get(threadId)?.deleted ? E.topicDeleted() : E.threadNotFound();
    if (topic.closed && !w.botManagesTopics(rec)) throw E.topicClosed();
    return { rec, threadId };
  }

  function replyTarget(p: Params, rec: ChatRecord): Message | undefined {
    const rp =
      obj(p.reply_parameters) ??
      (p.reply_to_message_id !== undefined ? { message_id: p.reply_to_message_id, allow_sending_without_reply: p.allow_sending_without_reply } : undefined);
    if (!rp) return undefined;
    const found = rec.messages.get(num(rp.message_id) ?? 0);
    if (!found && !bool(rp.allow_sending_without_reply)) throw E.replyNotFound();
    return found;
  }

  /** Only inline keyboards are kept on a message; an empty one is no keyboard. */
  function keyboard(v: unknown): InlineKeyboardMarkup | undefined {
    if (!w.isKeyboard(v)) return undefined;
    for (const button of v.inline_keyboard.flat()) {
      const data = (button as { callback_data?: string }).callback_data;
      if (data !== undefined && (data === '' || Buffer.byteLength(data) > 64)) throw E.buttonDataInvalid();
    }
    return v.inline_keyboard.some((row) => row.length) ? structuredClone(v) : undefined;
  }

  function send(p: Params, body: Partial<Message>, mode: 'send' | 'forward' = 'send'): Message {
    const { rec, threadId } = target(p, mode);
    const replyTo = replyTarget(p, rec);
    const reply_markup = keyboard(p.reply_markup);
    return w.post(rec, bot, { ...body, ...(reply_markup ? { reply_markup } : {}) }, { threadId, replyTo });
  }

  const caption = (p: Params) => formatText(p.caption, p.parse_mode, p.caption_entities, 1024, E.captionTooLong);

  /** A file reference: an upload, attach://part, URL, or a file_id this world has seen. */
  function media(kind: MediaKind, ref: unknown, p: Params, inAlbum = false): unknown {
    if (isUpload(ref)) return w.newMedia(kind, ref.filename, ref.data);
    if (typeof ref !== 'string' || ref === '') throw inAlbum ? E.bad("can't parse InputMedia: media not found") : E.missing(kind);
    if (ref.startsWith('attach://')) {
      const part = p[ref.slice('attach://'.length)];
      if (!isUpload(part)) throw E.bad("can't parse InputMedia: media not found");
      return w.newMedia(kind, part.filename, part.data);
    }
    if (/^https?:\/\//.test(ref)) return w.newMedia(kind);
    const known = w.files.get(ref);
    if (!known) throw E.wrongFileId();
    return structuredClone(known.value);
  }

  /** The content of a message as copyMessage/forwardMessage carry it over. */
  function contentOf(m: Message): Partial<Message> {
    const body: Record<string, unknown> = {};
    for (const k of CONTENT_KEYS) if (m[k] !== undefined) body[k] = structuredClone(m[k]);
    for (const k of ['entities', 'caption', 'caption_entities'] as const) if (m[k] !== undefined) body[k] = structuredClone(m[k]);
    if (m.poll) body.poll = { ...m.poll, id: String(BigInt(m.poll.id) + BigInt(w.nextSeq())) }; // a copy is a new poll
    return body as Partial<Message>;
  }

  function withCaption(body: Partial<Message>, p: Params): Partial<Message> {
    const captioned = CAPTIONED.some((k) => body[k] !== undefined);
    if (bool(p.remove_caption)) {
      delete body.caption;
      delete body.caption_entities;
    }
    if (!captioned || p.caption === undefined) return body;
    const c = caption(p);
    delete body.caption;
    delete body.caption_entities;
    return c ? { ...body, caption: c.text, ...(c.entities ? { caption_entities: c.entities } : {}) } : body;
  }

  function source(p: Params, action: 'copy' | 'forward'): Message {
    if (p.from_chat_id === undefined) throw E.missing('from_chat_id');
    const m = w.chat(p.from_chat_id).messages.get(num(p.message_id) ?? 0);
    if (!m) throw E.messageNotFound(action);
    if (isService(m)) throw action === 'copy' ? E.cantBeCopied() : E.cantBeForwarded();
    return m;
  }

  /** Where a forward says the message came from: the original origin survives a second forward. */
  function originOf(m: Message): NonNullable<Message['forward_origin']> {
    return m.forward_origin ?? { type: 'user', sender_user: m.from ?? bot, date: m.date };
  }

  /**
   * copyMessages and forwardMessages: 1..100 ids in strictly increasing order; missing and
   * service messages are skipped; each album among them arrives as one album under a new
   * media_group_id. Returns the new ids in order.
   */
  function many(p: Params, action: 'copy' | 'forward'): { message_id: number }[] {
    if (p.message_ids === undefined) throw E.missing('message_ids');
    const ids = Array.isArray(p.message_ids) ? p.message_ids.map(Number) : [];
    if (ids.length === 0) throw E.bad('message identifiers are not specified');
    if (ids.length > 100) throw E.bad('too many message identifiers specified');
    if (ids.some((id, i) => i > 0 && id <= ids[i - 1]!)) throw E.bad('message identifiers must be in a strictly increasing order');
    const { rec, threadId } = target(p, action === 'forward' ? 'forward' : 'send');
    if (p.from_chat_id === undefined) throw E.missing('from_chat_id');
    const from = w.chat(p.from_chat_id);
    const originals = ids.map((id) => from.messages.get(id)).filter((m): m is Message => !!m && !isService(m));
    if (originals.length === 0) throw E.bad('there are no messages to forward');
    const albums = new Map<string, string>(); // source album id -> the copies' new album id
    const removeCaption = { remove_caption: p.remove_caption };
    return originals.map((m) => {
      const body = action === 'copy' ? withCaption(contentOf(m), removeCaption) : { ...contentOf(m), forward_origin: originOf(m) };
      if (m.media_group_id) {
        let album = albums.get(m.media_group_id);
        if (album === undefined) {
          album = w.newMediaGroupId();
          albums.set(m.media_group_id, album);
        }
        body.media_group_id = album;
      }
      return { message_id: w.post(rec, bot, body, { threadId }).message_id };
    });
  }

  /** A message of the bot's that an edit method may change. */
  function editable(p: Params): { rec: ChatRecord; m: Message } {
    if (p.inline_message_id !== undefined) throw E.bad('fake-telegram does not implement inline messages');
    const rec = w.chat(p.chat_id);
    const m = rec.messages.get(num(p.message_id) ?? 0);
    if (!m) throw E.messageNotFound('edit');
    w.assertBotCanWrite(rec);
    if (m.from?.id !== bot.id || isService(m)) throw E.cantBeEdited();
    return { rec, m };
  }

  function applyEdit(m: Message, next: Partial<Message>, markup: InlineKeyboardMarkup | undefined): Message {
    Object.assign(m, next, { edit_date: nowSeconds() });
    if (markup) m.reply_markup = markup;
    else delete m.reply_markup;
    for (const k of Object.keys(next) as (keyof Message)[]) if (next[k] === undefined) delete m[k];
    return structuredClone(m);
  }

  /** An existing topic to edit, close, reopen or delete, with the checks those share. */
  function existingTopic(p: Params, action: 'edit the topic' | 'close or open the topic' | 'delete the topic') {
    const rec = w.chat(p.chat_id);
    if (rec.chat.type === 'supergroup') w.assertBotCanWrite(rec);
    if (!rec.chat.is_forum) throw E.notAForum();
    const id = num(p.message_thread_id);
    if (!id) throw E.invalidTopicId();
    const topic = w.topic(rec, id);
    if (!topic) throw E.threadNotFound();
    const admin = rec.bot.status === 'administrator';
    const allowed = action === 'delete the topic' ? admin && rec.bot.can_delete_messages : w.botManagesTopics(rec) || topic.creatorId === bot.id;
    if (!allowed) throw E.noTopicRights(action);
    return { rec, topic };
  }

  function topicService(rec: ChatRecord, topic: TopicRecord, body: Partial<Message>): void {
    w.enqueue({ message: w.post(rec, bot, body, { threadId: topic.message_thread_id }) as never });
  }

  /** A message pinChatMessage or unpinChatMessage acts on; in a group the bot must be an admin who may pin. */
  function pinnable(p: Params, action: 'pin' | 'unpin'): { rec: ChatRecord; m: Message | undefined } {
    if (p.chat_id === undefined || p.chat_id === '') throw E.bad('chat_id is empty');
    const rec = w.chat(p.chat_id);
    w.assertBotCanWrite(rec);
    const id = num(p.message_id);
    if (id === undefined && action === 'pin') throw E.missing('message_id');
    const m = id === undefined ? undefined : rec.messages.get(id);
    if (id !== undefined && !m) throw E.messageNotFound(action);
    if (!rec.user && !(rec.bot.status === 'administrator' && rec.bot.can_pin_messages)) throw E.noPinRights();
    return { rec, m };
  }

  const methods: Record<string, Handler> = {
    getMe: () => w.botUser,
    logOut: () => true,
    close: () => true,
    deleteWebhook: (p) => {
      if (bool(p.drop_pending_updates)) w.updates.clear();
      w.webhookUrl = '';
      return true;
    },
    setWebhook: (p) => {
      w.webhookUrl = String(p.url ?? '');
      return true;
    },
    getWebhookInfo: () => ({ url: w.webhookUrl, has_custom_certificate: false, pending_update_count: w.updates.length }),

    setMyCommands: (p) => {
      const list = Array.isArray(p.commands) ? (p.commands as BotCommand[]) : [];
      if (list.length > 100) throw E.bad('BOT_COMMANDS_TOO_MUCH');
      for (const c of list) {
        const command = String(c.command ?? '');
        const description = String(c.description ?? '');
        if (command === '') throw E.bad('command must be non-empty');
        if (command.length > 32) throw E.bad('command length must not exceed 32');
        if (!/^[a-z0-9_]+$/.test(command)) throw E.bad('BOT_COMMAND_INVALID');
        if (description === '') throw E.bad('command description must be non-empty');
        if ([...description].length > 256) throw E.bad('command description length must not exceed 256');
      }
      w.commands = structuredClone(list);
      return true;
    },
    getMyCommands: () => w.commands,
    deleteMyCommands: () => {
      w.commands = [];
      return true;
    },

    getChat: (p) => {
      const rec = w.chat(p.chat_id);
      if (rec.chat.type === 'supergroup') w.assertBotCanWrite(rec);
      return { ...rec.chat, accent_color_id: 0, max_reaction_count: 11 } as ChatFullInfo;
    },
    getChatMember: (p) => {
      const rec = w.chat(p.chat_id);
      const userId = num(p.user_id) ?? 0;
      if (rec.chat.type === 'supergroup') w.assertBotCanWrite(rec);
      if (userId === bot.id) return rec.user ? w.member(bot, 'member') : w.botMember(rec);
      const user = w.users.get(userId);
      if (!user) throw E.userNotFound();
      if (rec.user) return w.member(user, rec.user.id === userId ? 'member' : 'left');
      return w.member(user, rec.members.get(userId)?.status ?? 'left');
    },
    getChatAdministrators: (p) => {
      const rec = w.chat(p.chat_id);
      if (rec.user) throw E.bad('there are no administrators in the private chat');
      w.assertBotCanWrite(rec);
      const admins = [...rec.members.values()].filter((m) => m.status === 'creator' || m.status === 'administrator');
      return [...admins.map((m) => w.member(m.user, m.status)), ...(rec.bot.status === 'administrator' ? [w.botMember(rec)] : [])];
    },

    sendMessage: (p) => {
      const f = formatText(p.text, p.parse_mode, p.entities, 4096, E.messageTooLong);
      if (!f) throw E.textEmpty();
      return send(p, f);
    },
    copyMessage: (p) => {
      const body = withCaption(contentOf(source(p, 'copy')), p);
      return { message_id: send(p, body).message_id };
    },
    copyMessages: (p) => many(p, 'copy'),
    forwardMessage: (p) => {
      const m = source(p, 'forward');
      return send(p, { ...contentOf(m), forward_origin: originOf(m) }, 'forward');
    },
    forwardMessages: (p) => many(p, 'forward'),
    sendMediaGroup: (p) => {
      const items = Array.isArray(p.media) ? (p.media as Params[]) : [];
      if (p.media === undefined) throw E.missing('media');
      if (items.length === 0) throw E.bad('there are no messages to send');
      if (items.length > 10) throw E.bad('too many messages to send as an album');
      const kinds = items.map((item) => String(item.type));
      for (const kind of kinds) {
        if (kind === 'animation') throw E.bad(`can't parse InputMedia: type "animation" can't be used in sendMediaGroup`);
        if (!['photo', 'video', 'document', 'audio'].includes(kind)) throw E.bad(`can't parse InputMedia: type "${kind}" is unsupported`);
      }
      for (const only of ['document', 'audio']) {
        if (kinds.includes(only) && kinds.some((k) => k !== only)) throw E.bad(`${only} can't be mixed with other media types`);
      }
      const bodies = items.map((item, i) => {
        const c = caption(item);
        const body: Record<string, unknown> = { [kinds[i]!]: media(kinds[i] as MediaKind, item.media, p, true) };
        if (c) Object.assign(body, { caption: c.text }, c.entities ? { caption_entities: c.entities } : {});
        return body as Partial<Message>;
      });
      const { rec, threadId } = target(p);
      const replyTo = replyTarget(p, rec);
      // One item is sent as an ordinary message, outside any album.
      const group = bodies.length > 1 ? w.newMediaGroupId() : undefined;
      return bodies.map((body) => w.post(rec, bot, { ...body, ...(group ? { media_group_id: group } : {}) }, { threadId, replyTo }));
    },

    editMessageText: (p) => {
      const f = formatText(p.text, p.parse_mode, p.entities, 4096, E.messageTooLong);
      const { m } = editable(p);
      if (m.text === undefined) throw E.noTextToEdit();
      if (!f) throw E.textEmpty();
      const markup = keyboard(p.reply_markup);
      if (same(m.text, f.text) && same(m.entities, f.entities) && same(m.reply_markup, markup)) throw E.notModified();
      return applyEdit(m, { text: f.text, entities: f.entities }, markup);
    },
    editMessageCaption: (p) => {
      const c = caption(p);
      const { m } = editable(p);
      if (!CAPTIONED.some((k) => m[k] !== undefined)) throw E.noCaptionToEdit();
      const markup = keyboard(p.reply_markup);
      if (same(m.caption, c?.text) && same(m.caption_entities, c?.entities) && same(m.reply_markup, markup)) throw E.notModified();
      return applyEdit(m, { caption: c?.text, caption_entities: c?.entities }, markup);
    },
    editMessageReplyMarkup: (p) => {
      const { m } = editable(p);
      const markup = keyboard(p.reply_markup);
      if (same(m.reply_markup, markup)) throw E.notModified();
      return applyEdit(m, {}, markup);
    },
    deleteMessage: (p) => {
      const rec = w.chat(p.chat_id);
      const m = rec.messages.get(num(p.message_id) ?? 0);
      if (!m) throw E.messageNotFound('delete');
      if (m.forum_topic_created) throw E.cantBeDeleted();
      if (!rec.user) {
        w.assertBotCanWrite(rec);
        const canDeleteOthers = rec.bot.status === 'administrator' && rec.bot.can_delete_messages;
        if (m.from?.id !== bot.id && !canDeleteOthers) throw E.cantBeDeleted();
      }
      w.removeMessage(rec, m.message_id);
      return true;
    },

    // Pinning posts a service message (in the pinned message's topic, or General) that
    // reaches the bot like any other; disable_notification only spares the members a notification.
    pinChatMessage: (p) => {
      const { rec, m } = pinnable(p, 'pin');
      const pinned = m!;
      rec.pinned = [...rec.pinned.filter((id) => id !== pinned.message_id), pinned.message_id];
      const threadId = pinned.is_topic_message ? pinned.message_thread_id : undefined;
      w.enqueue({ message: w.post(rec, bot, { pinned_message: asReply(pinned) } as Partial<Message>, { threadId }) as never });
      return true;
    },
    // Without message_id, the most recently pinned message is unpinned; unpinning one that is not pinned changes nothing.
    unpinChatMessage: (p) => {
      const { rec, m } = pinnable(p, 'unpin');
      const id = m?.message_id ?? rec.pinned.at(-1);
      if (id !== undefined) rec.pinned = rec.pinned.filter((x) => x !== id);
      return true;
    },

    createForumTopic: (p) => {
      const name = topicName(p.name);
      if (name === '') throw E.topicNameEmpty();
      const icon_color = num(p.icon_color) ?? TOPIC_COLORS[0]!;
      if (!TOPIC_COLORS.includes(icon_color)) throw E.iconColorInvalid();
      const rec = w.chat(p.chat_id);
      if (rec.chat.type === 'supergroup') w.assertBotCanWrite(rec);
      if (!rec.chat.is_forum) throw E.notAForum();
      if (!w.botManagesTopics(rec)) throw E.noTopicRights('create a topic');
      const emoji = typeof p.icon_custom_emoji_id === 'string' && p.icon_custom_emoji_id ? p.icon_custom_emoji_id : undefined;
      const info: ForumTopic = { message_thread_id: 0, name, icon_color, ...(emoji ? { icon_custom_emoji_id: emoji } : {}) };
      const { message_thread_id: _, ...created } = info;
      const creation = w.post(rec, bot, { forum_topic_created: created });
      info.message_thread_id = creation.message_id;
      rec.topics.set(creation.message_id, { ...info, closed: false, deleted: false, creatorId: bot.id });
      w.enqueue({ message: creation as never }); // Telegram delivers the creation message to the bot too
      return info;
    },
    editForumTopic: (p) => {
      const { rec, topic } = existingTopic(p, 'edit the topic');
      const name = p.name === undefined ? '' : topicName(p.name); // empty keeps the name
      const emoji = p.icon_custom_emoji_id === undefined ? undefined : String(p.icon_custom_emoji_id);
      if (name === '' && emoji === undefined) return true;
      const nameChanged = name !== '' && name !== topic.name;
      const emojiChanged = emoji !== undefined && emoji !== (topic.icon_custom_emoji_id ?? '');
      if (!nameChanged && !emojiChanged) throw E.topicNotModified();
      if (nameChanged) topic.name = name;
      if (emojiChanged) {
        if (emoji) topic.icon_custom_emoji_id = emoji;
        else delete topic.icon_custom_emoji_id;
      }
      topicService(rec, topic, {
        forum_topic_edited: { ...(nameChanged ? { name } : {}), ...(emojiChanged ? { icon_custom_emoji_id: emoji } : {}) },
      });
      return true;
    },
    closeForumTopic: (p) => {
      const { rec, topic } = existingTopic(p, 'close or open the topic');
      if (topic.closed) throw E.topicNotModified();
      topic.closed = true;
      topicService(rec, topic, { forum_topic_closed: {} });
      return true;
    },
    reopenForumTopic: (p) => {
      const { rec, topic } = existingTopic(p, 'close or open the topic');
      if (!topic.closed) throw E.topicNotModified();
      topic.closed = false;
      topicService(rec, topic, { forum_topic_reopened: {} });
      return true;
    },
    deleteForumTopic: (p) => {
      const { rec, topic } = existingTopic(p, 'delete the topic');
      deleteTopic(rec, topic);
      return true;
    },

    answerCallbackQuery: (p) => {
      const id = String(p.callback_query_id ?? '');
      const query = w.callbackQueries.get(id);
      if (!query || query.answered || Date.now() - query.at > CALLBACK_QUERY_TTL_MS) throw E.queryTooOld();
      const text = p.text === undefined ? undefined : String(p.text);
      if (text !== undefined && [...text].length > 200) throw E.bad('MESSAGE_TOO_LONG');
      query.answered = true;
      callbackAnswers.push({
        callback_query_id: id,
        ...(text !== undefined ? { text } : {}),
        ...(p.show_alert !== undefined ? { show_alert: bool(p.show_alert) } : {}),
      });
      return true;
    },
    sendChatAction: (p) => {
      const rec = w.chat(p.chat_id);
      w.assertBotCanWrite(rec);
      if (!CHAT_ACTIONS.has(String(p.action))) throw E.wrongChatAction();
      return true; // even for a deleted topic, as the doc warns
    },
    // A bot sets at most one reaction per message (as non-premium users do): a standard emoji, or a
    // custom emoji someone already put on the message; paid reactions are not for bots. No reaction
    // (or []) takes the bot's off. The bot gets no update for its own reactions.
    setMessageReaction: (p) => {
      const rec = w.chat(p.chat_id);
      const messageId = num(p.message_id) ?? 0;
      if (!rec.messages.has(messageId)) throw E.messageNotFound('react');
      w.assertBotCanWrite(rec);
      if (p.reaction !== undefined && !Array.isArray(p.reaction)) throw E.bad("can't parse reaction JSON object");
      const wanted = (p.reaction ?? []) as Params[];
      if (wanted.length > 1) throw E.reactionsTooMany();
      const present = [...(rec.reactions.get(messageId)?.values() ?? [])].flat();
      const reactions = wanted.map((r): ReactionType => {
        if (r.type === 'emoji' && REACTION_EMOJI.has(String(r.emoji))) return { type: 'emoji', emoji: String(r.emoji) as ReactionTypeEmoji['emoji'] };
        const id = String(r.custom_emoji_id ?? '');
        if (r.type === 'custom_emoji' && present.some((x) => x.type === 'custom_emoji' && x.custom_emoji_id === id))
          return { type: 'custom_emoji', custom_emoji_id: id };
        throw E.reactionInvalid();
      });
      w.setReactions(rec, messageId, bot.id, reactions);
      return true;
    },
  };

  for (const kind of SINGLE_MEDIA) {
    const name = `send${kind.replace('_n', 'N').replace(/^./, (c) => c.toUpperCase())}`;
    methods[name] = (p) => {
      const c = (CAPTIONED as readonly string[]).includes(kind) ? caption(p) : undefined;
      const file = media(kind, p[kind], p);
      const body: Record<string, unknown> = { [kind]: file, ...(kind === 'animation' ? { document: file } : {}) };
      if (c) Object.assign(body, { caption: c.text }, c.entities ? { caption_entities: c.entities } : {});
      return send(p, body as Partial<Message>);
    };
  }

  // Telegram matches method names case-insensitively.
  return new Map(Object.entries(methods).map(([name, fn]) => [name.toLowerCase(), fn]));
}

/** Deleting a topic deletes every message in it. */
export function deleteTopic(rec: ChatRecord, topic: TopicRecord): void {
  topic.deleted = true;
  const thread = rec.threads.get(topic.message_thread_id);
  if (thread) for (const id of thread.keys()) rec.messages.delete(id);
  rec.threads.delete(topic.message_thread_id);
}
