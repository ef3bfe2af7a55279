// What the README promises and no other suite showed: a reply to a deleted
// account, an anonymous admin's reply, /close outside a user's topic, a topic
// closed and reopened by hand in Telegram, and a token revoked while the bot
// runs. End to end against the fake Bot API server, on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { GROUP_ANONYMOUS_BOT } from '../fake-telegram/server.js';
import { callsTo, command, fromBot, outboxDrained, pause, userWrites } from '../support/actions.js';
import { startProcessDesk } from '../support/bot-process.js';
import { dbKinds } from '../support/databases.js';
import { eventually, startDesk, text, type TestDesk } from '../support/desk.js';

for (const kind of dbKinds) {
  describe(`README promises on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      d = await startDesk(kind);
    });
    afterEach(async () => {
      await d.close();
    });

    test('a reply to a user whose account was deleted: the managers get a notice in the topic, as a reply to it, and it is not retried', async () => {
      const user = d.tg.createUser({ first_name: 'Deleted', language_code: 'en' });
      const { thread } = await userWrites(d, user, 'goodbye');
      d.tg.deactivateUser(user);
      const reply = d.tg.managerSends(d.group.id, d.manager, { text: 'are you still there?' }, { threadId: thread });
      const notice = await d.tg.waitFor(() => d.topicMessages(thread).find((m) => fromBot(d, m) && m.reply_to_message?.message_id === reply.message_id));
      assert.equal(text(notice), "⚠️ Reply not delivered to the user: the user's account was deleted");
      const row = await eventually(async () => {
        const m = await d.app.db.prisma.message.findFirst({ where: { userId: BigInt(user.id), topicMessageId: reply.message_id } });
        return m?.state === 'FAILED' && m;
      });
      assert.equal(row.error, 'Forbidden: user is deactivated');
      await outboxDrained(d);
      await pause(1500);
      assert.deepEqual(
        callsTo(d.tg, 'copyMessage', user.id).map((c) => c.error_code ?? 'ok'),
        [403],
        'tried once, not retried',
      );
      assert.equal(d.botMessagesTo(user).length, 0);
    });

    test("an anonymous admin (from @GroupAnonymousBot, sender_chat the group) answers in a user's topic: the answer reaches the user", async () => {
      const user = d.tg.createUser({ first_name: 'Anon', language_code: 'en' });
      const { thread } = await userWrites(d, user, 'anyone there?');
      const sent = d.tg.anonymousAdminSends(d.group.id, { text: 'Yes, the support team here.' }, { threadId: thread });
      assert.equal(sent.from?.id, GROUP_ANONYMOUS_BOT.id, 'the fake sends it as Telegram does');
      assert.equal(sent.sender_chat?.id, d.group.id);
      const copy = await d.tg.waitFor(() => d.botMessagesTo(user).find((m) => text(m) === 'Yes, the support team here.'));
      assert.equal(copy.forward_origin, undefined, 'copied, not forwarded');
      assert.equal(copy.sender_chat, undefined, 'the user sees the bot, not the group');
      await d.tg.waitFor(() => d.tg.topics(d.group.id)[0]?.name === '📝 Anon');
    });

    test("/close in General (outside any user's topic): the bot says it works only in a user's topic and changes nothing", async () => {
      const user = d.tg.createUser({ first_name: 'Open', language_code: 'en' });
      const { thread } = await userWrites(d, user, 'still waiting');
      await outboxDrained(d);
      const changesBefore = await d.app.db.prisma.statusChange.count();
      const close = d.tg.managerSends(d.group.id, d.manager, command('/close'));
      assert.equal(close.is_topic_message, undefined, 'sent in General');
      const answer = await d.tg.waitFor(() => d.tg.messages(d.group.id).find((m) => fromBot(d, m) && m.reply_to_message?.message_id === close.message_id));
      assert.equal(text(answer), "This command works only inside a user's topic.");
      assert.equal(answer.is_topic_message, undefined, 'answered in General');
      await outboxDrained(d);
      await pause(1000);
      const ticket = await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: BigInt(user.id) } });
      assert.equal(ticket.status, 'WAITING');
      assert.equal(await d.app.db.prisma.statusChange.count(), changesBefore, 'no status change recorded');
      assert.equal(d.tg.topics(d.group.id).find((t) => t.message_thread_id === thread)?.name, '❗️ Open');
      assert.equal(d.botMessagesTo(user).length, 0, 'the user gets nothing');
    });

    test('a topic a manager closed and reopened in Telegram: the next user message lands in it, and the bot reopens nothing', async () => {
      const user = d.tg.createUser({ first_name: 'Toggle', language_code: 'en' });
      const { thread } = await userWrites(d, user, 'first');
      d.tg.managerClosesTopic(d.group.id, d.manager, thread);
      await eventually(async () => (await d.app.db.prisma.topic.findFirst({ where: { threadId: thread } }))?.closed === true);
      d.tg.managerReopensTopic(d.group.id, d.manager, thread);
      await eventually(async () => (await d.app.db.prisma.topic.findFirst({ where: { threadId: thread } }))?.closed === false);

      await userWrites(d, user, 'second');
      await outboxDrained(d);
      assert.equal(d.tg.topics(d.group.id).length, 1, 'the same topic');
      assert.equal(d.tg.topics(d.group.id)[0]?.closed, false);
      assert.deepEqual(callsTo(d.tg, 'reopenForumTopic', d.group.id), [], 'the bot did not reopen an open topic');
      assert.equal(d.topicMessages(thread).filter((m) => 'forum_topic_reopened' in m).length, 1, 'reopened once, by the manager');
      assert.deepEqual(
        d
          .topicMessages(thread)
          .filter((m) => fromBot(d, m) && !m.reply_markup && !('forum_topic_created' in m))
          .map(text),
        ['first', 'second'],
      );
    });
  });

  describe(`a revoked token on ${kind}`, () => {
    test('401 while polling: the bot process exits 1 saying Telegram does not accept the token', async () => {
      const desk = await startProcessDesk(kind);
      try {
        const bot = desk.start();
        await bot.ready();
        desk.tg.revokeToken();
        const exit = await Promise.race([bot.exited, pause(30_000).then(() => undefined)]);
        assert.ok(exit, `the bot did not stop within 30 s: ${bot.stderr()}`);
        assert.equal(exit.code, 1);
        assert.match(bot.stderr(), /Telegram does not accept BOT_TOKEN \(401 Unauthorized\): check it with @BotFather/);
        assert.ok(!bot.stderr().includes(desk.tg.token.split(':')[1]!), 'the token is never printed');
      } finally {
        await desk.close();
      }
    });
  });
}
