// The support desk end to end: a simulated user and managers talk to the bot
// through the fake Bot API server, on SQLite and on PostgreSQL, with the
// managers' texts in Russian (the default) and in English.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { command, pressCardButton, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { eventually, startDesk, text, type TestDesk } from '../support/desk.js';

/** What the managers read, written out here (not taken from src/i18n), so a changed text shows. */
const languages = [
  {
    name: 'Russian, the default',
    env: { MANAGER_LANGUAGE: undefined },
    managerLanguageCode: 'ru',
    ticket: 'Обращение №',
    earlierTickets: 'обращений раньше:',
    status: 'Статус',
    resolved: '🏁 решено',
    waiting: '❗️ ждёт ответа',
    take: '📝 В работу',
    resolve: '🏁 Решено',
    reopen: '❗️ Вернуть',
    ban: '🚫 Заблокировать',
    assign: '👤 Передать',
    commandsNotRelayed:
      'Команды не отправляются пользователю. Доступно: /close — отметить решённым; /a <имя> — шаблон ответа; /assign — передать обращение; /note — заметка; /ban [причина], /unban.',
    replyToBlocked: '⚠️ Ответ не доставлен пользователю: пользователь заблокировал бота',
  },
  {
    name: 'English',
    env: { MANAGER_LANGUAGE: 'en' },
    managerLanguageCode: 'en',
    ticket: 'Ticket #',
    earlierTickets: 'earlier tickets:',
    status: 'Status',
    resolved: '🏁 resolved',
    waiting: '❗️ waiting',
    take: '📝 Take',
    resolve: '🏁 Resolved',
    reopen: '❗️ Reopen',
    ban: '🚫 Ban',
    assign: '👤 Assign',
    commandsNotRelayed:
      'Commands are not sent to the user. Available: /close — mark as resolved; /a <name> — a canned answer; /assign — hand the ticket over; /note — a note; /ban [reason], /unban.',
    replyToBlocked: '⚠️ Reply not delivered to the user: the user blocked the bot',
  },
];

