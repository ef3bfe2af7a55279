// Tests of the fake Bot API server itself: plain HTTP (to pin the wire format) and grammY (to
// prove the bot's own client and runner talk to it as they would to Telegram).
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { run } from '@grammyjs/runner';
import { Api, Bot, GrammyError, HttpError, InputFile } from 'grammy';
import type { Message, Update } from 'grammy/types';
import { pause } from '../support/actions.js';
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
  return {
    status: res.status,
    body: (await res.json()) as {
      ok: boolean; // biome-ignore lint/suspicious/noExplicitAny: each test reads the result of a different Bot API method
      result?: any;
      error_code?: number;
      description?: string;
    },
  };
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
    const query = await fetch(
      `${tg.apiRoot}/bot${tg.token}/sendMessage?chat_id=${user.id}&text=from%20query&reply_markup=${encodeURIComponent('{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}')}`,
    );
    const sent = (await query.json()) as { result: Message };
    assert.equal(sent.result.text, 'from query');
    assert.equal(sent.result.reply_markup?.inline_keyboard[0]?.[0]?.text, 'A');
  });

  test('unknown method is 404, wrong token 401, and both are recorded', async (t) => {
    const tg = await fresh(t);
    assert.deepEqual(await call(tg, 'sendTelepathy'), { status: 404, body: { ok: false, error_code: 404, description: 'Not Found: method not found' } });
    assert.deepEqual(await call(tg, 'getMe', {}, '1:WRONG'), { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    assert.equal((await call(tg, 'GETME')).status, 200, 'method names are case-insensitive');
    assert.deepEqual(
      tg.calls.map((c) => [c.method, c.ok, c.error_code]),
      [
        ['sendTelepathy', false, 404],
        ['getMe', false, 401],
        ['GETME', true, undefined],
      ],
    );
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
    assert.deepEqual(
      rest.map((u) => u.message?.text),
      ['2', '3', '4'],
    );
    assert.equal(tg.pendingUpdates(), 3);
    const tail: Update[] = (await call(tg, 'getUpdates', { offset: -1 })).body.result;
    assert.deepEqual(
      tail.map((u) => u.message?.text),
      ['4'],
    );
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

  test('holdNextGetUpdates: the call after a delivered batch confirms it and gets no answer until the client goes', async (t) => {
    const tg = await fresh(t);
    const user = tg.createUser({ first_name: 'U' });
    tg.userSends(user, { text: '1' });
    tg.userSends(user, { text: '2' });
    const held = tg.holdNextGetUpdates();
    let announced = false;
    void held.then(() => (announced = true));
    const batch: Update[] = (await call(tg, 'getUpdates', { timeout: 0 })).body.result;
    assert.equal(batch.length, 2);
    assert.equal(announced, false, 'the call that delivers a batch is not the one held');
    const aborted = new AbortController();
    const next = fetch(`${tg.apiRoot}/bot${tg.token}/getUpdates`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offset: batch[1]!.update_id + 1, timeout: 0 }),
      signal: aborted.signal,
    });
    await held;
    assert.equal(tg.pendingUpdates(), 0, 'its offset confirmed the batch');
    tg.userSends(user, { text: '3' });
    await pause(300);
    assert.equal(tg.pendingUpdates(), 1, 'nothing answers the held call, not even a new update');
    aborted.abort();
    await assert.rejects(next);
    const rest: Update[] = (await call(tg, 'getUpdates', { timeout: 0 })).body.result;
    assert.deepEqual(
      rest.map((u) => u.message?.text),
      ['3'],
      'the next client gets what is left',
    );
  });

  test('revokeToken: every later call gets 401 Unauthorized', async (t) => {
    const tg = await fresh(t);
    assert.equal((await call(tg, 'getMe')).status, 200);
    tg.revokeToken();
    assert.deepEqual(await call(tg, 'getUpdates'), { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
  });

  test("an anonymous admin's message: from @GroupAnonymousBot, sender_chat the group, in the topic", async (t) => {
    const tg = await fresh(t);
    const group = tg.createSupergroup({ title: 'Support' });
    const topic = (await call(tg, 'createForumTopic', { chat_id: group.id, name: 'T' })).body.result;
    const m = tg.anonymousAdminSends(group.id, { text: 'hi' }, { threadId: topic.message_thread_id });
    assert.deepEqual(m.from, { id: 1087968824, is_bot: true, first_name: 'Group', username: 'GroupAnonymousBot' });
    assert.equal(m.sender_chat?.id, group.id);
    assert.equal(m.is_topic_message, true);
    const updates: Update[] = (await call(tg, 'getUpdates', { timeout: 0 })).body.result;
    const seen = updates.find((u) => u.message?.text === 'hi')?.message;
    assert.equal(seen?.sender_chat?.id, group.id);
    assert.equal(seen?.message_thread_id, topic.message_thread_id);
  });

  test('a second poller ends the older one with one 409 per 3 s, then []', async (t) => {
    const tg = await fresh(t);
    const older = call(tg, 'getUpdates', { timeout: 5 });
    await pause(100);
    const newer = call(tg, 'getUpdates', { timeout: 5 });
    assert.deepEqual(await older, {
      status: 409,
      body: { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' },
    });
    await pause(100);
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
    assert.deepEqual(m.entities, [
      { type: 'bold', offset: 0, length: 2 },
      { type: 'text_link', offset: 9, length: 4, url: 'https://x.org/?a=1&b=2' },
    ]);
    assert.deepEqual(m.from, { id: tg.botUser.id, is_bot: true, first_name: 'Topic', username: 'topic_test_bot' });
    assert.equal(m.chat.id, user.id);
    const mention = await bot.sendMessage(user.id, `<a href="tg://user?id=${user.id}">Ann</a>`, { parse_mode: 'HTML' });
    assert.deepEqual(mention.entities, [{ type: 'text_mention', offset: 0, length: 3, user }], 'a link to a known user is a mention');
    await refused(bot.sendMessage(user.id, '<b>&Co</b>', { parse_mode: 'HTML' }), 400, /^Bad Request: can't parse entities: /);
    await refused(
      bot.sendMessage(user.id, 'Hi <Ann>', { parse_mode: 'HTML' }),
      400,
      `Bad Request: can't parse entities: Unsupported start tag "ann" at byte offset 3`,
    );
    await refused(
      bot.sendMessage(user.id, '<i>open', { parse_mode: 'HTML' }),
      400,
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "i"`,
    );
    await refused(bot.sendMessage(user.id, '<b></b>  ', { parse_mode: 'HTML' }), 400, 'Bad Request: message text is empty');
    await refused(bot.sendMessage(user.id, 'я'.repeat(4097)), 400, 'Bad Request: message is too long');
    assert.equal((await bot.sendMessage(user.id, '😀'.repeat(4096))).text?.length, 8192, 'the limit counts characters, not UTF-16 units');
  });

  test('the server finds commands, mentions, hashtags and links by itself', async (t) => {
    const tg = await fresh(t);
    const user = tg.createUser({ first_name: 'U' });
    const m = tg.userSends(user, { text: '/start@topic_test_bot hi @mary_s, see https://example.org/a. #help' });
    assert.deepEqual(
      m.entities?.map((e) => [e.type, m.text!.slice(e.offset, e.offset + e.length)]),
      [
        ['bot_command', '/start@topic_test_bot'],
        ['mention', '@mary_s'],
        ['url', 'https://example.org/a'],
        ['hashtag', '#help'],
      ],
    );
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
    const { message_id } = await bot.copyMessage(group.id, user.id, photo.message_id, {
      message_thread_id: topic.message_thread_id,
      caption: '<i>from Ann</i>',
      parse_mode: 'HTML',
    });
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
    await refused(
      bot.sendMediaGroup(user.id, [
        { type: 'photo', media: 'nonsense' },
        { type: 'photo', media: 'nonsense' },
      ]),
      400,
      'Bad Request: wrong file identifier/HTTP URL specified',
    );
    await refused(
      bot.sendMediaGroup(
        user.id,
        Array.from({ length: 11 }, () => ({ type: 'photo' as const, media: a.photo![0]!.file_id })),
      ),
      400,
      'Bad Request: too many messages to send as an album',
    );
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
    assert.deepEqual(
      tg.messages(group.id, thread).map((m) => m.text ?? 'root'),
      ['root', 'card', 'hello', 're'],
    );
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
    const kinds = tg
      .messages(group.id, thread)
      .slice(1)
      .map((m) => Object.keys(m).find((k) => k.startsWith('forum_topic_')));
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
    assert.deepEqual(
      tg.topics(group.id).map((x) => [x.name, x.deleted]),
      [['✅ Ann Lee', true]],
    );
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
    await refused(
      bot.editMessageText(user.id, m.message_id, 'card', { reply_markup: markup }),
      400,
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
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

  test('pin and unpin: a service message reaches the bot; rights; missing messages; a deleted message is unpinned', async (t) => {
    const { tg, group, bot } = await desk(t);
    const board = await bot.sendMessage(group.id, 'board');
    const before = tg.pendingUpdates();
    assert.equal(await bot.pinChatMessage(group.id, board.message_id, { disable_notification: true }), true);
    assert.deepEqual(
      tg.pinnedMessages(group.id).map((m) => m.message_id),
      [board.message_id],
    );
    const service = tg.messages(group.id).at(-1)!;
    assert.equal(service.pinned_message?.message_id, board.message_id);
    assert.equal(service.message_thread_id, undefined, 'in General, like the pinned message');
    assert.equal(tg.pendingUpdates(), before + 1, 'the service message reaches the bot');
    await refused(bot.pinChatMessage(group.id, 999), 400, 'Bad Request: message to pin not found');
    await refused(bot.unpinChatMessage(group.id, 999), 400, 'Bad Request: message to unpin not found');
    assert.equal(await bot.unpinChatMessage(group.id, board.message_id), true);
    assert.deepEqual(tg.pinnedMessages(group.id), []);
    assert.equal(await bot.unpinChatMessage(group.id, board.message_id), true, 'unpinning what is not pinned changes nothing');

    await bot.pinChatMessage(group.id, board.message_id);
    tg.managerDeletesMessage(group.id, board.message_id);
    assert.deepEqual(tg.pinnedMessages(group.id), [], 'a deleted message is no longer pinned');
    await refused(bot.editMessageText(group.id, board.message_id, 'x'), 400, 'Bad Request: message to edit not found');

    const other = await bot.sendMessage(group.id, 'other');
    tg.setBotRights(group.id, { status: 'administrator', can_pin_messages: false });
    await refused(bot.pinChatMessage(group.id, other.message_id), 400, 'Bad Request: not enough rights to manage pinned messages in the chat');
  });

  test('user edits arrive as edited_message; button presses as callback_query', async (t) => {
    const { tg, group, manager, topic, user, bot } = await desk(t);
    const original = tg.userSends(user, { text: 'typo' });
    tg.userEdits(user, original.message_id, { text: 'fixed' });
    const card = await bot.sendMessage(group.id, 'card', {
      message_thread_id: topic.message_thread_id,
      reply_markup: { inline_keyboard: [[{ text: 'Done', callback_data: 'done' }]] },
    });
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

  test("reactions: setMessageReaction validates as Telegram does; a manager's reaction arrives as message_reaction only when asked for", async (t) => {
    const { tg, group, manager, topic, user, bot } = await desk(t);
    const mine = tg.userSends(user, { text: 'help' });
    assert.equal(await bot.setMessageReaction(user.id, mine.message_id, [{ type: 'emoji', emoji: '👀' }]), true);
    assert.deepEqual(tg.botReactions(user.id, mine.message_id), [{ type: 'emoji', emoji: '👀' }]);
    await refused(bot.setMessageReaction(user.id, mine.message_id, [{ type: 'emoji', emoji: '🦆' as '👀' }]), 400, 'Bad Request: REACTION_INVALID');
    await refused(
      bot.setMessageReaction(user.id, mine.message_id, [{ type: 'custom_emoji', custom_emoji_id: '5368324170671202286' }]),
      400,
      'Bad Request: REACTION_INVALID',
    );
    await refused(
      bot.setMessageReaction(user.id, mine.message_id, [
        { type: 'emoji', emoji: '👍' },
        { type: 'emoji', emoji: '👀' },
      ]),
      400,
      'Bad Request: REACTIONS_TOO_MANY',
    );
    await refused(bot.setMessageReaction(user.id, 999, [{ type: 'emoji', emoji: '👍' }]), 400, 'Bad Request: message to react not found');
    assert.deepEqual(tg.botReactions(user.id, mine.message_id), [{ type: 'emoji', emoji: '👀' }], 'a refused call changes nothing');
    assert.equal(await bot.setMessageReaction(user.id, mine.message_id, []), true);
    assert.deepEqual(tg.botReactions(user.id, mine.message_id), []);
    tg.userBlocksBot(user);
    await refused(bot.setMessageReaction(user.id, mine.message_id, [{ type: 'emoji', emoji: '👍' }]), 403, 'Forbidden: bot was blocked by the user');

    const copy = await bot.sendMessage(group.id, 'help', { message_thread_id: topic.message_thread_id });
    await call(tg, 'getUpdates', { offset: -1 });
    const pending = tg.pendingUpdates();
    // message_reaction is opt-in: by default the bot hears nothing.
    tg.managerReacts(group.id, manager, copy.message_id, ['👍']);
    assert.equal(tg.pendingUpdates(), pending);
    await call(tg, 'getUpdates', { allowed_updates: ['message', 'message_reaction'], offset: -1 });
    tg.managerReacts(group.id, manager, copy.message_id, ['❤', { custom_emoji_id: '5368324170671202286' }]);
    tg.managerReacts(group.id, manager, copy.message_id, []);
    const updates: Update[] = (await call(tg, 'getUpdates')).body.result;
    const reactions = updates.flatMap((u) => (u.message_reaction ? [u.message_reaction] : []));
    assert.deepEqual(
      reactions.map((r) => [r.chat.id, r.message_id, r.user?.id, typeof r.date, r.old_reaction, r.new_reaction]),
      [
        [
          group.id,
          copy.message_id,
          manager.id,
          'number',
          [{ type: 'emoji', emoji: '👍' }],
          [
            { type: 'emoji', emoji: '❤' },
            { type: 'custom_emoji', custom_emoji_id: '5368324170671202286' },
          ],
        ],
        [
          group.id,
          copy.message_id,
          manager.id,
          'number',
          [
            { type: 'emoji', emoji: '❤' },
            { type: 'custom_emoji', custom_emoji_id: '5368324170671202286' },
          ],
          [],
        ],
      ],
    );
    assert.throws(() => tg.managerReacts(group.id, manager, copy.message_id, ['🦆']), /not a reaction Telegram offers/);
    // A bot may use a custom emoji already on the message.
    tg.managerReacts(group.id, manager, copy.message_id, [{ custom_emoji_id: '42' }]);
    assert.equal(await bot.setMessageReaction(group.id, copy.message_id, [{ type: 'custom_emoji', custom_emoji_id: '42' }]), true);
    // A bot that is not an admin hears of no reactions in the group.
    tg.setBotRights(group.id, { status: 'member' });
    const before = tg.pendingUpdates();
    tg.managerReacts(group.id, manager, copy.message_id, ['🔥']);
    assert.equal(tg.pendingUpdates(), before);
  });

  test('setMyCommands validates; waitFor explains a timeout', async (t) => {
    const { tg, bot } = await desk(t);
    assert.equal(await bot.setMyCommands([{ command: 'close', description: 'Close the ticket' }]), true);
    assert.deepEqual(await bot.getMyCommands(), [{ command: 'close', description: 'Close the ticket' }]);
    await refused(bot.setMyCommands([{ command: 'Close', description: 'x' }]), 400, 'Bad Request: BOT_COMMAND_INVALID');
    await refused(bot.setMyCommands([{ command: 'ok', description: '' }]), 400, 'Bad Request: command description must be non-empty');
    await assert.rejects(
      tg.waitFor(() => false, { timeoutMs: 50 }),
      /waitFor timed out after 50 ms.*\n.*setMyCommands 400/s,
    );
  });
});

type Reply = Awaited<ReturnType<typeof call>>;

/** Asserts a raw reply is Telegram's 429 and returns its retry_after. */
function tooMany(reply: Reply): number {
  const n = (reply.body as { parameters?: { retry_after?: number } }).parameters?.retry_after;
  assert.equal(typeof n, 'number', `expected a 429, got ${JSON.stringify(reply)}`);
  assert.deepEqual(reply, {
    status: 429,
    body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${n}`, parameters: { retry_after: n } },
  });
  return n!;
}

describe('rate limits', () => {
  test('off by default: a burst to one group passes', async (t) => {
    const { tg, group, topic, bot } = await desk(t);
    for (let i = 0; i < 40; i++) await bot.sendMessage(group.id, `m${i}`, { message_thread_id: topic.message_thread_id });
    assert.deepEqual(tg.rateLimitHits, []);
  });

  test('group 3/min: the 4th call gets 429 with retry_after 1..60, then a flood wait for the whole chat', async (t) => {
    const { tg, group, manager, user, topic, bot } = await desk(t);
    const thread = topic.message_thread_id;
    tg.setRateLimits({ groupPerMinute: 3 });
    const card = await bot.sendMessage(group.id, 'card', { message_thread_id: thread });
    await bot.editMessageText(group.id, card.message_id, 'card v2'); // edits in groups count
    const other = await bot.createForumTopic(group.id, 'Other'); // so does creating a topic
    const n = tooMany(await call(tg, 'sendMessage', { chat_id: group.id, text: 'fourth', message_thread_id: thread }));
    assert.ok(n >= 1 && n <= 60, `retry_after ${n}`);
    // Every counted call to that chat is refused until then, in any topic, whatever the method.
    const again = tooMany(
      await call(tg, 'copyMessage', { chat_id: group.id, from_chat_id: user.id, message_id: 1, message_thread_id: other.message_thread_id }),
    );
    assert.ok(again >= 1 && again <= n);
    await refused(bot.editForumTopic(group.id, thread, { name: 'renamed' }), 429, /^Too Many Requests: retry after \d+$/);
    assert.deepEqual(
      tg.rateLimitHits.map((h) => [h.method, h.chatId, h.scope, h.floodWait]),
      [
        ['sendMessage', group.id, 'group', false],
        ['copyMessage', group.id, 'group', true],
        ['editForumTopic', group.id, 'group', true],
      ],
    );
    assert.ok(tg.rateLimitHits.every((h) => typeof h.at === 'number' && h.retry_after >= 1));
    // Not counted, so not refused: chat actions, deletes, reactions, reads, private edits.
    assert.equal(await bot.sendChatAction(group.id, 'typing', { message_thread_id: thread }), true);
    assert.equal(await bot.deleteMessage(group.id, card.message_id), true);
    assert.equal((await bot.getChat(group.id)).id, group.id);
    assert.equal(await bot.closeForumTopic(group.id, other.message_thread_id), true);
    // Other chats are unaffected: another group and a private chat.
    const second = tg.createSupergroup({ title: 'Second' });
    await bot.sendMessage(second.id, 'hello');
    await bot.sendMessage(user.id, 'hello');
    assert.equal(
      tg.messages(group.id, thread).some((m) => m.text === 'fourth'),
      false,
      'a refused call changes nothing',
    );
    // 429s are in the calls log too, and every call has a millisecond timestamp.
    assert.ok(tg.calls.filter((c) => c.error_code === 429).length === 3);
    assert.ok(tg.calls.every((c) => Number.isInteger(c.at) && c.at > 1.6e12));
    // Replacing the limits clears the flood wait.
    tg.setRateLimits({});
    tg.managerSends(group.id, manager, { text: 'still fine' }, { threadId: thread });
    await bot.sendMessage(group.id, 'free again', { message_thread_id: thread });
  });

  test('batches weigh one per message: copyMessages of an album, sendMediaGroup', async (t) => {
    const { tg, group, user, topic, bot } = await desk(t);
    const album = tg.userSendsAlbum(user, [{ photo: true }, { photo: true }]);
    tg.setRateLimits({ groupPerMinute: 3 });
    const ids = album.map((m) => m.message_id);
    assert.equal((await bot.copyMessages(group.id, user.id, [...ids, 999], { message_thread_id: topic.message_thread_id })).length, 2);
    const n = tooMany(await call(tg, 'copyMessages', { chat_id: group.id, from_chat_id: user.id, message_ids: ids }));
    assert.ok(n > 50 && n <= 60, `the window frees up a minute after the first copies, got ${n}`);
    tg.setRateLimits({ privateChatPerSecond: 3 });
    const photo = album[0]!.photo!.at(-1)!.file_id;
    const items = (n: number) => Array.from({ length: n }, () => ({ type: 'photo' as const, media: photo }));
    await bot.sendMessage(user.id, 'one');
    await refused(bot.sendMediaGroup(user.id, items(3)), 429, 'Too Many Requests: retry after 1');
    // An album heavier than the limit still goes into an empty window, or it could never be sent.
    tg.setRateLimits({ privateChatPerSecond: 1 });
    assert.equal((await bot.sendMediaGroup(user.id, items(5))).length, 5);
    await refused(bot.sendMessage(user.id, 'x'), 429, 'Too Many Requests: retry after 1');
  });

  test('private chat 2/s, then the flood wait outlasts the window; other users are unaffected', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const { tg, user, bot } = await desk(t);
    const other = tg.createUser({ first_name: 'Bob' });
    tg.userSends(other, { text: '/start' });
    tg.setRateLimits({ privateChatPerSecond: 2 });
    const photo = tg.userSends(user, { photo: true });
    await bot.sendMessage(user.id, 'one');
    t.mock.timers.tick(400);
    await bot.copyMessage(user.id, user.id, photo.message_id);
    t.mock.timers.tick(300);
    assert.equal(tooMany(await call(tg, 'sendPhoto', { chat_id: user.id, photo: photo.photo![0]!.file_id })), 1);
    await bot.sendMessage(other.id, 'Bob is fine');
    // At +1000 ms the window would take a call again, but the flood wait runs to +1700 ms.
    t.mock.timers.tick(350);
    assert.equal(tooMany(await call(tg, 'sendMessage', { chat_id: user.id, text: 'early' })), 1);
    assert.equal(tg.rateLimitHits.at(-1)?.floodWait, true);
    t.mock.timers.tick(700);
    await bot.sendMessage(user.id, 'after the wait');
    // Edits in a private chat do not count.
    const m = await bot.sendMessage(user.id, 'edit me');
    for (let i = 0; i < 5; i++) await bot.editMessageText(user.id, m.message_id, `v${i}`);
    assert.deepEqual(
      tg.rateLimitHits.map((h) => [h.method, h.chatId, h.scope, h.retry_after]),
      [
        ['sendPhoto', user.id, 'private', 1],
        ['sendMessage', user.id, 'private', 1],
      ],
    );
  });

  test('global 3/s: the 4th call anywhere gets 429, and then every chat waits', async (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const { tg, group, user, topic, bot } = await desk(t);
    const users = ['A', 'B', 'C'].map((first_name) => tg.createUser({ first_name }));
    for (const u of users) tg.userSends(u, { text: '/start' });
    tg.setRateLimits({ globalPerSecond: 3, privateChatPerSecond: 10, groupPerMinute: 20 });
    for (const u of users) await bot.sendMessage(u.id, 'hi');
    t.mock.timers.tick(200);
    assert.equal(tooMany(await call(tg, 'sendMessage', { chat_id: user.id, text: 'fourth' })), 1);
    assert.equal(tooMany(await call(tg, 'sendMessage', { chat_id: group.id, text: 'x', message_thread_id: topic.message_thread_id })), 1);
    assert.deepEqual(
      tg.rateLimitHits.map((h) => [h.chatId, h.scope, h.floodWait]),
      [
        [user.id, 'global', false],
        [group.id, 'global', true],
      ],
    );
    t.mock.timers.tick(1000);
    await bot.sendMessage(user.id, 'later');
  });

  test('per-chat delivery rates can be read off calls[].at', async (t) => {
    const { tg, user, bot } = await desk(t);
    tg.setRateLimits({ privateChatPerSecond: 5 });
    let refusedCount = 0;
    for (let i = 0; i < 8; i++) await bot.sendMessage(user.id, `m${i}`).catch(() => refusedCount++);
    const accepted = tg.calls.filter((c) => c.method === 'sendMessage' && c.ok && c.params.chat_id === user.id);
    assert.equal(accepted.length, 5);
    assert.equal(refusedCount, 3);
    assert.ok(accepted.at(-1)!.at - accepted[0]!.at < 1000);
  });
});

describe('faults', () => {
  test('failWhen: only copyMessage to one chat fails, for the given number of times', async (t) => {
    const { tg, group, user, topic, bot } = await desk(t);
    const m = tg.userSends(user, { text: 'hello' });
    tg.failWhen((method, p) => method === 'copyMessage' && Number(p.chat_id) === group.id, { error_code: 502, description: 'Bad Gateway' }, 2);
    tg.failWhen((method) => method === 'sendMessage', { error_code: 500, description: 'Internal Server Error' });
    const toGroup = () => bot.copyMessage(group.id, user.id, m.message_id, { message_thread_id: topic.message_thread_id });
    await refused(toGroup(), 502, 'Bad Gateway');
    assert.ok((await bot.copyMessage(user.id, user.id, m.message_id)).message_id, 'another chat is not affected');
    await refused(toGroup(), 502, 'Bad Gateway');
    assert.ok((await toGroup()).message_id, 'used up after two');
    assert.deepEqual(await call(tg, 'sendMessage', { chat_id: user.id, text: 'x' }), {
      status: 500,
      body: { ok: false, error_code: 500, description: 'Internal Server Error' },
    });
    assert.equal((await bot.sendMessage(user.id, 'works')).text, 'works');
    assert.equal(tg.messages(group.id, topic.message_thread_id).filter((x) => x.text === 'hello').length, 1, 'failed copies left nothing');
    tg.failWhen(() => true, { error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } });
    await assert.rejects(bot.getMe(), (e: unknown) => e instanceof GrammyError && e.parameters.retry_after === 3);
  });

  test('dropConnectionNext: grammY gets an HttpError; afterHandling still carries the call out', async (t) => {
    const { tg, user, bot } = await desk(t);
    tg.dropConnectionNext('sendMessage');
    await assert.rejects(bot.sendMessage(user.id, 'lost'), (e: unknown) => e instanceof HttpError);
    assert.equal(
      tg.messages(user.id).some((m) => m.text === 'lost'),
      false,
      'the request never took effect',
    );
    assert.equal((await bot.sendMessage(user.id, 'next')).text, 'next');
    tg.dropConnectionNext('sendMessage', 1, { afterHandling: true });
    await assert.rejects(bot.sendMessage(user.id, 'sent but unanswered'), (e: unknown) => e instanceof HttpError);
    assert.equal(tg.messages(user.id).filter((m) => m.text === 'sent but unanswered').length, 1);
    tg.dropConnectionNext('getMe', 2);
    await assert.rejects(bot.getMe(), HttpError);
    await assert.rejects(bot.getMe(), HttpError);
    assert.equal((await bot.getMe()).id, tg.botUser.id);
    assert.deepEqual(
      tg.calls.filter((c) => c.dropped).map((c) => [c.method, c.ok]),
      [
        ['sendMessage', true],
        ['sendMessage', true],
        ['getMe', true],
        ['getMe', true],
      ],
    );
  });
});

describe('albums', () => {
  test('userSendsAlbum: one message and update per item, one fresh media_group_id, caption on the first', async (t) => {
    const tg = await fresh(t);
    const user = tg.createUser({ first_name: 'U' });
    const album = tg.userSendsAlbum(user, [{ photo: true }, { video: true }, { photo: true }], 'look #bug');
    const second = tg.userSendsAlbum(user, [{ document: true }, { document: true }]);
    const group = album[0]!.media_group_id;
    assert.ok(group && album.every((m) => m.media_group_id === group));
    assert.ok(second[0]!.media_group_id && second[0]!.media_group_id !== group);
    assert.deepEqual(
      album.map((m) => [!!m.photo, !!m.video, m.caption]),
      [
        [true, false, 'look #bug'],
        [false, true, undefined],
        [true, false, undefined],
      ],
    );
    assert.deepEqual(album[0]!.caption_entities, [{ type: 'hashtag', offset: 5, length: 4 }]);
    const updates: Update[] = (await call(tg, 'getUpdates')).body.result;
    assert.deepEqual(
      updates.map((u) => u.message?.media_group_id),
      [group, group, group, second[0]!.media_group_id, second[0]!.media_group_id],
    );
    assert.throws(() => tg.userSendsAlbum(user, [{ photo: true }]), /2\.\.10/);
    assert.throws(() => tg.userSendsAlbum(user, [{ photo: true }, { document: true }]), /documents/);
  });

  test('copyMessages carries an album into a topic and back, under new media_group_ids', async (t) => {
    const { tg, group, manager, user, topic, bot } = await desk(t);
    const thread = topic.message_thread_id;
    const sent: Array<[number, Message]> = [];
    tg.onSent = (chatId, message) => sent.push([chatId, message]);
    const album = tg.userSendsAlbum(user, [{ photo: true }, { video: true }], 'two files');
    const ids = await bot.copyMessages(
      group.id,
      user.id,
      album.map((m) => m.message_id),
      { message_thread_id: thread },
    );
    const copies = ids.map(({ message_id }) => tg.message(group.id, message_id)!);
    const copyGroup = copies[0]!.media_group_id;
    assert.ok(copyGroup && copyGroup !== album[0]!.media_group_id && copies[1]!.media_group_id === copyGroup);
    assert.deepEqual(
      copies.map((m) => [m.message_thread_id, m.is_topic_message, m.reply_to_message?.message_id, m.from?.id]),
      [
        [thread, true, thread, tg.botUser.id],
        [thread, true, thread, tg.botUser.id],
      ],
    );
    assert.deepEqual(
      copies.map((m) => m.caption),
      ['two files', undefined],
    );
    assert.deepEqual(copies[0]!.photo, album[0]!.photo);
    assert.equal(copies[0]!.forward_origin, undefined);
    assert.deepEqual(
      sent.map(([chat, m]) => [chat, m.message_id]),
      ids.map((id) => [group.id, id.message_id]),
      'onSent sees each copy',
    );
    // Two albums in one call stay two albums; remove_caption drops the caption.
    const again = await bot.copyMessages(
      group.id,
      user.id,
      [...album, ...tg.userSendsAlbum(user, [{ photo: true }, { photo: true }])].map((m) => m.message_id),
      { message_thread_id: thread, remove_caption: true },
    );
    const groups = again.map(({ message_id }) => tg.message(group.id, message_id)!).map((m) => [m.media_group_id, m.caption]);
    assert.equal(new Set(groups.map(([g]) => g)).size, 2);
    assert.deepEqual(
      groups.map(([, caption]) => caption),
      [undefined, undefined, undefined, undefined],
    );
    // A manager's album in the topic goes back to the user's private chat as one album.
    const reply = tg.managerSendsAlbum(group.id, manager, [{ photo: true }, { photo: true }, { video: true }], 'answer', { threadId: thread });
    assert.ok(reply.every((m) => m.message_thread_id === thread && m.media_group_id === reply[0]!.media_group_id));
    const back = await bot.copyMessages(
      user.id,
      group.id,
      reply.map((m) => m.message_id),
    );
    const delivered = back.map(({ message_id }) => tg.message(user.id, message_id)!);
    assert.ok(delivered.every((m) => m.media_group_id && m.media_group_id === delivered[0]!.media_group_id && m.message_thread_id === undefined));
    assert.deepEqual(
      delivered.map((m) => m.caption),
      ['answer', undefined, undefined],
    );
    const fwd = await bot.forwardMessages(
      user.id,
      group.id,
      reply.map((m) => m.message_id),
    );
    assert.equal(fwd.length, 3);
    assert.equal(tg.message(user.id, fwd[0]!.message_id)?.forward_origin?.type, 'user');
    // The id rules.
    await refused(bot.copyMessages(group.id, user.id, []), 400, 'Bad Request: message identifiers are not specified');
    await refused(
      bot.copyMessages(
        group.id,
        user.id,
        Array.from({ length: 101 }, (_, i) => i + 1),
      ),
      400,
      'Bad Request: too many message identifiers specified',
    );
    await refused(bot.copyMessages(group.id, user.id, [3, 3]), 400, 'Bad Request: message identifiers must be in a strictly increasing order');
    await refused(bot.copyMessages(group.id, user.id, [900, 901]), 400, 'Bad Request: there are no messages to forward');
  });
});

describe('edit fidelity', () => {
  test('edits of copies in a topic and in a private chat, and the errors of each kind', async (t) => {
    const { tg, group, manager, user, topic, bot } = await desk(t);
    const thread = topic.message_thread_id;
    const text = tg.userSends(user, { text: 'hello' });
    const photo = tg.userSends(user, { photo: true, caption: 'pic' });
    const { message_id: textCopy } = await bot.copyMessage(group.id, user.id, text.message_id, { message_thread_id: thread });
    const { message_id: photoCopy } = await bot.copyMessage(group.id, user.id, photo.message_id, { message_thread_id: thread });
    const edited = (await bot.editMessageText(group.id, textCopy, 'hello (edited)')) as Message;
    assert.deepEqual([edited.text, edited.message_thread_id, edited.is_topic_message, typeof edited.edit_date], ['hello (edited)', thread, true, 'number']);
    const recaptioned = (await bot.editMessageCaption(group.id, photoCopy, { caption: '<b>pic</b> v2', parse_mode: 'HTML' })) as Message;
    assert.deepEqual(
      [recaptioned.caption, recaptioned.caption_entities, recaptioned.message_thread_id],
      ['pic v2', [{ type: 'bold', offset: 0, length: 3 }], thread],
    );
    const notModified =
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
    await refused(bot.editMessageText(group.id, textCopy, 'hello (edited)'), 400, notModified);
    await refused(bot.editMessageCaption(group.id, photoCopy, { caption: '<b>pic</b> v2', parse_mode: 'HTML' }), 400, notModified);
    await refused(bot.editMessageText(group.id, photoCopy, 'x'), 400, 'Bad Request: there is no text in the message to edit');
    await refused(bot.editMessageCaption(group.id, textCopy, { caption: 'x' }), 400, 'Bad Request: there is no caption in the message to edit');
    await refused(bot.editMessageText(group.id, 99999, 'x'), 400, 'Bad Request: message to edit not found');
    await refused(bot.editMessageCaption(group.id, 99999, { caption: 'x' }), 400, 'Bad Request: message to edit not found');
    const mine = tg.managerSends(group.id, manager, { text: 'manager text' }, { threadId: thread });
    await refused(bot.editMessageText(group.id, mine.message_id, 'x'), 400, "Bad Request: message can't be edited");
    await refused(bot.editMessageText(group.id, thread, 'x'), 400, "Bad Request: message can't be edited"); // the creation service message
    // In the private chat: the copy of a manager's reply.
    const { message_id: privateCopy } = await bot.copyMessage(user.id, group.id, mine.message_id);
    assert.equal(((await bot.editMessageText(user.id, privateCopy, 'manager text, fixed')) as Message).text, 'manager text, fixed');
    await refused(bot.editMessageText(user.id, text.message_id, 'x'), 400, "Bad Request: message can't be edited");
    tg.userBlocksBot(user);
    await refused(bot.editMessageText(user.id, privateCopy, 'y'), 403, 'Forbidden: bot was blocked by the user');
    assert.equal(tg.message(group.id, textCopy)?.text, 'hello (edited)');
  });

  test('userEdits and managerEdits: text and caption edits arrive as edited_message', async (t) => {
    const { tg, group, manager, user, topic } = await desk(t);
    await call(tg, 'getUpdates', { offset: -1 });
    await call(tg, 'getUpdates', { offset: (await call(tg, 'getUpdates')).body.result[0].update_id + 1 });
    tg.userUnblocksBot(user);
    const photo = tg.userSends(user, { photo: true, caption: 'old' });
    tg.userEdits(user, photo.message_id, { photo: true, caption: 'new' });
    const said = tg.managerSends(group.id, manager, { text: 'typo' }, { threadId: topic.message_thread_id });
    tg.managerEdits(group.id, manager, said.message_id, { text: 'fixed' });
    assert.throws(() => tg.userEdits(user, photo.message_id, { text: 'x' }), /no text/);
    const edits = ((await call(tg, 'getUpdates')).body.result as Update[]).filter((u) => u.edited_message).map((u) => u.edited_message!);
    assert.deepEqual(
      edits.map((m) => [m.caption ?? m.text, m.message_thread_id, typeof m.edit_date]),
      [
        ['new', undefined, 'number'],
        ['fixed', topic.message_thread_id, 'number'],
      ],
    );
    tg.setBotRights(group.id, { status: 'member' });
    tg.managerEdits(group.id, manager, said.message_id, { text: 'unseen by a non-admin bot' });
    const later = (await call(tg, 'getUpdates', { offset: -1 })).body.result as Update[];
    assert.equal(
      later.some((u) => u.edited_message),
      false,
    );
  });
});

describe('scale', () => {
  test('10 000 messages from 1 000 users: enqueue, drain, copy and read a topic stay fast', async (t) => {
    const { tg, group, user, topic, bot } = await desk(t);
    const logged = tg.calls.length;
    tg.recordCalls = false;
    const deliveries = new Map<number, number>();
    tg.onSent = (chatId) => deliveries.set(chatId, (deliveries.get(chatId) ?? 0) + 1);
    const users = Array.from({ length: 1000 }, (_, i) => tg.createUser({ first_name: `U${i}` }));
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) tg.userSends(users[i % 1000]!, { text: `m${i}` });
    let offset = 0;
    let seen = 0;
    for (;;) {
      const batch: Update[] = (await call(tg, 'getUpdates', { offset, limit: 100 })).body.result;
      if (batch.length === 0) break;
      seen += batch.filter((u) => u.message?.text?.startsWith('m')).length;
      offset = batch.at(-1)!.update_id + 1;
    }
    assert.equal(seen, 10_000);
    for (let i = 0; i < 300; i++) await bot.copyMessage(group.id, users[0]!.id, 1 + i, { message_thread_id: topic.message_thread_id }).catch(() => undefined);
    const elapsed = performance.now() - started;
    assert.equal(tg.calls.length, logged, 'recordCalls = false keeps no log');
    assert.equal(deliveries.get(group.id), 10, 'users[0] sent 10 messages, ids 1..10');
    assert.equal(tg.messages(group.id, topic.message_thread_id).length, 11);
    assert.equal(tg.messages(user.id).length, 1);
    assert.ok(elapsed < 15_000, `took ${Math.round(elapsed)} ms`);
  });
});
