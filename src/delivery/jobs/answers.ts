// A canned answer (sent by a manager with /a, or automatically by a rule)
// goes out in two jobs: to the user, in their chat's queue, behind the
// manager's earlier replies; and its copy into the topic, in the topic's
// queue, so the managers see exactly what the user got. The content was
// settled when the decision was made (placeholders filled in for this user).
import type { MessageEntity } from 'grammy/types';
import { z } from 'zod';
import { autoReplyVerdictKeyboard } from '../../bot/keyboards/auto-reply.js';
import { languageOf, textsFor } from '../../i18n/index.js';
import { escapeHtml } from '../../lib/html.js';
import { DeliveryError, type Place } from '../courier.js';
import { defineJob, idSchema, type JobDeps } from './job.js';
import { entitiesSchema, type keyboardSchema, noticeToTopic } from './notice.js';
import { failOutbound } from './relayed-messages.js';

export const answerContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1), entities: entitiesSchema.optional() }),
  z.object({
    type: z.literal('copy'),
    chatId: z.number().int(),
    messageId: z.number().int().positive(),
    /** Whether the saved message can carry a caption (a sticker cannot). */
    captionable: z.boolean(),
    caption: z.string().optional(),
    entities: entitiesSchema.optional(),
  }),
]);

/** What a canned answer sends: a text of its own, or a copy of the saved message with its caption filled in. */
export type AnswerContent = z.output<typeof answerContentSchema>;

/** Telegram's "message to copy not found": the saved message was deleted from the group. */
const sourceGone = (error: DeliveryError) => /message to copy not found/i.test(error.description);

async function deliver(
  deps: JobDeps,
  to: Place,
  content: AnswerContent,
  opts: { replyTo?: number; keyboard?: z.output<typeof keyboardSchema>; header?: string },
) {
  const { courier } = deps.desk;
  const { text, entities } =
    content.type === 'text'
      ? withHeader(content.text, content.entities, opts.header, 4096)
      : content.captionable
        ? withHeader(content.caption, content.entities, opts.header, 1024)
        : { text: undefined, entities: undefined };
  if (content.type === 'text') {
    return courier.post(to, {
      text: text ?? '',
      ...(entities?.length ? { entities } : {}),
      ...(opts.keyboard ? { keyboard: opts.keyboard } : {}),
      ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
    });
  }
  const [id] = await courier.copy({ chat: 'support', chatId: content.chatId }, [content.messageId], to, {
    ...(text !== undefined ? { caption: { text, entities } } : {}),
    ...(opts.keyboard ? { keyboard: opts.keyboard } : {}),
    ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
  });
  return id!;
}

/**
 * A line above the content, for the managers' copy: the entities move by its
 * length (in UTF-16 units, as Telegram counts). Left off when it would push
 * the text or caption past Telegram's limit.
 */
function withHeader(text: string | undefined, entities: MessageEntity[] | undefined, header: string | undefined, limit: number) {
  if (!header) return { text, entities };
  const joined = text ? `${header}\n\n${text}` : header;
  if (joined.length > limit) return { text, entities };
  const shift = joined.length - (text?.length ?? 0);
  return { text: joined, entities: entities?.map((e) => ({ ...e, offset: e.offset + shift })) };
}

export const sendAnswer = defineJob(
  'sendAnswer',
  z.object({
    messageId: idSchema,
    userId: idSchema,
    name: z.string(),
    content: answerContentSchema,
    /** An automatic answer about this ticket: the user gets the buttons «solved» / «I need a person». */
    verdictTicketId: idSchema.optional(),
  }),
  async (p, deps) => {
    const { desk, relayed } = deps;
    const [row] = await desk.store.messagesByIds([p.messageId]);
    if (row?.state !== 'PENDING') return;
    const managerAt = { chatId: Number(row.topicChatId ?? desk.supportChatId), messageId: row.topicMessageId ?? undefined };
    try {
      // In the user's language, as it is when the answer goes out.
      const keyboard = p.verdictTicketId
        ? autoReplyVerdictKeyboard(textsFor(languageOf((await desk.store.user(p.userId))?.languageCode)), p.verdictTicketId)
        : undefined;
      const id = await deliver(deps, { chat: 'user', userId: p.userId }, p.content, keyboard ? { keyboard } : {});
      relayed?.('to_user', 1);
      const now = desk.now();
      return { record: (tx) => [tx.message.update({ where: { id: row.id }, data: { state: 'DELIVERED', relayedAt: now, userChatMessageId: id } })] };
    } catch (error) {
      if (!(error instanceof DeliveryError) || error.transient) throw error;
      if (sourceGone(error)) {
        return {
          record: (tx) => [tx.message.update({ where: { id: row.id }, data: { state: 'FAILED', error: error.description } })],
          followUps: [noticeToTopic(p.userId, escapeHtml(desk.managerTexts.answers.sourceGone(p.name)), managerAt.messageId, managerAt.chatId)],
        };
      }
      return failOutbound(desk, p.userId, [row.id], managerAt, error);
    }
  },
);

export const showAnswer = defineJob(
  'showAnswer',
  z.object({
    messageId: idSchema,
    userId: idSchema,
    /** The group the manager sent it from; absent: the user's current topic. */
    chatId: z.number().int().optional(),
    header: z.string(),
    content: answerContentSchema,
    /** Under the manager's /a, or under the user's message the rule answered (its row). */
    replyTo: z.number().int().positive().optional(),
    replyToRow: idSchema.optional(),
  }),
  async (p, { desk, topics }) => {
    const [row] = await desk.store.messagesByIds([p.messageId]);
    const asked = p.replyToRow ? (await desk.store.messagesByIds([p.replyToRow]))[0] : undefined;
    const replyTo = p.replyTo ?? asked?.topicMessageId ?? undefined;
    const opts = { header: p.header, ...(replyTo ? { replyTo } : {}) };
    try {
      let shownIn: number;
      let shownAs: number;
      const there = p.chatId !== undefined && p.chatId !== (await topics.topicOf(p.userId)).chatId ? await desk.store.topicInGroup(p.userId, p.chatId) : null;
      if (p.chatId !== undefined && there?.threadId != null) {
        shownIn = p.chatId;
        shownAs = await deliver({ desk, topics }, { chat: 'support', chatId: p.chatId, threadId: there.threadId }, p.content, opts);
      } else {
        [shownIn, shownAs] = await topics.intoTopic(p.userId, async (at) => [at.chatId, await deliver({ desk, topics }, at, p.content, opts)] as const);
      }
      // An automatic answer has no manager's message in the topic: its copy there stands for it.
      if (row && row.topicMessageId === null) {
        return { record: (tx) => [tx.message.update({ where: { id: row.id }, data: { topicMessageId: shownAs, topicChatId: BigInt(shownIn) } })] };
      }
    } catch (error) {
      // The saved message is gone (the user's job tells the managers), or the topic was deleted meanwhile.
      if (error instanceof DeliveryError && !error.transient) {
        desk.logger.warn({ failure: error.failure, description: error.description }, 'canned answer not shown in the topic');
        return;
      }
      throw error;
    }
  },
);

/** The buttons under an auto-reply have served (the user pressed one): they go. */
export const clearUserButtons = defineJob('clearUserButtons', z.object({ userId: idSchema, messageId: idSchema }), async (p, { desk }) => {
  try {
    await desk.courier.clearButtons({ chat: 'user', userId: p.userId }, p.messageId);
  } catch (error) {
    if (error instanceof DeliveryError && !error.transient) {
      desk.logger.info({ failure: error.failure }, 'buttons not cleared');
      return;
    }
    throw error;
  }
});
