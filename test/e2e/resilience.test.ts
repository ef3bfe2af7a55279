// Two more ways Telegram can surprise a desk: the same message delivered
// twice, and the support group migrated to a new chat id. On SQLite and
// PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { command, pause, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { eventually, startDesk, text, type TestDesk } from '../support/desk.js';

for (const kind of dbKinds) {
  describe(`resilience on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      d = await startDesk(kind, { HELD_RETRY_SECONDS: '1' });
    });
    afterEach(async () => {
      await d.close();
    });

    test("the /start greeting speaks the user's language, and an admin can replace it", async () => {
      const ru = d.tg.createUser({ first_name: 'Иван', language_code: 'ru' });
      const unknown = d.tg.createUser({ first_name: 'Nobody' });
      const de = d.tg.createUser({ first_name: 'Hans', language_code: 'de' });
      for (const u of [ru, unknown, de]) d.tg.userSends(u, command('/start'));
      assert.match(text(await d.tg.waitFor(() => d.botMessagesTo(ru)[0])) ?? '', /^Здравствуйте!/);
      assert.match(text(await d.tg.waitFor(() => d.botMessagesTo(unknown)[0])) ?? '', /^Здравствуйте!/, 'Russian when Telegram gives no language');
      assert.match(text(await d.tg.waitFor(() => d.botMessagesTo(de)[0])) ?? '', /^Hello!/, 'English for other languages');

      await d.restart({ GREETING_EN: 'Welcome to ACME support <3', GREETING_RU: undefined });
      const en = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      d.tg.userSends(en, command('/start'));
      assert.equal(text(await d.tg.waitFor(() => d.botMessagesTo(en)[0])), 'Welcome to ACME support <3');
      assert.equal(d.tg.topics(d.group.id).length, 0, '/start opens no topic');
    });

    test('a topic Telegram created but whose answer was lost is removed, not left behind empty', async () => {
      const user = d.tg.createUser({ first_name: 'Lost', language_code: 'en' });
      d.tg.dropConnectionNext('createForumTopic', 1, { afterHandling: true });
      d.tg.userSends(user, { text: 'hello there' });
      const live = () => d.tg.topics(d.group.id).filter((t) => !t.deleted);
      // The first creation's answer is lost, so a second topic is made; the first one goes away.
      await d.tg.waitFor(() => d.tg.topics(d.group.id).length === 2 && live().length === 1, { timeoutMs: 15_000 });
      // The new topic's thread is recorded once Telegram's answer is in (the fake shows the topic a moment earlier).
      const stored = await eventually(() => d.app.db.prisma.topic.findFirst({ where: { userId: BigInt(user.id), threadId: { not: null } } }));
      assert.equal(live()[0]?.message_thread_id, stored.threadId);
      await d.tg.waitFor(() => d.topicMessages(stored.threadId!).some((m) => text(m) === 'hello there'));
    });

    test('a job the bot cannot carry out (from a newer version, say) is kept as FAILED and the managers are told in General', async () => {
      await d.app.db.prisma.outboxJob.create({ data: { queue: 'user:1', kind: 'fromTheFuture', payload: '{}' } });
      await d.restart();
      const notice = await d.tg.waitFor(() => d.tg.messages(d.group.id).find((m) => !m.is_topic_message && text(m)?.startsWith('⚠️ Internal error')));
      assert.match(text(notice) ?? '', /job #\d+\) was not sent/);
      const job = await eventually(async () => d.app.db.prisma.outboxJob.findFirst({ where: { kind: 'fromTheFuture', state: 'FAILED' } }));
      assert.match(job.lastError ?? '', /no handler/);
    });

    test('when even a re-created topic refuses the message, the user gets a plain notice in their language', async () => {
      const user = d.tg.createUser({ first_name: 'Петя', language_code: 'ru' });
      await userWrites(d, user, 'первое');
      d.tg.failWhen(
        (method, p) => method === 'copyMessage' && Number(p.chat_id) === d.group.id,
        { error_code: 400, description: 'Bad Request: message thread not found' },
        2,
      );
      d.tg.userSends(user, { text: 'второе' });
      const notice = await d.tg.waitFor(() => d.botMessagesTo(user).find((m) => text(m)?.startsWith('⚠️')));
      assert.equal(text(notice), '⚠️ Сообщение не доставлено в поддержку: поддержка временно недоступна. Попробуйте ещё раз или отправьте его по-другому.');
      await eventually(async () =>
        (await d.app.db.prisma.message.findFirst({ where: { userId: BigInt(user.id), userChatMessageId: { not: null }, state: 'FAILED' } }))?.error?.includes(
          'thread not found',
        ),
      );
    });

    test('the same user message delivered twice by Telegram is relayed once', async () => {
      const user = d.tg.createUser({ first_name: 'Twice', language_code: 'en' });
      const first = d.tg.userSends(user, { text: 'only once please' });
      const topic = await d.waitForTopicOf(user);
      await d.tg.waitFor(() => d.topicMessages(topic.message_thread_id).some((m) => text(m) === 'only once please'));
      d.tg.redeliverMessage(first);
      d.tg.userSends(user, { text: 'next' });
      await d.tg.waitFor(() => d.topicMessages(topic.message_thread_id).some((m) => text(m) === 'next'));
      await pause(300);
      assert.deepEqual(
        d
          .topicMessages(topic.message_thread_id)
          .map(text)
          .filter((t) => t === 'only once please' || t === 'next'),
        ['only once please', 'next'],
      );
      assert.equal(await d.app.db.prisma.message.count({ where: { userId: BigInt(user.id) } }), 2);
      const stored = await d.app.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(user.id) } });
      assert.equal(stored.messageCount, 2, 'a duplicate does not count as a message');
    });

    test("status changes while renames wait for the group's limit: the topic ends with the ticket's real status", async () => {
      const user = d.tg.createUser({ first_name: 'Quick', language_code: 'en' });
      // This desk needs the group's limit on (the test desk has limits off).
      await d.restart({ LIMIT_GROUP: { limit: 3, windowMs: 1500 } });
      const { topic } = await userWrites(d, user, 'hello');
      // The manager answers (📝 queued behind the limit), and the user answers back at once (❗️).
      d.tg.managerSends(d.group.id, d.manager, { text: 'hi, checking' }, { threadId: topic.message_thread_id });
      await d.tg.waitFor(() => d.botMessagesTo(user).some((m) => text(m) === 'hi, checking'));
      d.tg.userSends(user, { text: 'thanks, waiting' });
      await eventually(
        async () =>
          (await d.app.db.prisma.outboxJob.count({ where: { state: 'PENDING' } })) === 0 &&
          (await d.app.db.prisma.message.count({ where: { state: 'PENDING' } })) === 0,
        15_000,
      );
      const ticket = await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: BigInt(user.id) } });
      assert.equal(ticket.status, 'WAITING');
      assert.equal(d.tg.topics(d.group.id).find((t) => t.message_thread_id === topic.message_thread_id)?.name, '❗️ Quick');
    });

    test('the support group migrated: messages are held with the new chat id in the error, then delivered', async () => {
      const user = d.tg.createUser({ first_name: 'Held', language_code: 'en' });
      d.tg.failWhen(
        (method, p) => Number(p.chat_id) === d.group.id && /^(createForumTopic|sendMessage|copyMessage)$/.test(method),
        { error_code: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', parameters: { migrate_to_chat_id: -1009876543210 } },
        2,
      );
      d.tg.userSends(user, { text: 'are you there?' });
      const job = await eventually(async () => d.app.db.prisma.outboxJob.findFirst({ where: { lastError: { contains: 'upgraded' } } }));
      assert.match(job.lastError ?? '', /the new chat id is -1009876543210: set SUPPORT_CHAT_ID to it/);
      // Nothing was dropped: once Telegram accepts again, the message arrives.
      const topic = await d.waitForTopicOf(user);
      await d.tg.waitFor(() => d.topicMessages(topic.message_thread_id).some((m) => text(m) === 'are you there?'), { timeoutMs: 10_000 });
      await eventually(async () => (await d.app.db.prisma.message.findFirst({ where: { userId: BigInt(user.id) } }))?.state === 'DELIVERED');
    });
  });
}
