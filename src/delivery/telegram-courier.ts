// A Courier that calls the Bot API right away through grammY's Api, and turns
// Telegram's refusals into DeliveryErrors. 429s are obeyed by the auto-retry
// transformer installed on the bot's Api (see bot/create-bot.ts).
import { GrammyError, HttpError, type Api } from 'grammy';
import { DeliveryError, type Courier, type DeliveryFailure, type TopicPost } from './courier.js';

export function classifyTelegramError(error: unknown): DeliveryError | undefined {
  if (error instanceof DeliveryError) return error;
  if (error instanceof HttpError) return new DeliveryError('unavailable', error.message);
  if (!(error instanceof GrammyError)) return undefined;
  const d = error.description;
  const failure: DeliveryFailure =
    error.error_code === 403 && /blocked by the user/.test(d)
      ? 'blocked'
      : error.error_code === 403 && /user is deactivated/.test(d)
        ? 'deactivated'
        : error.error_code === 403 || /not enough rights|chat not found|upgraded to a supergroup/.test(d)
          ? 'no-rights'
          : /message thread not found|TOPIC_DELETED/.test(d)
            ? 'thread-missing'
            : /too long/.test(d)
              ? 'too-long'
              : error.error_code >= 500 || error.error_code === 429
                ? 'unavailable'
                : 'rejected';
  return new DeliveryError(failure, d);
}

const notModified = /not modified|TOPIC_NOT_MODIFIED/;

export function createTelegramCourier(api: Api, supportChatId: number): Courier {
  async function call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw classifyTelegramError(error) ?? error;
    }
  }
  async function tolerateNotModified(send: () => Promise<unknown>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (error instanceof GrammyError && notModified.test(error.description)) return;
      throw classifyTelegramError(error) ?? error;
    }
  }
  const postOptions = (post: TopicPost) => ({
    parse_mode: 'HTML' as const,
    link_preview_options: { is_disabled: true },
    ...(post.keyboard ? { reply_markup: post.keyboard } : {}),
    ...(post.replyTo ? { reply_parameters: { message_id: post.replyTo, allow_sending_without_reply: true } } : {}),
  });

  return {
    createTopic: (name) => call(async () => (await api.createForumTopic(supportChatId, name)).message_thread_id),
    renameTopic: (threadId, name) => tolerateNotModified(() => api.editForumTopic(supportChatId, threadId, { name })),
    reopenTopic: (threadId) => tolerateNotModified(() => api.reopenForumTopic(supportChatId, threadId)),
    postToTopic: (threadId, post) =>
      call(async () => (await api.sendMessage(supportChatId, post.html, { message_thread_id: threadId, ...postOptions(post) })).message_id),
    editInTopic: (messageId, post) =>
      tolerateNotModified(() =>
        api.editMessageText(supportChatId, messageId, post.html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(post.keyboard ? { reply_markup: post.keyboard } : {}),
        }),
      ),
    copyToTopic: (fromUserId, messageId, threadId) =>
      call(async () => (await api.copyMessage(supportChatId, fromUserId, messageId, { message_thread_id: threadId })).message_id),
    copyToUser: (userId, messageId) => call(async () => (await api.copyMessage(userId, supportChatId, messageId)).message_id),
    sendToUser: (userId, text) => call(async () => (await api.sendMessage(userId, text)).message_id),
  };
}
