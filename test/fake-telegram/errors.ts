// Owns the Bot API failure envelope and the exact descriptions the real server answers with.
// The bot branches on these strings, so they are copied verbatim from
// /work/shared/docs/telegram-bot-api.md (or the Bot API server where the doc is silent).

export class ApiError extends Error {
  constructor(
    readonly error_code: number,
    readonly description: string,
    readonly parameters?: object,
  ) {
    super(description);
  }

  toJSON(): object {
    return {
      ok: false,
      error_code: this.error_code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

const bad = (what: string) => new ApiError(400, `Bad Request: ${what}`);
const forbidden = (what: string) => new ApiError(403, `Forbidden: ${what}`);

// Functions, not shared instances: every answer gets a fresh error with its own stack.
export const E = {
  unauthorized: () => new ApiError(401, 'Unauthorized'),
  notFound: () => new ApiError(404, 'Not Found'),
  methodNotFound: () => new ApiError(404, 'Not Found: method not found'),
  bad,
  missing: (name: string) => bad(`parameter "${name}" is required`),

  terminatedByOtherPoll: () => new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'),
  webhookActive: () => new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"),

  chatNotFound: () => bad('chat not found'),
  userNotFound: () => bad('user not found'),
  blocked: () => forbidden('bot was blocked by the user'),
  deactivated: () => forbidden('user is deactivated'),
  cantInitiate: () => forbidden("bot can't initiate conversation with a user"),
  cantSendToBots: () => forbidden("bot can't send messages to bots"),
  kicked: () => forbidden('bot was kicked from the supergroup chat'),
  notMember: () => forbidden('bot is not a member of the supergroup chat'),

  threadNotFound: () => bad('message thread not found'),
  topicDeleted: () => bad('TOPIC_DELETED'),
  topicClosed: () => bad('TOPIC_CLOSED'),
  topicNotModified: () => bad('TOPIC_NOT_MODIFIED'),
  invalidTopicId: () => bad('invalid forum topic identifier specified'),
  notAForum: () => bad('the chat is not a forum'),
  noTopicRights: (action: 'create a topic' | 'edit the topic' | 'close or open the topic' | 'delete the topic') => bad(`not enough rights to ${action}`),
  topicNameEmpty: () => bad('name must be non-empty'),
  iconColorInvalid: () => bad('invalid icon_color specified'),

  messageNotFound: (action: 'copy' | 'forward' | 'edit' | 'delete' | 'react' | 'pin' | 'unpin') => bad(`message to ${action} not found`),
  noPinRights: () => bad('not enough rights to manage pinned messages in the chat'),
  replyNotFound: () => bad('message to be replied not found'),
  notModified: () =>
    bad('message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message'),
  textEmpty: () => bad('message text is empty'),
  messageTooLong: () => bad('message is too long'),
  rawTextTooLong: () => bad('text is too long'),
  captionTooLong: () => bad('message caption is too long'),
  cantBeEdited: () => bad("message can't be edited"),
  cantBeDeleted: () => bad("message can't be deleted"),
  cantBeCopied: () => bad("message can't be copied"),
  cantBeForwarded: () => bad("message can't be forwarded"),
  noTextToEdit: () => bad('there is no text in the message to edit'),
  noCaptionToEdit: () => bad('there is no caption in the message to edit'),
  cantParse: (detail: string) => bad(`can't parse entities: ${detail}`),
  buttonDataInvalid: () => bad('BUTTON_DATA_INVALID'),
  wrongFileId: () => bad('wrong file identifier/HTTP URL specified'),
  queryTooOld: () => bad('query is too old and response timeout expired or query ID is invalid'),
  wrongChatAction: () => bad('wrong parameter action in request'),
  reactionInvalid: () => bad('REACTION_INVALID'),
  reactionsTooMany: () => bad('REACTIONS_TOO_MANY'),
};
