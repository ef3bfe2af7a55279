// A Courier over grammY's Api. Every call first takes a slot from the rate
// limiter for its target; a 429 blocks that target for exactly retry_after
// and the same call is sent again, so order within a target is kept.
// Telegram's refusals become DeliveryErrors.
import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import { sleep } from '../lib/sleep.js';
import type { Logger } from '../logger.js';
import { DeliveryError, SendCalledOff, type CopyOptions, type Courier, type DeliveryFailure, type Place, type Post } from './courier.js';
import type { Priority, RateLimiter, Target } from './rate-limiter.js';

export function classifyTelegramError(error: unknown): DeliveryError | undefined {
  if (error instanceof DeliveryError) return error;
  if (error instanceof HttpError) return new DeliveryError('unavailable', networkDescription(error));
  if (!(error instanceof GrammyError)) return undefined;
  const migratedTo = error.parameters.migrate_to_chat_id;
  // The admin must point SUPPORT_CHAT_ID at the new chat: say which one.
  const d = migratedTo ? `${error.description} (the new chat id is ${migratedTo}: set SUPPORT_CHAT_ID to it)` : error.description;
  const code = error.error_code;
  const failure: DeliveryFailure =
    code === 403 && /blocked by the user/.test(d)
      ? 'blocked'
      : code === 403 && /user is deactivated/.test(d)
        ? 'deactivated'
        : code === 403 || /not enough rights|chat not found|upgraded to a supergroup|CHAT_ADMIN_REQUIRED|have no rights/.test(d)
          ? 'no-rights'
          : /message thread not found|TOPIC_DELETED/.test(d)
            ? 'thread-missing'
            : /too long/.test(d)
              ? 'too-long'
              : /can't be edited|no text in the message|no caption in the message|message to edit not found/.test(d)
                ? 'not-editable'
                : code >= 500 || code === 429
                  ? 'unavailable'
                  : 'rejected';
  return new DeliveryError(failure, d);
}

/**
 * With the system's error code (ECONNREFUSED, ECONNRESET, …): whether the
 * request can have reached Telegram depends on it (a broadcast never sends
 * again what may have arrived, see delivery/broadcast-sender.ts).
 */
