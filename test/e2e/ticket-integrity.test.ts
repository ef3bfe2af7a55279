// What keeps tickets honest when things happen at once or go wrong: a user's
// message and a manager's /close in one breath, forged button data, the
// bot's own answers under the group's limit, and jobs that can never succeed
// (a bug) failing visibly without blocking anyone. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { User } from 'grammy/types';
import { command, pressCardButton, userWrites as writes } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { eventually, startDesk, text, type TestDesk } from '../support/desk.js';

for (const kind of dbKinds) {
  describe(`ticket integrity on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      d = await startDesk(kind);
    });
    afterEach(async () => {
      await d.close();
    });

    const userWrites = async (user: User, body: string) => (await writes(d, user, body)).thread;

    async function cardOf(userId: number) {
      return eventually(async () => {
        const ticket = await d.app.db.prisma.ticket.findFirst({ where: { userId: BigInt(userId) }, orderBy: { id: 'desc' } });
        return ticket?.cardMessageId ? ticket : undefined;
      });
    }

    test("a /close and a user message sent at the same moment are decided in Telegram's order: the message opens a new ticket, every time", async () => {
      // Bug caught: users' updates sequentialized by the private chat and
      // managers' by the topic, so the two decisions ran at once and the
      // message landed on the ticket /close had just resolved (🏁 topic, nobody told).
      const rounds = 12;
      for (let i = 0; i < rounds; i++) {
        const user = d.tg.createUser({ first_name: `Race${i}`, language_code: 'en' });
        const thread = await userWrites(user, `first ${i}`);
        const first = await cardOf(user.id);
        // One batch: the manager's /close first, the user's next message right after it.
        d.tg.managerSends(d.group.id, d.manager, command('/close'), { threadId: thread });
        const late = d.tg.userSends(user, { text: `late ${i}` });
        const row = await eventually(() => d.app.db.prisma.message.findFirst({ where: { userId: BigInt(user.id), userChatMessageId: late.message_id } }));
        const resolved = await d.app.db.prisma.ticket.findUniqueOrThrow({ where: { id: first.id } });
        assert.equal(resolved.status, 'RESOLVED', `round ${i}: /close resolved the first ticket`);
        assert.notEqual(row.ticketId, first.id, `round ${i}: the message that came after /close must not land on the resolved ticket`);
        const latest = await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: BigInt(user.id) }, orderBy: { id: 'desc' } });
        assert.equal(latest.id, row.ticketId);
        assert.equal(latest.status, 'WAITING');
        await d.tg.waitFor(() => d.tg.topics(d.group.id).find((t) => t.message_thread_id === thread)?.name === `❗️ Race${i}`);
      }
    });

    test('forged or outdated button data is refused with a clear answer and changes nothing', async () => {
      // Bugs caught: a ticket id from another user's card accepted (one topic's
      // button resolving someone else's ticket); malformed data reaching the
      // handler; a press left unanswered (the manager's spinner never stops).
      const anna = d.tg.createUser({ first_name: 'Anna', language_code: 'en' });
      const boris = d.tg.createUser({ first_name: 'Boris', language_code: 'en' });
      await userWrites(anna, 'hello from Anna');
      await userWrites(boris, 'hello from Boris');
      const annaTicket = await cardOf(anna.id);
      const borisTicket = await cardOf(boris.id);
      const forged = [`status:${borisTicket.id}:RESOLVED`, `status:${annaTicket.id}:DONE`, 'status:x:RESOLVED', `status:${annaTicket.id}`, 'nonsense:1'];
      for (const data of forged) {
        const id = d.tg.forgeCallbackQuery(d.manager, d.group.id, annaTicket.cardMessageId!, data);
        const answer = await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === id));
        assert.ok(answer.text === 'This button is outdated or not for you.' || answer.text === 'Ticket not found.', `${data}: ${answer.text}`);
      }
      const tickets = await d.app.db.prisma.ticket.findMany({ orderBy: { id: 'asc' } });
      assert.deepEqual(
        tickets.map((t) => t.status),
        ['WAITING', 'WAITING'],
        'nothing changed',
      );
      assert.equal(await d.app.db.prisma.statusChange.count({ where: { actorId: { not: null } } }), 0);

      // The card's real data pressed outside the support group (a forged query from a private chat) is refused too.
      const own = d.tg.userSends(anna, { text: 'my own message' });
      const id = d.tg.forgeCallbackQuery(anna, anna.id, own.message_id, `status:${annaTicket.id}:RESOLVED`);
      const answer = await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === id));
      assert.equal(answer.text, 'This button is outdated or not for you.');
      assert.equal((await d.app.db.prisma.ticket.findUniqueOrThrow({ where: { id: annaTicket.id } })).status, 'WAITING');
    });

    test("the bot's answers to commands count against the group's limit: a burst of them meets no 429", async () => {
      // Bug caught: command answers sent with ctx.reply straight to Telegram,
      // past the limiter: under a burst the group gets 429s (and with
      // autoRetry the conversation's turn waits out retry_after).
      await d.close();
      // A compressed clock: Telegram's 20 per minute becomes 5 per second, on both sides.
      d = await startDesk(kind, { LIMIT_GROUP: '5/1s' });
      d.tg.setRateLimits({ groupPerMinute: 5, groupWindowMs: 1000 });
      const user = d.tg.createUser({ first_name: 'Burst', language_code: 'en' });
      const thread = await userWrites(user, 'help');
      const n = 12;
      for (let i = 0; i < n; i++) d.tg.managerSends(d.group.id, d.manager, command(`/oops${i}`), { threadId: thread });
      await d.tg.waitFor(() => d.topicMessages(thread).filter((m) => text(m)?.startsWith('Commands are not sent to the user')).length === n, {
        timeoutMs: 20_000,
      });
      assert.equal(d.tg.rateLimitHits.length, 0, 'no 429: every answer waited for its slot');
    });

    test('a card Telegram refuses to render (a parse error) fails visibly: the job is FAILED and General is told', async () => {
      // Bug caught: refreshCard swallowed every permanent refusal, parse errors
      // included, so a broken card went unnoticed.
      const user = d.tg.createUser({ first_name: 'Card', language_code: 'en' });
      await userWrites(user, 'hi');
      const ticket = await cardOf(user.id);
      d.tg.failWhen((method) => method.toLowerCase() === 'editmessagetext', {
        error_code: 400,
        description: "Bad Request: can't parse entities: Unexpected end tag at byte offset 12",
      });
      pressCardButton(d, d.manager, ticket.cardMessageId!, '🏁 Resolved');
      const failed = await eventually(() => d.app.db.prisma.outboxJob.findFirst({ where: { state: 'FAILED', kind: 'refreshCard' } }));
      assert.match(failed.lastError ?? '', /parse entities/);
      await d.tg.waitFor(() => d.tg.messages(d.group.id).find((m) => m.message_thread_id === undefined && text(m)?.includes(`job #${failed.id}`)));
    });

    test('a stored job that can never run (its payload does not fit) fails visibly and does not block its queue', async () => {
      // Bug caught: every Prisma error counted as an outage, so a job with a
      // bad payload stayed PENDING, retried forever, blocking the user's
      // topic queue, and nobody was told.
      const user = d.tg.createUser({ first_name: 'Queue', language_code: 'en' });
      await userWrites(user, 'one');
      await d.app.db.prisma.outboxJob.create({ data: { queue: `topic:${user.id}`, kind: 'postCard', payload: '{"ticketId":"not-a-number"}' } });
      await d.restart();
      const thread = await userWrites(user, 'two');
      const failed = await eventually(() => d.app.db.prisma.outboxJob.findFirst({ where: { state: 'FAILED', kind: 'postCard' } }));
      assert.ok(
        d.topicMessages(thread).some((m) => text(m) === 'two'),
        'the queue went on',
      );
      await d.tg.waitFor(() => d.tg.messages(d.group.id).find((m) => m.message_thread_id === undefined && text(m)?.includes(`job #${failed.id}`)));
      await eventually(async () => (await d.app.db.prisma.outboxJob.count({ where: { state: 'PENDING' } })) === 0);
    });
  });
}
