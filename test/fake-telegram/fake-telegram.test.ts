// Tests of the fake Bot API server itself: plain HTTP (to pin the wire format) and grammY (to
// prove the bot's own client and runner talk to it as they would to Telegram).
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { run } from '@grammyjs/runner';
import { Api, Bot, GrammyError, InputFile } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { startFakeTelegram, type FakeTelegram } from './server.js';

async function fresh(t: TestContext): Promise<FakeTelegram> {
  const tg = await startFakeTelegram();
  t.after(() => tg.stop());
  return tg;
}

async function call(tg: FakeTelegram, method: string, params: object = {}, token = tg.token) {
  const res = await fetch(`${tg.apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: (await res.json()) as { ok: boolean; result?: any; error_code?: number; description?: string } };
}

const api = (tg: FakeTelegram) => new Api(tg.token, { apiRoot: tg.apiRoot });

/** Asserts a grammY call fails the way Telegram would. */
async function refused(p: Promise<unknown>, error_code: number, description: string | RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof GrammyError, `expected GrammyError, got ${String(err)}`);
    assert.equal(err.error_code, error_code);
    if (typeof description === 'string') assert.equal(err.description, description);
    else assert.match(err.description, description);
    return true;
  });
}

/** A forum with a manager, a user who has started the bot, and one topic. */
async function desk(t: TestContext) {
  const tg = await fresh(t);
  const group = tg.createSupergroup({ title: 'Support' });
  const manager = tg.createUser({ first_name: 'Mary', username: 'mary' });
  tg.addMember(group.id, manager, 'administrator');
  const user = tg.createUser({ first_name: 'Ann', last_name: 'Lee', language_code: 'en' });
  tg.userSends(user, { text: '/start' });
  const topic = await api(tg).createForumTopic(group.id, 'Ann Lee');
  return { tg, group, manager, user, topic, bot: api(tg) };
}

describe('HTTP envelope', () => {
  test('getMe over JSON, form, and query string; bot id comes from the token', async (t) => {
    const tg = await fresh(t);
    const json = await call(tg, 'getMe');
    assert.deepEqual([json.status, json.body.ok, json.body.result.id, json.body.result.username], [200, true, 123456, 'topic_test_bot']);
    const form = await fetch(`${tg.apiRoot}/bot${tg.token}/sendChatAction`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ chat_id: '999', action: 'typing' }),
    });
    assert.deepEqual(await form.json(), { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
    const user = tg.createUser({ first_name: 'Q' });
    tg.userSends(user, { text: 'hi' });
    const query = await fetch(`${tg.apiRoot}/bot${tg.token}/sendMessage?chat_id=${user.id}&text=from%20query&reply_markup=${encodeURIComponent('{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}')}`);
    const sent = (await query.json()) as { result: Message };
    assert.equal(sent.result.text, 'from query');
    assert.equal(sent.result.reply_markup?.inline_keyboard[0]?.[0]?.text, 'A');
  });

  test('unknown method is 404, wrong token 401, and both are recorded', async (t) => {
    const tg = await fresh(t);
    assert.deepEqual(await call(tg, 'sendTelepathy'), { status: 404, body: { ok: false, error_code: 404, description: 'Not Found: method not found' } });
    assert.deepEqual(await call(tg, 'getMe', {}, '1:WRONG'), { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    assert.equal((await call(tg, 'GETME')).status, 200, 'method names are case-insensitive');
    assert.deepEqual(tg.calls.map((c) => [c.method, c.ok, c.error_code]), [['sendTelepathy', false, 404], ['getMe', false, 401], ['GETME', true, undefined]]);
  });

  test('failNext injects errors with parameters, then the method works again', async (t) => {
    const tg = await fresh(t);
    tg.failNext('getMe', { error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } }, 2);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(api(tg).getMe(), (e: unknown) => e instanceof GrammyError && e.error_code === 429 && e.parameters.retry_after === 7);
    }
    assert.equal((await api(tg).getMe()).id, tg.botUser.id);
  });
});

describe('getUpdates', () => {
  test('offset confirms, negative offset keeps the tail, limit is clamped', async (t) => {
    const tg = await fresh(t);
    const user = tg.createUser({ first_name: 'U' });
    for (const text of ['1', '2', '3', '4']) tg.userSends(user, { text });
    const all: Update[] = (await call(tg, 'getUpdates', { limit: 0 })).body.result;
    assert.equal(all.length, 1, 'limit 0 is clamped to 1');
    const first = all[0]!.update_id;
    const rest: Update[] = (await call(tg, 'getUpdates', { offset: first + 1 })).body.result;
    assert.deepEqual(rest.map((u) => u.message?.text), ['2', '3', '4']);
    assert.equal(tg.pendingUpdates(), 3);
    const tail: Update[] = (await call(tg, 'getUpdates', { offset: -1 })).body.result;
    assert.deepEqual(tail.map((u) => u.message?.text), ['4']);
    assert.equal(tg.pendingUpdates(), 1);
  });

  test('a long poll is held until an update arrives', async (t) => {
    const tg = await fresh(t);
    const user = tg.createUser({ first_name: 'U' });
    const started = Date.now();
    const poll = call(tg, 'getUpdates', { timeout: 10 });
    setTimeout(() => tg.userSends(user, { text: 'wake up' }), 100);
    const { body } = await poll;
    assert.equal(body.result[0].message.text, 'wake up');
    assert.ok(Date.now() - started < 2000);
  });

  test('a second poller ends the older one with one 409 per 3 s, then []', async (t) => {
    const tg = await fresh(t);
    const older = call(tg, 'getUpdates', { timeout: 5 });
    await new Promise((r) => setTimeout(r, 100));
    const newer = call(tg, 'getUpdates', { timeout: 5 });
    assert.deepEqual(await older, {
      status: 409,
      body: { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' },
    });
    await new Promise((r) => setTimeout(r, 100));
    const third = call(tg, 'getUpdates', { timeout: 5 });
    assert.deepEqual((await newer).body, { ok: true, result: [] }, 'within 3 s the older just gets []');
    await tg.stop();
    assert.deepEqual((await third).body, { ok: true, result: [] }, 'stop() answers a held poll with []');
    await tg.stop(); // idempotent
  });

  test('allowed_updates filters, [] restores the default, omitted keeps it', async (t) => {
    const tg = await fresh(t);
    const user = tg.createUser({ first_name: 'U' });
    await call(tg, 'getUpdates', { allowed_updates: ['callback_query'] });
    tg.userSends(user, { text: 'dropped' });
    await call(tg, 'getUpdates', {});
    tg.userSends(user, { text: 'still dropped' });
    assert.equal(tg.pendingUpdates(), 0);
    await call(tg, 'getUpdates', { allowed_updates: [] });
    tg.userSends(user, { text: 'kept' });
    assert.equal((await call(tg, 'getUpdates')).body.result[0].message.text, 'kept');
  });

  test('@grammyjs/runner receives an update and stops', async (t) => {
    const tg = await fresh(t);
    const user = tg.createUser({ first_name: 'Runner' });
    const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
    const received = new Promise<string>((resolve) => bot.on('message:text', (ctx) => resolve(ctx.message.text)));
    const handle = run(bot);
    tg.userSends(user, { text: 'hello runner' });
    assert.equal(await received, 'hello runner');
    await handle.stop();
    assert.ok(tg.calls.some((c) => c.method === 'getMe' && c.ok));
  });
});

describe('sending', () => {
  test('HTML becomes entities; broken HTML is refused with the real wording', async (t) => {
    const { tg, user, bot } = await desk(t);
    const m = await bot.sendMessage(user.id, '  <b>Hi</b> &lt;Ann&gt; <a href="https://x.org/?a=1&amp;b=2">link</a> ', { parse_mode: 'HTML' });
    assert.equal(m.text, 'Hi <Ann> link');
    assert.deepEqual(m.entities, [{ type: 'bold', offset: 0, length: 2 }, { type: 'text_link', offset: 9, length: 4, url: 'https://x.org/?a=1&b=2' }]);
    assert.deepEqual(m.from, { id: tg.botUser.id, is_bot: true, first_name: 'Topic', username: 'topic_test_bot' });
    assert.equal(m.chat.id, user.id);
    const mention = await bot.sendMessage(user.id, `<a href="tg://user?id=${user.id}">Ann</a>`, { parse_mode: 'HTML' });
    assert.deepEqual(mention.entities, [{ type: 'text_mention', offset: 0, length: 3, user }], 'a link to a known user is a mention');
    await refused(bot.sendMessage(user.id, '<b>&Co</b>', { parse_mode: 'HTML' }), 400, /^Bad Request: can't parse entities: /);
    await refused(bot.sendMessage(user.id, 'Hi <Ann>', { parse_mode: 'HTML' }), 400, `Bad Request: can't parse entities: Unsupported start tag "ann" at byte offset 3`);
    await refused(bot.sendMessage(user.id, '<i>open', { parse_mode: 'HTML' }), 400, `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "i"`);
    await refused(bot.sendMessage(user.id, '<b></b>  ', { parse_mode: 'HTML' }), 400, 'Bad Request: message text is empty');
    await refused(bot.sendMessage(user.id, 'я'.repeat(4097)), 400, 'Bad Request: message is too long');
    assert.equal((await bot.sendMessage(user.id, '😀'.repeat(4096))).text?.length, 8192, 'the limit counts characters, not UTF-16 units');
  });

  test('the server finds commands, mentions, hashtags and links by itself', async (t) => {
    const tg = await fresh(t);
    const user = tg.createUser({ first_name: 'U' });
    const m = tg.userSends(user, { text: '/start@topic_test_bot hi @mary_s, see https://example.org/a. #help' });
    assert.deepEqual(m.entities?.map((e) => [e.type, m.text!.slice(e.offset, e.offset + e.length)]), [
      ['bot_command', '/start@topic_test_bot'], ['mention', '@mary_s'], ['url', 'https://example.org/a'], ['hashtag', '#help'],
    ]);
    const given = tg.userSends(user, { text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] });
    assert.equal(given.entities?.length, 1, 'no duplicate of an entity the client sent');
  });

  test('users who blocked, are deactivated, or never started the bot; unknown chats', async (t) => {
    const { tg, user, bot } = await desk(t);
    tg.userBlocksBot(user);
    await refused(bot.sendMessage(user.id, 'x'), 403, 'Forbidden: bot was blocked by the user');
    tg.userUnblocksBot(user);
    await bot.sendMessage(user.id, 'back');
    const kinds = (await call(tg, 'getUpdates')).body.result.map((u: Update) => u.my_chat_member?.new_chat_member.status ?? Object.keys(u)[1]);
    assert.deepEqual(kinds, ['message', 'message', 'kicked', 'member'], '/start, topic creation, block, unblock');
    tg.deactivateUser(user);
    await refused(bot.copyMessage(user.id, user.id, 1), 403, 'Forbidden: user is deactivated');
    const stranger = tg.createUser({ first_name: 'S' });
    await refused(bot.sendMessage(stranger.id, 'x'), 403, "Forbidden: bot can't initiate conversation with a user");
    await refused(bot.sendMessage(-1009999, 'x'), 400, 'Bad Request: chat not found');
  });

  test('supergroup access: kicked, left, not a forum, no rights', async (t) => {
    const { tg, group, bot } = await desk(t);
    tg.setBotRights(group.id, { status: 'kicked' });
    await refused(bot.sendMessage(group.id, 'x'), 403, 'Forbidden: bot was kicked from the supergroup chat');
    tg.setBotRights(group.id, { status: 'left' });
    await refused(bot.sendMessage(group.id, 'x'), 403, 'Forbidden: bot is not a member of the supergroup chat');
    tg.setBotRights(group.id, { status: 'administrator', can_manage_topics: false });
    await refused(bot.createForumTopic(group.id, 'x'), 400, 'Bad Request: not enough rights to create a topic');
    assert.equal((await bot.getChatMember(group.id, tg.botUser.id)).status, 'administrator');
    const plain = tg.createSupergroup({ is_forum: false });
    await refused(bot.createForumTopic(plain.id, 'x'), 400, 'Bad Request: the chat is not a forum');
    assert.equal((await bot.getChat(plain.id)).is_forum, undefined);
    assert.equal((await bot.getChat(group.id)).is_forum, true);
  });

  test('replies: explicit, missing, and allowed without the target', async (t) => {
    const { tg, user, bot } = await desk(t);
    const asked = tg.userSends(user, { text: 'question' });
    const answer = await bot.sendMessage(user.id, 'answer', { reply_parameters: { message_id: asked.message_id } });
    assert.equal(answer.reply_to_message?.text, 'question');
    await refused(bot.sendMessage(user.id, 'x', { reply_parameters: { message_id: 999 } }), 400, 'Bad Request: message to be replied not found');
    const loose = await bot.sendMessage(user.id, 'x', { reply_parameters: { message_id: 999, allow_sending_without_reply: true } });
    assert.equal(loose.reply_to_message, undefined);
  });

  test('copyMessage keeps the kind, overrides the caption, refuses service messages', async (t) => {
    const { tg, group, user, topic, bot } = await desk(t);
    const photo = tg.userSends(user, { photo: true, caption: 'screenshot' });
    const { message_id } = await bot.copyMessage(group.id, user.id, photo.message_id, { message_thread_id: topic.message_thread_id, caption: '<i>from Ann</i>', parse_mode: 'HTML' });
    const copy = tg.message(group.id, message_id)!;
    assert.deepEqual(copy.photo, photo.photo);
    assert.equal(copy.caption, 'from Ann');
    assert.deepEqual(copy.caption_entities, [{ type: 'italic', offset: 0, length: 8 }]);
    assert.equal(copy.forward_origin, undefined);
    assert.deepEqual([copy.message_thread_id, copy.is_topic_message, copy.from?.id], [topic.message_thread_id, true, tg.botUser.id]);
    await refused(bot.copyMessage(group.id, group.id, topic.message_thread_id), 400, "Bad Request: message can't be copied");
    await refused(bot.copyMessage(group.id, user.id, 999), 400, 'Bad Request: message to copy not found');
    await refused(bot.copyMessage(group.id, user.id, photo.message_id, { caption: 'c'.repeat(1025) }), 400, 'Bad Request: message caption is too long');
    const fwd = await bot.forwardMessage(group.id, user.id, photo.message_id);
    assert.equal(fwd.forward_origin?.type, 'user');
  });

  test('albums: copyMessages keeps them together; sendMediaGroup uploads multipart', async (t) => {
    const { tg, group, user, bot } = await desk(t);
    const a = tg.userSends(user, { photo: true, caption: 'one' }, { mediaGroupId: 'g1' });
    const b = tg.userSends(user, { video: true }, { mediaGroupId: 'g1' });
    const ids = await bot.copyMessages(group.id, user.id, [a.message_id, b.message_id, 999]);
    assert.equal(ids.length, 2);
    const copies = ids.map((id) => tg.message(group.id, id.message_id)!);
    assert.ok(copies[0]!.media_group_id && copies[0]!.media_group_id === copies[1]!.media_group_id);
    await refused(bot.copyMessages(group.id, user.id, [b.message_id, a.message_id]), 400, /strictly increasing/);
    const sent: Message[] = await bot.sendMediaGroup(user.id, [
      { type: 'photo', media: new InputFile(Buffer.from('png'), 'a.png'), caption: 'album' },
      { type: 'photo', media: a.photo!.at(-1)!.file_id },
    ]);
    assert.equal(sent.length, 2);
    assert.ok(sent[0]!.media_group_id && sent[0]!.media_group_id === sent[1]!.media_group_id);
    assert.equal(sent[0]!.caption, 'album');
    await refused(bot.sendMediaGroup(user.id, [{ type: 'photo', media: 'nonsense' }, { type: 'photo', media: 'nonsense' }]), 400, 'Bad Request: wrong file identifier/HTTP URL specified');
    await refused(bot.sendMediaGroup(user.id, Array.from({ length: 11 }, () => ({ type: 'photo' as const, media: a.photo![0]!.file_id }))), 400, 'Bad Request: too many messages to send as an album');
  });
});