function networkDescription(error: HttpError): string {
  const code = (error.error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? `${error.message} (${code})` : error.message;
}

const notModified = /not modified|TOPIC_NOT_MODIFIED/;

export interface CourierDeps {
  /** Told of each 429, by the kind of target (for the metrics). */
  on429?: (scope: 'group' | 'private') => void;
  api: Api;
  supportChatId: number;
  limiter: RateLimiter;
  logger: Logger;
  /** Low: a broadcast's courier, which only takes what the relay leaves of the budget (see rate-limiter.ts). */
  priority?: Priority;
}

export function createTelegramCourier({ api, supportChatId, limiter, logger, on429, priority = 'normal' }: CourierDeps): Courier {
  const chatOf = (p: Place) => (p.chat === 'support' ? (p.chatId ?? supportChatId) : p.userId);
  // Each group has its own budget: a category's own group adds capacity.
  const targetOf = (p: Place): Target => (p.chat === 'support' ? { kind: 'group', chatId: chatOf(p) } : { kind: 'private', chatId: p.userId });

  /** One call: wait for a slot, send, obey 429s by sending the same call again. */
  async function call<T>(
    place: Place,
    slots: number,
    send: () => Promise<T>,
    opts: { tolerateNotModified?: boolean; beforeSend?: (() => Promise<boolean>) | undefined } = {},
  ): Promise<T | undefined> {
    const target = targetOf(place);
    let before = opts.beforeSend;
    for (;;) {
      const answered = await limiter.acquire(target, slots, priority);
      try {
        // Once: a retry after a 429 is the same send.
        if (before) {
          const go = await before();
          before = undefined;
          if (!go) throw new SendCalledOff('called off before sending');
        }
        // Told to wait since the slot was taken (a 429 to another send): it waits too, however it got here.
        for (let ms = limiter.blockedMs(target, priority); ms > 0; ms = limiter.blockedMs(target, priority)) await sleep(ms);
        return await send();
      } catch (error) {
        if (error instanceof GrammyError && error.error_code === 429) {
          const retryAfter = error.parameters.retry_after ?? 1;
          limiter.penalize(target, retryAfter, priority);
          on429?.(target.kind);
          logger.warn({ method: error.method, chat_id: chatOf(place), retry_after: retryAfter, priority }, 'Telegram asked to slow down (429)');
          continue;
        }
        if (opts.tolerateNotModified && error instanceof GrammyError && notModified.test(error.description)) return undefined;
        const failure = classifyTelegramError(error);
        // In a user's private chat, "no access" means this user cannot be written to, not that the group is lost.
        if (failure?.failure === 'no-rights' && place.chat === 'user') throw new DeliveryError('blocked', failure.description);
        throw failure ?? error;
      } finally {
        answered();
      }
    }
  }

  const format = (post: Post) => ({
    ...(post.html !== undefined ? { parse_mode: 'HTML' as const } : post.entities ? { entities: post.entities } : {}),
    link_preview_options: { is_disabled: true },
    ...(post.keyboard ? { reply_markup: post.keyboard } : {}),
  });
  const replyParams = (replyTo?: number) => (replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {});
  const thread = (p: Place) => (p.chat === 'support' && p.threadId !== undefined ? { message_thread_id: p.threadId } : {});

  async function copyOnce(from: Place, ids: number[], to: Place, opts: CopyOptions): Promise<number[]> {
    if (ids.length === 1) {
      const copied = await call(
        to,
        1,
        () =>
          api.copyMessage(chatOf(to), chatOf(from), ids[0]!, {
            ...thread(to),
            ...replyParams(opts.replyTo),
            ...(opts.caption ? { caption: opts.caption.text, ...(opts.caption.entities?.length ? { caption_entities: opts.caption.entities } : {}) } : {}),
            ...(opts.keyboard ? { reply_markup: opts.keyboard } : {}),
          }),
        { beforeSend: opts.beforeSend },
      );
      return [copied!.message_id];
    }
    // copyMessages keeps an album together (and takes no reply parameters).
    const copied = await call(to, ids.length, () => api.copyMessages(chatOf(to), chatOf(from), ids, thread(to)), { beforeSend: opts.beforeSend });
    return copied!.map((m) => m.message_id);
  }

  return {
    async createTopic(name, chatId = supportChatId) {
      const topic = await call({ chat: 'support', chatId }, 1, () => api.createForumTopic(chatId, name));
      return topic!.message_thread_id;
    },
    async renameTopic(at, name) {
      await call(at, 1, () => api.editForumTopic(chatOf(at), at.threadId, { name }), { tolerateNotModified: true });
    },
    async reopenTopic(at) {
      // Not a message: Telegram does not count it against the group's limit.
      await call(at, 0, () => api.reopenForumTopic(chatOf(at), at.threadId), { tolerateNotModified: true });
    },
    async closeTopic(at) {
      await call(at, 0, () => api.closeForumTopic(chatOf(at), at.threadId), { tolerateNotModified: true });
    },
    async deleteTopic(at) {
      await call(at, 0, () => api.deleteForumTopic(chatOf(at), at.threadId));
    },
    async post(to, post) {
      const sent = await call(to, 1, () =>
        api.sendMessage(chatOf(to), post.html ?? post.text ?? '', { ...thread(to), ...format(post), ...replyParams(post.replyTo) }),
      );
      return sent!.message_id;
    },
    async pin(at, messageId) {
      // The service message about it counts as a message in a group.
      await call(at, at.chat === 'support' ? 1 : 0, () => api.pinChatMessage(chatOf(at), messageId, { disable_notification: true }));
    },
    async unpin(at, messageId) {
      try {
        await call(at, 0, () => api.unpinChatMessage(chatOf(at), messageId));
      } catch (error) {
        if (error instanceof DeliveryError && /message to unpin not found/.test(error.description)) return;
        throw error;
      }
    },
    async edit(at, messageId, post) {
      await call(at, at.chat === 'support' ? 1 : 0, () => api.editMessageText(chatOf(at), messageId, post.html ?? post.text ?? '', format(post)), {
        tolerateNotModified: true,
      });
    },
    async copy(from, ids, to, opts = {}) {
      try {
        return await copyOnce(from, ids, to, opts);
      } catch (error) {
        // "chat not found" about the user's chat we copy from (a deleted account) says nothing about the support group.
        if (from.chat === 'user' && error instanceof DeliveryError && error.failure === 'no-rights' && /chat not found/.test(error.description)) {
          throw new DeliveryError('deactivated', error.description);
        }
        throw error;
      }
    },
    async upload(to, file, post = {}) {
      const sent = await call(to, 1, (): Promise<{ message_id: number }> => {
        const input = new InputFile(typeof file.data === 'function' ? file.data() : file.data, file.name);
        const other = {
          ...thread(to),
          ...(post.html !== undefined ? { caption: post.html, parse_mode: 'HTML' as const } : {}),
          ...replyParams(post.replyTo),
        };
        return file.kind === 'photo' ? api.sendPhoto(chatOf(to), input, other) : api.sendDocument(chatOf(to), input, other);
      });
      return sent!.message_id;
    },
    async clearButtons(at, messageId) {
      await call(at, at.chat === 'support' ? 1 : 0, () => api.editMessageReplyMarkup(chatOf(at), messageId, { reply_markup: { inline_keyboard: [] } }), {
        tolerateNotModified: true,
      });
    },
    async editCopy(at, messageId, content) {
      const slots = at.chat === 'support' ? 1 : 0;
      if ('text' in content) {
        await call(at, slots, () => api.editMessageText(chatOf(at), messageId, content.text, content.entities ? { entities: content.entities } : {}), {
          tolerateNotModified: true,
        });
      } else {
        await call(
          at,
          slots,
          () =>
            api.editMessageCaption(chatOf(at), messageId, {
              caption: content.caption,
              ...(content.caption_entities ? { caption_entities: content.caption_entities } : {}),
            }),
          { tolerateNotModified: true },
        );
      }
    },
    async react(at, messageId, emoji) {
      // Not a message: Telegram does not count it against the chat's limit.
      await call(at, 0, () => api.setMessageReaction(chatOf(at), messageId, emoji === null ? [] : [{ type: 'emoji', emoji }]));
    },
  };
}
