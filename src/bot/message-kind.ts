// Names the content of a message for the history ("text", "photo", ...).
import type { Message } from 'grammy/types';
import type { MessageContent } from '../domain/transcript.js';

const kinds = [
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
  'venue',
  'contact',
  'dice',
  'poll',
  'story',
  'game',
  'invoice',
  'paid_media',
  'checklist',
] as const;

export function messageKind(message: Message): string {
  for (const kind of kinds) if (kind in message) return kind;
  return 'other';
}

const serviceFields = [
  'new_chat_members',
  'left_chat_member',
  'new_chat_title',
  'new_chat_photo',
  'delete_chat_photo',
  'group_chat_created',
  'supergroup_chat_created',
  'channel_chat_created',
  'message_auto_delete_timer_changed',
  'migrate_to_chat_id',
  'migrate_from_chat_id',
  'pinned_message',
  'successful_payment',
  'refunded_payment',
  'users_shared',
  'chat_shared',
  'connected_website',
  'write_access_allowed',
  'proximity_alert_triggered',
  'boost_added',
  'chat_background_set',
  'forum_topic_created',
  'forum_topic_edited',
  'forum_topic_closed',
  'forum_topic_reopened',
  'general_forum_topic_hidden',
  'general_forum_topic_unhidden',
  'giveaway_created',
  'giveaway_completed',
  'video_chat_scheduled',
  'video_chat_started',
  'video_chat_ended',
  'video_chat_participants_invited',
  'web_app_data',
] as const;

/**
 * Service messages (topic created/edited/closed, members joined, pinned, ...)
 * are not something a person wrote, and Telegram refuses to copy them. Listed
 * explicitly so that a content kind Telegram adds later is still relayed (and
 * if Telegram refuses it, the sender gets a notice) instead of being dropped.
 */
export function isServiceMessage(message: Message): boolean {
  return serviceFields.some((field) => field in message);
}

/** A message that starts with a bot command: meant for the bot, never relayed. */
export function isCommand(message: Message): boolean {
  return message.entities?.[0]?.type === 'bot_command' && message.entities[0].offset === 0;
}

/**
 * What a message says, for the transcript: its text or caption with their
 * formatting, and the file id of its media (the largest size of a photo).
 */
export function contentOf(message: Message): MessageContent {
  const text = message.text ?? message.caption;
  const entities = message.entities ?? message.caption_entities;
  const media =
    message.photo?.at(-1) ?? message.video ?? message.document ?? message.animation ?? message.audio ?? message.voice ?? message.video_note ?? message.sticker;
  return {
    ...(text !== undefined ? { text } : {}),
    ...(entities?.length ? { entities } : {}),
    ...(media ? { fileId: media.file_id } : {}),
    ...(message.text === undefined && text !== undefined ? { caption: true } : {}),
  };
}