describe('forum topics', () => {
  test('creation: the service message is the thread root and reaches the bot', async (t) => {
    const { tg, group, topic, bot } = await desk(t);
    assert.deepEqual(topic, { message_thread_id: topic.message_thread_id, name: 'Ann Lee', icon_color: 7322096 });
    const root = tg.message(group.id, topic.message_thread_id)!;
    assert.deepEqual([root.message_thread_id, root.is_topic_message, root.forum_topic_created?.name], [topic.message_thread_id, true, 'Ann Lee']);
    const updates: Update[] = (await call(tg, 'getUpdates')).body.result;
    assert.ok(updates.some((u) => u.message?.forum_topic_created?.name === 'Ann Lee'));
    const long = await bot.createForumTopic(group.id, `  a \n b ${'x'.repeat(200)}`);
    assert.equal(long.name.length, 128);
    assert.ok(long.name.startsWith('a b x'));
    await refused(bot.createForumTopic(group.id, ' \n '), 400, 'Bad Request: name must be non-empty');
    await refused(bot.createForumTopic(group.id, 'x', { icon_color: 123 as never }), 400, /icon_color/);
  });

  test('messages in a topic: thread fields, implicit reply, explicit reply wins, General has none', async (t) => {
    const { tg, group, manager, topic, bot } = await desk(t);
    const thread = topic.message_thread_id;
    const sent = await bot.sendMessage(group.id, 'card', { message_thread_id: thread });
    assert.deepEqual([sent.message_thread_id, sent.is_topic_message, sent.reply_to_message?.message_id], [thread, true, thread]);
    const implicit = tg.managerSends(group.id, manager, { text: 'hello' }, { threadId: thread });
    assert.equal(implicit.reply_to_message?.forum_topic_created?.name, 'Ann Lee');
    const explicit = tg.managerSends(group.id, manager, { text: 're' }, { threadId: thread, replyToMessageId: sent.message_id });
    assert.deepEqual([explicit.reply_to_message?.message_id, explicit.message_thread_id], [sent.message_id, thread]);
    const general = tg.managerSends(group.id, manager, { text: 'general' });
    assert.deepEqual([general.message_thread_id, general.is_topic_message, general.reply_to_message], [undefined, undefined, undefined]);
    assert.deepEqual(tg.messages(group.id, thread).map((m) => m.text ?? 'root'), ['root', 'card', 'hello', 're']);
    await refused(bot.sendMessage(group.id, 'x', { message_thread_id: 1 }), 400, 'Bad Request: message thread not found');
  });

  test('privacy mode: a non-admin bot sees only commands and replies to itself', async (t) => {
    const { tg, group, manager, topic } = await desk(t);
    await call(tg, 'getUpdates', { offset: -1 }); // forget the set-up's updates
    await call(tg, 'getUpdates', { offset: (await call(tg, 'getUpdates')).body.result[0].update_id + 1 });
    tg.setBotRights(group.id, { status: 'member' });
    tg.managerSends(group.id, manager, { text: 'unseen' }, { threadId: topic.message_thread_id });
    tg.managerSends(group.id, manager, { text: '/seen' }, { threadId: topic.message_thread_id });
    const texts = (await call(tg, 'getUpdates')).body.result.map((u: Update) => u.message?.text ?? Object.keys(u)[1]);
    assert.deepEqual(texts, ['my_chat_member', '/seen']);
  });

  test('close, reopen, edit, delete: service messages, TOPIC_NOT_MODIFIED, thread not found', async (t) => {
    const { tg, group, manager, user, topic, bot } = await desk(t);
    const thread = topic.message_thread_id;
    assert.equal(await bot.closeForumTopic(group.id, thread), true);
    await refused(bot.closeForumTopic(group.id, thread), 400, 'Bad Request: TOPIC_NOT_MODIFIED');
    await bot.reopenForumTopic(group.id, thread);
    await refused(bot.reopenForumTopic(group.id, thread), 400, 'Bad Request: TOPIC_NOT_MODIFIED');
    await refused(bot.editForumTopic(group.id, thread, { name: 'Ann Lee' }), 400, 'Bad Request: TOPIC_NOT_MODIFIED');
    assert.equal(await bot.editForumTopic(group.id, thread, {}), true);
    await bot.editForumTopic(group.id, thread, { name: '✅ Ann Lee' });
    const kinds = tg.messages(group.id, thread).slice(1).map((m) => Object.keys(m).find((k) => k.startsWith('forum_topic_')));
    assert.deepEqual(kinds, ['forum_topic_closed', 'forum_topic_reopened', 'forum_topic_edited']);
    await refused(bot.closeForumTopic(group.id, 0), 400, 'Bad Request: invalid forum topic identifier specified');
    const closed = tg.managerClosesTopic(group.id, manager, thread);
    assert.deepEqual([closed.forum_topic_closed, closed.from?.id], [{}, manager.id]);
    assert.equal(tg.topics(group.id)[0]?.closed, true);
    tg.setBotRights(group.id, { status: 'administrator', can_manage_topics: false });
    await refused(bot.sendMessage(group.id, 'x', { message_thread_id: thread }), 400, 'Bad Request: TOPIC_CLOSED');
    tg.setBotRights(group.id, { status: 'administrator' });
    assert.equal((await bot.sendMessage(group.id, 'admins may', { message_thread_id: thread })).message_thread_id, thread);
    tg.managerDeletesTopic(group.id, thread);
    assert.deepEqual(tg.topics(group.id).map((x) => [x.name, x.deleted]), [['✅ Ann Lee', true]]);
    await refused(bot.sendMessage(group.id, 'x', { message_thread_id: thread }), 400, 'Bad Request: message thread not found');
    await refused(bot.editForumTopic(group.id, thread, { name: 'y' }), 400, 'Bad Request: message thread not found');
    await refused(bot.forwardMessage(group.id, user.id, 1, { message_thread_id: thread }), 400, 'Bad Request: TOPIC_DELETED');
    assert.deepEqual(tg.messages(group.id, thread), [], 'deleting a topic deletes its messages');
    assert.equal(await bot.sendChatAction(group.id, 'typing', { message_thread_id: thread }), true);
  });
});

