// Deliveries at the edges, end to end: a deleted topic, a user who blocked
// the bot, lost admin rights, Telegram's 5xx and dropped connections, texts
// over Telegram's limits and content Telegram refuses to copy. Nothing may be
// lost silently, nothing retried forever, nothing sent twice. On SQLite and
// PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Message, User } from 'grammy/types';
import { assertNoBrokenJobs, callsTo, command, fromBot as isFromBot, outboxDrained, pause, pressCardButton, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { eventually, startDesk, text, type TestDesk } from '../support/desk.js';

for (const kind of dbKinds) {
  describe(`delivery edges on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      // Held messages (lost rights) are retried every second instead of every minute.
      d = await startDesk(kind, { HELD_RETRY_SECONDS: '1' });
    });
    afterEach(async () => {
      await d.close();
    });

    const prisma = () => d.app.db.prisma;
    const fromBot = (m: Message) => isFromBot(d, m);
    /** The texts the bot sent a user that start with `prefix`, in order. */
    const botTextsTo = (user: User, prefix: string) =>
      d
        .botMessagesTo(user)
        .map(text)
        .filter((t) => t?.startsWith(prefix));

    const messageRow = (userId: number, where: { userChatMessageId?: number; topicMessageId?: number }) =>
      prisma().message.findFirstOrThrow({ where: { userId: BigInt(userId), ...where } });
    /** The message's row once it is FAILED. */
    const failedRow = (userId: number, where: { userChatMessageId?: number; topicMessageId?: number }) =>
      eventually(async () => {
        const m = await messageRow(userId, where);
        return m.state === 'FAILED' && m;
      });
    /** Telegram refuses every copy of this message (from the chat it is in) with a 400. */
    const refuseCopiesOf = (fromChatId: number, messageId: number, description: string) =>
      d.tg.failWhen(
        (method, p) => method === 'copyMessage' && Number(p.from_chat_id) === fromChatId && Number(p.message_id) === messageId,
        { error_code: 400, description },
        100,
      );
    /** The first ⚠️ notice the bot sent the user. */
    const noticeTo = (user: User) => d.tg.waitFor(() => d.botMessagesTo(user).find((m) => text(m)?.startsWith('⚠️')));

    test('deleted topic: the next messages open ONE new topic, in order, whose card says the old one was lost', async () => {
      const user = d.tg.createUser({ first_name: 'Lena', last_name: 'Lost', language_code: 'en' });
      const { topic: old } = await userWrites(d, user, 'before deletion');
      // A manager answers first (📝), so the old card is also the one a status change would edit.
      d.tg.managerSends(d.group.id, d.manager, { text: 'looking into it' }, { threadId: old.message_thread_id });
      await d.tg.waitFor(() => d.botMessagesTo(user).some((m) => text(m) === 'looking into it'));
      await outboxDrained(d);
      const oldCardId = (await prisma().ticket.findFirstOrThrow({ where: { userId: BigInt(user.id) } })).cardMessageId;

      d.tg.managerDeletesTopic(d.group.id, old.message_thread_id);
      // Two messages right after the deletion: both must land in the one new topic, in order.
      const first = d.tg.userSends(user, { text: 'after deletion 1' });
      const second = d.tg.userSends(user, { text: 'after deletion 2' });

      const fresh = await d.tg.waitFor(() => d.tg.topics(d.group.id).find((t) => !t.deleted));
      assert.notEqual(fresh.message_thread_id, old.message_thread_id);
      await d.tg.waitFor(() => d.topicMessages(fresh.message_thread_id).filter((m) => text(m)?.startsWith('after deletion')).length === 2, {
        timeoutMs: 10_000,
      });
      await outboxDrained(d);

      const topics = d.tg.topics(d.group.id);
      assert.equal(topics.length, 2, 'exactly one new topic');
      assert.deepEqual(
        topics.map((t) => t.deleted),
        [true, false],
      );
      assert.equal(callsTo(d.tg, 'createForumTopic', d.group.id, (c) => c.ok).length, 2, 'one topic for the first message, one replacement');
      assert.equal(fresh.name, '❗️ Lena Lost', 'the user wrote again: ❗️');

      const inTopic = d.topicMessages(fresh.message_thread_id);
      assert.ok(inTopic[0] && 'forum_topic_created' in inTopic[0], 'the topic starts with its creation message');
      const card = inTopic[1];
      assert.ok(card && fromBot(card), 'then the card');
      assert.match(text(card) ?? '', /Lena Lost/);
      assert.match(text(card) ?? '', /previous topic was deleted/);
      assert.ok(card?.reply_markup?.inline_keyboard.flat().length, 'the card keeps its status buttons');
      assert.deepEqual(inTopic.slice(2).map(text), ['after deletion 1', 'after deletion 2'], 'then both messages, in order, nothing else');

      // The database follows the new topic: the mapping, the card, the copies.
      const row = await prisma().topic.findFirstOrThrow({ where: { userId: BigInt(user.id), current: true } });
      assert.equal(row.threadId, fresh.message_thread_id);
      assert.equal(row.closed, false);
      const ticket = await prisma().ticket.findFirstOrThrow({ where: { userId: BigInt(user.id) } });
      assert.equal(ticket.cardMessageId, card!.message_id);
      assert.notEqual(ticket.cardMessageId, oldCardId);
      assert.equal(ticket.status, 'WAITING');
      for (const [sent, copy] of [
        [first, inTopic[2]],
        [second, inTopic[3]],
      ] as const) {
        const m = await messageRow(user.id, { userChatMessageId: sent.message_id });
        assert.equal(m.state, 'DELIVERED');
        assert.equal(m.topicMessageId, copy!.message_id);
      }

      // Managers answer in the new topic, and it reaches the user.
      d.tg.managerSends(d.group.id, d.manager, { text: 'found you again' }, { threadId: fresh.message_thread_id });
      await d.tg.waitFor(() => d.botMessagesTo(user).some((m) => text(m) === 'found you again'));
      await assertNoBrokenJobs(d);
    });

    test('deleted topic after 🏁 and closing: the new ticket gets one new topic with ONE card, which says the old topic was lost', async () => {
      const user = d.tg.createUser({ first_name: 'Rita', language_code: 'en' });
      const { topic: old } = await userWrites(d, user, 'first question');
      d.tg.managerSends(d.group.id, d.manager, command('/close'), { threadId: old.message_thread_id });
      await d.tg.waitFor(() => d.tg.topics(d.group.id)[0]?.name === '🏁 Rita');
      d.tg.managerClosesTopic(d.group.id, d.manager, old.message_thread_id);
      await eventually(async () => (await prisma().topic.findFirst({ where: { threadId: old.message_thread_id } }))?.closed);
      await outboxDrained(d);

      d.tg.managerDeletesTopic(d.group.id, old.message_thread_id);
      d.tg.userSends(user, { text: 'second question' });
      d.tg.userSends(user, { text: 'second question, more' });
      const fresh = await d.tg.waitFor(() => d.tg.topics(d.group.id).find((t) => !t.deleted));
      await d.tg.waitFor(() => d.topicMessages(fresh.message_thread_id).filter((m) => text(m)?.startsWith('second question')).length === 2, {
        timeoutMs: 10_000,
      });
      await outboxDrained(d);

      assert.equal(d.tg.topics(d.group.id).length, 2, 'exactly one new topic');
      assert.equal(fresh.name, '❗️ Rita');
      assert.equal(fresh.closed, false);
      const inTopic = d.topicMessages(fresh.message_thread_id);
      const cards = inTopic.filter((m) => fromBot(m) && m.reply_markup);
      assert.equal(cards.length, 1, `one card in the new topic, got: ${JSON.stringify(cards.map(text))}`);
      assert.match(text(cards[0]) ?? '', /Ticket #2 · earlier tickets: 1/);
      assert.match(text(cards[0]) ?? '', /previous topic was deleted/);
      assert.deepEqual(inTopic.slice(2).map(text), ['second question', 'second question, more']);

      const tickets = await prisma().ticket.findMany({ where: { userId: BigInt(user.id) }, orderBy: { id: 'asc' } });
      assert.deepEqual(
        tickets.map((t) => t.status),
        ['RESOLVED', 'WAITING'],
      );
      assert.equal(tickets[1]!.cardMessageId, cards[0]!.message_id, "the new ticket's card is the one in the new topic");
      const row = await prisma().topic.findFirstOrThrow({ where: { userId: BigInt(user.id), current: true } });
      assert.equal(row.threadId, fresh.message_thread_id);
      assert.equal(row.closed, false);

      // The card's buttons work on the new ticket.
      pressCardButton(d, d.manager, cards[0]!.message_id, '📝 Take');
      await d.tg.waitFor(() => d.tg.topics(d.group.id).find((t) => !t.deleted)?.name === '📝 Rita');
      await assertNoBrokenJobs(d);
    });

    test('blocked user: flagged with a notice; a reply fails once with a notice, no retry; unblocking brings them back', async () => {
      const user = d.tg.createUser({ first_name: 'Boris', language_code: 'en' });
      const { thread } = await userWrites(d, user, 'hello');

      d.tg.userBlocksBot(user);
      await eventually(async () => (await prisma().user.findUnique({ where: { id: BigInt(user.id) } }))?.blocked === true);
      const blockedNotice = await d.tg.waitFor(() => d.topicMessages(thread).find((m) => fromBot(m) && /blocked the bot/.test(text(m) ?? '')));
      assert.equal(text(blockedNotice), '⛔️ The user blocked the bot: replies will not reach them.');

      const reply = d.tg.managerSends(d.group.id, d.manager, { text: 'are you there?' }, { threadId: thread });
      const notice = await d.tg.waitFor(() => d.topicMessages(thread).find((m) => fromBot(m) && m.reply_to_message?.message_id === reply.message_id));
      assert.equal(text(notice), '⚠️ Reply not delivered to the user: the user blocked the bot');
      const failed = await failedRow(user.id, { topicMessageId: reply.message_id });
      assert.equal(failed.direction, 'OUTBOUND');
      assert.equal(failed.error, 'Forbidden: bot was blocked by the user');
      assert.equal(failed.userChatMessageId, null);

      // A 403 is final: the copy is not tried again.
      await outboxDrained(d);
      await pause(1200);
      const copies = callsTo(d.tg, 'copyMessage', user.id);
      assert.equal(copies.length, 1, 'the copy to the user was tried exactly once');
      assert.equal(copies[0]?.error_code, 403);
      assert.equal(await prisma().outboxJob.count(), 0);

      // Unblocked, the user writes again.
      d.tg.userUnblocksBot(user);
      await eventually(async () => (await prisma().user.findUnique({ where: { id: BigInt(user.id) } }))?.blocked === false);
      await userWrites(d, user, 'I am back');
      const isBack = (m: Message) => fromBot(m) && text(m) === 'ℹ️ The user can receive replies again.';
      await d.tg.waitFor(() => d.topicMessages(thread).find(isBack));
      await outboxDrained(d);
      assert.equal(d.topicMessages(thread).filter(isBack).length, 1, 'one "back" notice, not one per signal');
      assert.equal(d.tg.topics(d.group.id).length, 1, 'the same topic');
      assert.equal((await prisma().user.findUniqueOrThrow({ where: { id: BigInt(user.id) } })).blocked, false);

      // And replies reach them again.
      d.tg.managerSends(d.group.id, d.manager, { text: 'welcome back' }, { threadId: thread });
      await d.tg.waitFor(() => d.botMessagesTo(user).some((m) => text(m) === 'welcome back'));
      assert.deepEqual(d.botMessagesTo(user).map(text), ['welcome back'], 'the failed reply was never delivered late');
      await assertNoBrokenJobs(d);
    });

    test('lost "Manage topics" right: a new user\'s message is held (PENDING, job with lastError) and delivered once the right is back', async () => {
      d.tg.setBotRights(d.group.id, { status: 'administrator', can_manage_topics: false });
      const user = d.tg.createUser({ first_name: 'Held', language_code: 'en' });
      const sent = d.tg.userSends(user, { text: 'while the bot has no rights' });

      const job = await eventually(async () => {
        const j = await prisma().outboxJob.findFirst({ where: { kind: 'openTopic' } });
        return j?.lastError ? j : undefined;
      });
      assert.equal(job.lastError, 'Bad Request: not enough rights to create a topic');
      assert.equal(job.state, 'PENDING');
      // The managers are told once, in General, that messages are being held.
      // (The queue board and its pin notice are in General too: the bot can still post there.)
      const general = () => d.tg.messages(d.group.id).filter((m) => fromBot(m) && !m.is_topic_message && !text(m)?.startsWith('📋') && !m.pinned_message);
      await d.tg.waitFor(() => general().length === 1);
      assert.match(text(general()[0]) ?? '', /cannot post in this group.*not enough rights to create a topic/s);

      // Held, not dropped: it keeps trying, and nothing reaches Telegram meanwhile.
      await pause(1500);
      assert.equal(d.tg.topics(d.group.id).length, 0);
      const message = await messageRow(user.id, { userChatMessageId: sent.message_id });
      assert.equal(message.state, 'PENDING');
      const still = await prisma().outboxJob.findFirstOrThrow({ where: { kind: 'openTopic' } });
      assert.ok(still.attempts >= 2, `retried while held (attempts: ${still.attempts})`);
      assert.equal(await prisma().outboxJob.count({ where: { kind: 'copyToTopic', state: 'PENDING' } }), 1);
      assert.equal(general().length, 1, 'the held notice is not repeated on every retry');

      d.tg.setBotRights(d.group.id, { status: 'administrator', can_manage_topics: true });
      const topic = await d.waitForTopicOf(user);
      await d.tg.waitFor(() => d.topicMessages(topic.message_thread_id).some((m) => text(m) === 'while the bot has no rights'), { timeoutMs: 4000 });
      await outboxDrained(d);
      assert.equal(d.tg.topics(d.group.id).length, 1);
      assert.equal(d.topicMessages(topic.message_thread_id).filter((m) => text(m) === 'while the bot has no rights').length, 1, 'delivered once');
      assert.equal((await messageRow(user.id, { userChatMessageId: sent.message_id })).state, 'DELIVERED');
      assert.ok(
        d.topicMessages(topic.message_thread_id).some((m) => fromBot(m) && /Ticket #/.test(text(m) ?? '')),
        'with its card',
      );
      await assertNoBrokenJobs(d);
    });

    test("bot removed from the group: an existing user's message is held and delivered to the same topic once the bot is back", async () => {
      const user = d.tg.createUser({ first_name: 'Kept', language_code: 'en' });
      const { topic } = await userWrites(d, user, 'before removal');
      await outboxDrained(d);

      d.tg.setBotRights(d.group.id, { status: 'kicked' });
      const sent = d.tg.userSends(user, { text: 'while the bot is out' });
      const job = await eventually(async () => {
        const j = await prisma().outboxJob.findFirst({ where: { kind: 'copyToTopic' } });
        return j?.lastError ? j : undefined;
      });
      assert.equal(job.lastError, 'Forbidden: bot was kicked from the supergroup chat');
      await pause(1500);
      assert.equal((await messageRow(user.id, { userChatMessageId: sent.message_id })).state, 'PENDING');
      assert.ok((await prisma().outboxJob.findFirstOrThrow({ where: { kind: 'copyToTopic' } })).attempts >= 2, 'retried while held');
      assert.equal(d.botMessagesTo(user).length, 0, 'the user is not told anything went wrong: nothing did, it waits');

      d.tg.setBotRights(d.group.id, { status: 'administrator' });
      await d.tg.waitFor(() => d.topicMessages(topic.message_thread_id).some((m) => text(m) === 'while the bot is out'), { timeoutMs: 4000 });
      await outboxDrained(d);
      assert.equal(d.tg.topics(d.group.id).length, 1, 'the same topic');
      assert.deepEqual(
        d
          .topicMessages(topic.message_thread_id)
          .map(text)
          .filter((t) => t === 'before removal' || t === 'while the bot is out'),
        ['before removal', 'while the bot is out'],
      );
      assert.equal((await messageRow(user.id, { userChatMessageId: sent.message_id })).state, 'DELIVERED');
      await assertNoBrokenJobs(d);
    });

    test('a manager answers in a new topic before the bot has heard it was created: the answer reaches the user, in order', async () => {
      const user = d.tg.createUser({ first_name: 'Quick', language_code: 'en' });
      // Telegram creates the topic at once but its answer to the bot comes late: the
      // manager's messages there arrive as updates about a thread the bot does not know yet.
      d.tg.answerLateNext('createForumTopic', 700);
      d.tg.userSends(user, { text: 'hello?' });
      const topic = await d.waitForTopicOf(user);
      d.tg.managerSends(d.group.id, d.manager, { text: 'quick 1' }, { threadId: topic.message_thread_id });
      d.tg.managerSends(d.group.id, d.manager, { text: 'quick 2' }, { threadId: topic.message_thread_id });
      const answers = () => botTextsTo(user, 'quick');
      await d.tg.waitFor(() => answers().length === 2, { timeoutMs: 10_000 });
      await outboxDrained(d);
      assert.deepEqual(answers(), ['quick 1', 'quick 2']);
      await assertNoBrokenJobs(d);
    });

    // Bug: a message waiting for its new topic to be recorded waits for every
    // creation in progress (another user's, slower): a later message in the
    // same topic, arriving once that topic is known, goes ahead of it.
    test("a message waiting for its topic's record is not overtaken while another user's topic is still being created", async () => {
      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const bob = d.tg.createUser({ first_name: 'Bob', language_code: 'en' });
      d.tg.answerLateNext('createForumTopic', 700);
      d.tg.userSends(ann, { text: 'hello?' });
      const annTopic = await d.waitForTopicOf(ann);
      d.tg.answerLateNext('createForumTopic', 4000);
      d.tg.userSends(bob, { text: 'me too' });
      await d.waitForTopicOf(bob);
      d.tg.managerSends(d.group.id, d.manager, { text: 'order 1' }, { threadId: annTopic.message_thread_id });
      // Ann's topic is recorded; Bob's creation still waits for its answer.
      await eventually(() => d.app.db.prisma.topic.findFirst({ where: { userId: BigInt(ann.id), threadId: { not: null } } }));
      d.tg.managerSends(d.group.id, d.manager, { text: 'order 2' }, { threadId: annTopic.message_thread_id });
      const answers = () => botTextsTo(ann, 'order');
      await d.tg.waitFor(() => answers().length === 2, { timeoutMs: 10_000 });
      assert.deepEqual(answers(), ['order 1', 'order 2']);
      await outboxDrained(d);
      await assertNoBrokenJobs(d);
    });

    test('5xx and dropped connections: retried, delivered exactly once, order kept', async () => {
      const user = d.tg.createUser({ first_name: 'Storm', language_code: 'en' });
      // Telegram answers 502 twice to the copy of the first message only.
      const first = d.tg.userSends(user, { text: 'storm 1' });
      const isFirstCopy = (method: string, p: Record<string, unknown>) =>
        method === 'copyMessage' && Number(p.chat_id) === d.group.id && Number(p.message_id) === first.message_id;
      d.tg.failWhen(isFirstCopy, { error_code: 502, description: 'Bad Gateway' }, 2);
      const second = d.tg.userSends(user, { text: 'storm 2' });

      const topic = await d.waitForTopicOf(user);
      const thread = topic.message_thread_id;
      const storm = () =>
        d
          .topicMessages(thread)
          .map(text)
          .filter((t) => t?.startsWith('storm'));
      await d.tg.waitFor(() => storm().length === 2, { timeoutMs: 10_000 });
      await outboxDrained(d);
      assert.deepEqual(storm(), ['storm 1', 'storm 2'], 'each once, the retried one not overtaken');
      const firstCopies = callsTo(d.tg, 'copyMessage', d.group.id, (c) => Number(c.params.message_id) === first.message_id);
      assert.deepEqual(
        firstCopies.map((c) => c.error_code ?? 'ok'),
        [502, 502, 'ok'],
      );
      assert.equal(callsTo(d.tg, 'copyMessage', d.group.id, (c) => Number(c.params.message_id) === second.message_id).length, 1);
      for (const sent of [first, second]) assert.equal((await messageRow(user.id, { userChatMessageId: sent.message_id })).state, 'DELIVERED');

      // The connection drops before Telegram answers: grammY sees a network error; the copy is sent again.
      d.tg.dropConnectionNext('copyMessage');
      const third = d.tg.userSends(user, { text: 'storm 3' });
      await d.tg.waitFor(() => storm().length === 3, { timeoutMs: 10_000 });
      await outboxDrained(d);
      await pause(300);
      assert.deepEqual(storm(), ['storm 1', 'storm 2', 'storm 3']);
      const thirdCopies = callsTo(d.tg, 'copyMessage', d.group.id, (c) => Number(c.params.message_id) === third.message_id);
      assert.deepEqual(
        thirdCopies.map((c) => (c.dropped ? 'dropped' : c.ok ? 'ok' : c.error_code)),
        ['dropped', 'ok'],
      );
      const row = await messageRow(user.id, { userChatMessageId: third.message_id });
      assert.equal(row.state, 'DELIVERED');
      assert.equal(row.topicMessageId, d.topicMessages(thread).find((m) => text(m) === 'storm 3')!.message_id);
      assert.equal(d.botMessagesTo(user).length, 0, 'the user was never told of a failure');
      await assertNoBrokenJobs(d);
    });

    test('too long: a caption Telegram refuses gets the user a notice in their language, no retry; a refused reply gets the managers a notice', async () => {
      const user = d.tg.createUser({ first_name: 'Verbose', language_code: 'en' });
      const { thread } = await userWrites(d, user, 'short one');
      await outboxDrained(d);

      // A Premium user may write a 2048-character caption; a bot may send at most 1024. The fake
      // copies any caption, so Telegram's refusal is forced for this message (and every retry).
      const caption = `screenshot: ${'x'.repeat(1500)}`;
      const photo = d.tg.userSends(user, { photo: true, caption });
      assert.equal(photo.caption?.length, caption.length, "the fake keeps the long caption on the user's message");
      refuseCopiesOf(user.id, photo.message_id, 'Bad Request: message caption is too long');
      const notice = await noticeTo(user);
      assert.equal(text(notice), '⚠️ Your message did not reach support: the message is too long. Please try again or send it another way.');
      const row = await failedRow(user.id, { userChatMessageId: photo.message_id });
      assert.equal(row.error, 'Bad Request: message caption is too long');
      await outboxDrained(d);
      await pause(1200);
      assert.equal(callsTo(d.tg, 'copyMessage', d.group.id, (c) => Number(c.params.message_id) === photo.message_id).length, 1, 'not retried');
      assert.ok(!d.topicMessages(thread).some((m) => 'photo' in m));
      assert.equal(d.botMessagesTo(user).length, 1, 'one notice');

      // A manager's message Telegram refuses to copy to the user.
      const reply = d.tg.managerSends(d.group.id, d.manager, { text: 'a very long answer' }, { threadId: thread });
      refuseCopiesOf(d.group.id, reply.message_id, 'Bad Request: message is too long');
      const topicNotice = await d.tg.waitFor(() => d.topicMessages(thread).find((m) => fromBot(m) && m.reply_to_message?.message_id === reply.message_id));
      assert.equal(text(topicNotice), '⚠️ Reply not delivered to the user: the message is too long for Telegram');
      const out = await failedRow(user.id, { topicMessageId: reply.message_id });
      assert.equal(out.error, 'Bad Request: message is too long');
      await outboxDrained(d);
      await pause(1200);
      assert.equal(callsTo(d.tg, 'copyMessage', user.id).length, 1, 'not retried');
      assert.equal(d.botMessagesTo(user).length, 1, 'the user got nothing but the earlier notice');
      assert.equal((await prisma().user.findUniqueOrThrow({ where: { id: BigInt(user.id) } })).blocked, false, 'a refusal is not a block');
      await assertNoBrokenJobs(d);
    });

    test('content Telegram cannot copy: the user gets a notice in Russian, and the next message goes through', async () => {
      const user = d.tg.createUser({ first_name: 'Иван', language_code: 'ru' });
      const { thread } = await userWrites(d, user, 'Привет');
      await outboxDrained(d);

      const poll = d.tg.userSends(user, { poll: { question: 'Что выбрать?', options: ['А', 'Б'] } });
      refuseCopiesOf(user.id, poll.message_id, "Bad Request: message can't be copied");
      const notice = await noticeTo(user);
      assert.equal(
        text(notice),
        '⚠️ Сообщение не доставлено в поддержку: такой тип сообщения нельзя переслать. Попробуйте ещё раз или отправьте его по-другому.',
      );
      const row = await failedRow(user.id, { userChatMessageId: poll.message_id });
      assert.equal(row.error, "Bad Request: message can't be copied");
      assert.equal(row.kind, 'poll');

      await userWrites(d, user, 'А так дойдёт?');
      await outboxDrained(d);
      assert.deepEqual(
        d
          .topicMessages(thread)
          .filter((m) => fromBot(m) && !m.reply_markup && !('forum_topic_created' in m))
          .map(text),
        ['Привет', 'А так дойдёт?'],
      );
      assert.ok(!d.topicMessages(thread).some((m) => 'poll' in m));
      assert.equal(callsTo(d.tg, 'copyMessage', d.group.id, (c) => Number(c.params.message_id) === poll.message_id).length, 1, 'not retried');
      assert.equal(d.botMessagesTo(user).length, 1, 'one notice');
      await assertNoBrokenJobs(d);
    });
  });
}