for (const kind of dbKinds)
  for (const t of languages) {
    describe(`support desk on ${kind}, managers' texts in ${t.name}`, () => {
      let d: TestDesk;
      beforeEach(async () => {
        d = await startDesk(kind, t.env, { managerLanguageCode: t.managerLanguageCode });
      });
      afterEach(async () => {
        await d.close();
      });

      test("/start greets in the user's language and opens no topic; the first message opens a topic with ❗️ and a card", async () => {
        const user = d.tg.createUser({ first_name: '<b>&Co</b>', last_name: '*x*', username: 'anna', language_code: 'en' });
        d.tg.userSends(user, command('/start'));
        const greeting = await d.tg.waitFor(() => d.botMessagesTo(user)[0]);
        assert.match(text(greeting) ?? '', /^Hello!/);
        assert.equal(d.tg.topics(d.group.id).length, 0, '/start must not open a topic');

        const { topic } = await userWrites(d, user, 'My VPN does not work');
        assert.equal(topic.name, '❗️ <b>&Co</b> *x* @anna');
        const inTopic = d.topicMessages(topic.message_thread_id);
        assert.ok(inTopic[0] && 'forum_topic_created' in inTopic[0], 'the topic starts with its creation message');
        const card = inTopic[1];
        assert.equal(card?.from?.id, d.tg.botUser.id);
        assert.ok(text(card)?.includes('<b>&Co</b> *x* @anna'), `the name shows as typed: ${text(card)}`);
        assert.ok(text(card)?.includes(`${user.id}`));
        assert.ok(text(card)?.includes(`${t.ticket}1`), text(card));
        assert.ok(text(card)?.includes(`${t.status}: ${t.waiting}`), text(card));
        // Telegram turns a tg://user?id= link into a mention of that user.
        assert.ok(
          card?.entities?.some((e) => e.type === 'text_mention' && e.user.id === user.id),
          'the card links to the user',
        );
        const buttons = card?.reply_markup?.inline_keyboard.flat().map((b) => b.text);
        assert.deepEqual(buttons, [t.take, t.resolve, t.assign, t.ban]);
        assert.equal(text(inTopic[2]), 'My VPN does not work');
        assert.equal(inTopic[2]?.forward_origin, undefined, 'copied, not forwarded');

        // A second message, of another kind, lands in the same topic after the first.
        d.tg.userSends(user, { photo: true, caption: 'screenshot' });
        await d.tg.waitFor(() => d.topicMessages(topic.message_thread_id).find((m) => 'photo' in m));
        assert.equal(d.tg.topics(d.group.id).length, 1);
        assert.deepEqual(
          d
            .topicMessages(topic.message_thread_id)
            .slice(2)
            .map((m) => text(m)),
          ['My VPN does not work', 'screenshot'],
        );

        // The copy is recorded right after Telegram accepted it.
        await eventually(async () => (await d.app.db.prisma.message.count({ where: { state: 'DELIVERED' } })) === 2);
        const stored = await d.app.db.prisma.user.findUniqueOrThrow({ where: { id: BigInt(user.id) }, include: { messages: true, tickets: true } });
        assert.equal(stored.messageCount, 2);
        assert.equal(stored.firstName, '<b>&Co</b>');
        assert.equal(stored.tickets.length, 1);
        assert.equal(stored.tickets[0]?.status, 'WAITING');
        assert.deepEqual(
          stored.messages.map((m) => [m.direction, m.kind, m.state]),
          [
            ['INBOUND', 'text', 'DELIVERED'],
            ['INBOUND', 'photo', 'DELIVERED'],
          ],
        );
        assert.ok(stored.messages.every((m) => m.userChatMessageId !== null && m.topicMessageId !== null));
      });

      test("a manager's reply is copied to the user and the ticket goes 📝; buttons and /close resolve it 🏁", async () => {
        const user = d.tg.createUser({ first_name: 'Ivan', language_code: 'ru' });
        const { thread } = await userWrites(d, user, 'Привет');

        const reply = d.tg.managerSends(d.group.id, d.manager, { text: 'Здравствуйте! Сейчас проверим.' }, { threadId: thread });
        const copy = await d.tg.waitFor(() => d.botMessagesTo(user).find((m) => text(m) === 'Здравствуйте! Сейчас проверим.'));
        assert.equal(copy.forward_origin, undefined);
        await d.tg.waitFor(() => d.tg.topics(d.group.id)[0]?.name === '📝 Ivan');

        await eventually(async () => (await d.app.db.prisma.message.count({ where: { direction: 'OUTBOUND', state: 'DELIVERED' } })) === 1);
        const ticket = await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: BigInt(user.id) }, include: { messages: true } });
        assert.equal(ticket.status, 'IN_WORK');
        assert.equal(ticket.assigneeId, BigInt(d.manager.id));
        assert.ok(ticket.firstResponseAt);
        const out = ticket.messages.find((m) => m.direction === 'OUTBOUND');
        assert.equal(out?.managerId, BigInt(d.manager.id));
        assert.equal(out?.topicMessageId, reply.message_id);
        assert.equal(out?.userChatMessageId, copy.message_id);

        // 🏁 by the card's button.
        assert.ok(ticket.cardMessageId);
        const queryId = pressCardButton(d, d.manager, ticket.cardMessageId, t.resolve);
        const answer = await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === queryId));
        assert.equal(answer.text, `${t.status}: ${t.resolved}`, "answered in the pressing manager's language");
        await d.tg.waitFor(() => d.tg.topics(d.group.id)[0]?.name === '🏁 Ivan');
        const card = await d.tg.waitFor(() => {
          const m = d.tg.message(d.group.id, ticket.cardMessageId!);
          return text(m)?.includes(`${t.resolved} —`) && m;
        });
        assert.match(
          text(card) ?? '',
          new RegExp(`${t.status}: ${t.resolved}\\n${t.resolved} — Mary Manager @mary_support, \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC`),
        );
        assert.deepEqual(
          card?.reply_markup?.inline_keyboard.flat().map((b) => b.text),
          [t.reopen, t.take, t.ban],
        );

        // Pressing it back to ❗️ works too.
        pressCardButton(d, d.manager, ticket.cardMessageId, t.reopen);
        await d.tg.waitFor(() => d.tg.topics(d.group.id)[0]?.name === '❗️ Ivan');

        // /close resolves the current ticket and is not relayed.
        const userMessagesBefore = d.botMessagesTo(user).length;
        const close = d.tg.managerSends(d.group.id, d.manager, command('/close'), { threadId: thread });
        await d.tg.waitFor(() => d.tg.topics(d.group.id)[0]?.name === '🏁 Ivan');
        const closed = await d.tg.waitFor(() =>
          d.topicMessages(thread).find((m) => m.from?.id === d.tg.botUser.id && m.reply_to_message?.message_id === close.message_id),
        );
        assert.equal(text(closed), `${t.status}: ${t.resolved}`, 'the bot answers /close in the topic');
        const changes = await d.app.db.prisma.statusChange.findMany({ where: { ticketId: ticket.id }, orderBy: { id: 'asc' } });
        assert.deepEqual(
          changes.map((c) => [c.from, c.to, c.actorId === null ? null : Number(c.actorId)]),
          [
            [null, 'WAITING', null],
            ['WAITING', 'IN_WORK', d.manager.id],
            ['IN_WORK', 'RESOLVED', d.manager.id],
            ['RESOLVED', 'WAITING', d.manager.id],
            ['WAITING', 'RESOLVED', d.manager.id],
          ],
        );
        assert.equal(d.botMessagesTo(user).length, userMessagesBefore, '/close never reaches the user');
        // No rename was sent when the name would not have changed.
        assert.ok(!d.tg.calls.some((c) => c.description?.includes('TOPIC_NOT_MODIFIED')));
      });

      test('a manager whose name has & and < in it: the card\'s "changed by" line shows the name exactly as typed', async () => {
        const tricky = d.tg.createUser({ first_name: 'Tom & <Jerry>', last_name: '<b>', username: 'tom_and_jerry', language_code: t.managerLanguageCode });
        d.tg.addMember(d.group.id, tricky, 'administrator');
        const user = d.tg.createUser({ first_name: 'Kate', language_code: 'en' });
        await userWrites(d, user, 'hello');
        const cardId = (await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: BigInt(user.id) } })).cardMessageId!;
        pressCardButton(d, tricky, cardId, t.resolve);
        const changedBy = await d.tg.waitFor(() =>
          text(d.tg.message(d.group.id, cardId))
            ?.split('\n')
            .find((line) => line.startsWith(`${t.resolved} — `)),
        );
        assert.match(changedBy, /^🏁 \S+ — Tom & <Jerry> <b> @tom_and_jerry, \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
        assert.equal(changedBy.replace(/, [^,]+$/, ''), `${t.resolved} — Tom & <Jerry> <b> @tom_and_jerry`);
      });

      test('a user writing after 🏁 opens a new ticket in the same topic, back to ❗️; a closed topic is reopened', async () => {
        const user = d.tg.createUser({ first_name: 'Olga', language_code: 'ru' });
        const { topic } = await userWrites(d, user, 'first question');
        const first = await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: BigInt(user.id) } });
        pressCardButton(d, d.manager, first.cardMessageId!, t.resolve);
        await d.tg.waitFor(() => d.tg.topics(d.group.id)[0]?.name === '🏁 Olga');
        d.tg.managerClosesTopic(d.group.id, d.manager, topic.message_thread_id);
        await eventually(async () => (await d.app.db.prisma.topic.findFirst({ where: { threadId: topic.message_thread_id } }))?.closed);

        await userWrites(d, user, 'second question');
        await d.tg.waitFor(() => d.tg.topics(d.group.id)[0]?.name === '❗️ Olga');
        const now = d.tg.topics(d.group.id);
        assert.equal(now.length, 1, 'the same topic');
        assert.equal(now[0]?.message_thread_id, topic.message_thread_id);
        assert.equal(now[0]?.closed, false, 'the closed topic was reopened');
        assert.equal(now[0]?.name, '❗️ Olga');
        const tickets = await d.app.db.prisma.ticket.findMany({ where: { userId: BigInt(user.id) }, orderBy: { id: 'asc' } });
        assert.deepEqual(
          tickets.map((t) => t.status),
          ['RESOLVED', 'WAITING'],
        );
        const secondCard = d.tg.message(d.group.id, tickets[1]!.cardMessageId!);
        assert.match(text(secondCard) ?? '', new RegExp(`${t.ticket}${tickets[1]!.id} · ${t.earlierTickets} 1`));
        const texts = d.topicMessages(topic.message_thread_id).map(text);
        assert.ok(texts.indexOf('second question') > texts.indexOf(text(secondCard)), 'the new card comes before the message');
      });

      test('the mapping survives a restart: no second topic', async () => {
        const user = d.tg.createUser({ first_name: 'Petr', language_code: 'ru' });
        const { topic } = await userWrites(d, user, 'before restart');
        await d.restart();
        await userWrites(d, user, 'after restart');
        assert.equal(d.tg.topics(d.group.id).length, 1);
        assert.deepEqual(
          d
            .topicMessages(topic.message_thread_id)
            .filter((m) => m.from?.id === d.tg.botUser.id && !m.reply_markup && !('forum_topic_created' in m))
            .map(text),
          ['before restart', 'after restart'],
        );
      });

      test("a user's burst arrives in the topic in the order sent", async () => {
        const user = d.tg.createUser({ first_name: 'Burst', language_code: 'en' });
        const bodies = Array.from({ length: 15 }, (_, i) => `message ${i + 1}`);
        for (const body of bodies) d.tg.userSends(user, { text: body });
        const topic = await d.waitForTopicOf(user);
        await d.tg.waitFor(() => d.topicMessages(topic.message_thread_id).filter((m) => text(m)?.startsWith('message ')).length === bodies.length);
        assert.deepEqual(
          d
            .topicMessages(topic.message_thread_id)
            .map(text)
            .filter((t) => t?.startsWith('message ')),
          bodies,
        );
      });

      test('General, other chats, other bots, service messages and commands are never relayed', async () => {
        const user = d.tg.createUser({ first_name: 'Nina', language_code: 'en' });
        const { thread } = await userWrites(d, user, 'hello');
        const otherBot = d.tg.createUser({ first_name: 'Spam', username: 'spam_bot', is_bot: true });
        d.tg.addMember(d.group.id, otherBot, 'member');
        const otherGroup = d.tg.createSupergroup({ title: 'Elsewhere' });
        d.tg.addMember(otherGroup.id, d.manager, 'member');

        d.tg.managerSends(d.group.id, d.manager, { text: 'in General' });
        d.tg.managerSends(d.group.id, otherBot, { text: 'from a bot' }, { threadId: thread });
        d.tg.managerSends(otherGroup.id, d.manager, { text: 'in another group' }, { threadId: thread });
        d.tg.managerSends(d.group.id, d.manager, command('/whatever internal'), { threadId: thread });
        // The unknown command gets a visible hint in the topic instead of silence.
        await d.tg.waitFor(() => d.topicMessages(thread).find((m) => m.from?.id === d.tg.botUser.id && text(m) === t.commandsNotRelayed));
        // A real reply after all of them is the only thing the user gets.
        d.tg.managerSends(d.group.id, d.manager, { text: 'the real answer' }, { threadId: thread });
        await d.tg.waitFor(() => d.botMessagesTo(user).some((m) => text(m) === 'the real answer'));
        assert.deepEqual(d.botMessagesTo(user).map(text), ['the real answer']);
        await eventually(async () => (await d.app.db.prisma.message.count({ where: { direction: 'OUTBOUND' } })) === 1);
        assert.equal(await d.app.db.prisma.message.count({ where: { direction: 'OUTBOUND' } }), 1);
      });

      test('a reply to a user who blocked the bot gives the managers a notice in the topic', async () => {
        const user = d.tg.createUser({ first_name: 'Gone', language_code: 'en' });
        const { topic } = await userWrites(d, user, 'bye');
        d.tg.userBlocksBot(user);
        const reply = d.tg.managerSends(d.group.id, d.manager, { text: 'are you there?' }, { threadId: topic.message_thread_id });
        const notice = await d.tg.waitFor(() =>
          d.topicMessages(topic.message_thread_id).find((m) => m.reply_to_message?.message_id === reply.message_id && m.from?.id === d.tg.botUser.id),
        );
        assert.equal(text(notice), t.replyToBlocked);
        await eventually(async () => (await d.app.db.prisma.user.findUnique({ where: { id: BigInt(user.id) } }))?.blocked === true);
      });
    });
  }