describe('edits and buttons', () => {
  test('edit text and markup; not modified; missing', async (t) => {
    const { tg, user, bot } = await desk(t);
    const markup = { inline_keyboard: [[{ text: 'Resolve', callback_data: 'resolve' }]] };
    const m = await bot.sendMessage(user.id, 'card', { reply_markup: markup });
    await refused(bot.editMessageText(user.id, m.message_id, 'card', { reply_markup: markup }), 400,
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message');
    const edited = (await bot.editMessageText(user.id, m.message_id, 'card v2', { reply_markup: markup })) as Message;
    assert.ok(edited.edit_date);
    assert.equal(tg.message(user.id, m.message_id)?.text, 'card v2');
    await bot.editMessageReplyMarkup(user.id, m.message_id);
    assert.equal(tg.message(user.id, m.message_id)?.reply_markup, undefined);
    await refused(bot.editMessageText(user.id, 999, 'x'), 400, 'Bad Request: message to edit not found');
    const theirs = tg.userSends(user, { text: 'mine' });
    await refused(bot.editMessageText(user.id, theirs.message_id, 'x'), 400, "Bad Request: message can't be edited");
    assert.equal(await bot.deleteMessage(user.id, theirs.message_id), true);
    await refused(bot.deleteMessage(user.id, theirs.message_id), 400, 'Bad Request: message to delete not found');
  });

  test('user edits arrive as edited_message; button presses as callback_query', async (t) => {
    const { tg, group, manager, topic, user, bot } = await desk(t);
    const original = tg.userSends(user, { text: 'typo' });
    tg.userEdits(user, original.message_id, { text: 'fixed' });
    const card = await bot.sendMessage(group.id, 'card', { message_thread_id: topic.message_thread_id, reply_markup: { inline_keyboard: [[{ text: 'Done', callback_data: 'done' }]] } });
    assert.throws(() => tg.pressButton(manager, group.id, card.message_id, 'nope'), /no button/);
    const queryId = tg.pressButton(manager, group.id, card.message_id, 'done');
    const updates: Update[] = (await call(tg, 'getUpdates')).body.result;
    const edited = updates.find((u) => u.edited_message)?.edited_message;
    assert.deepEqual([edited?.text, typeof edited?.edit_date], ['fixed', 'number']);
    const query = updates.find((u) => u.callback_query)?.callback_query;
    assert.deepEqual([query?.id, query?.data, query?.from.id, query?.message?.message_thread_id], [queryId, 'done', manager.id, topic.message_thread_id]);
    assert.equal(await bot.answerCallbackQuery(queryId, { text: 'Resolved' }), true);
    assert.deepEqual(tg.callbackAnswers, [{ callback_query_id: queryId, text: 'Resolved' }]);
    await refused(bot.answerCallbackQuery(queryId), 400, 'Bad Request: query is too old and response timeout expired or query ID is invalid');
  });

  test('setMyCommands validates; waitFor explains a timeout', async (t) => {
    const { tg, bot } = await desk(t);
    assert.equal(await bot.setMyCommands([{ command: 'close', description: 'Close the ticket' }]), true);
    assert.deepEqual(await bot.getMyCommands(), [{ command: 'close', description: 'Close the ticket' }]);
    await refused(bot.setMyCommands([{ command: 'Close', description: 'x' }]), 400, 'Bad Request: BOT_COMMAND_INVALID');
    await refused(bot.setMyCommands([{ command: 'ok', description: '' }]), 400, 'Bad Request: command description must be non-empty');
    await assert.rejects(tg.waitFor(() => false, { timeoutMs: 50 }), /waitFor timed out after 50 ms.*\n.*setMyCommands 400/s);
  });
});
