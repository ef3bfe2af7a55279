// Auto-replies end to end: an admin turns a canned answer into an automatic
// one from /settings (keywords or a regular expression); a user's message
// that matches gets it at once with «This solved it» / «I still need a
// person»; managers see both in the topic. Patterns run on a linear-time
// engine, so no pattern can stall the bot. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { User } from 'grammy/types';
import { command, fromBot, outboxDrained, pause, userPresses, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { startDesk, text, type TestDesk } from '../support/desk.js';
import { answerPrompt, answerTo, lastGroupMessageId, openSettings, press, waitForMessageText } from '../support/settings.js';

const PRICES = 'Our prices, {name}: 10 € a month.';

for (const kind of dbKinds) {
  describe(`auto-replies on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      d = await startDesk(kind);
    });
    afterEach(async () => {
      await d.close();
    });

    /** A manager saves a canned answer from a message in General. */
    async function saveAnswer(name: string, body: string) {
      const source = d.tg.managerSends(d.group.id, d.manager, { text: body });
      const cmd = d.tg.managerSends(d.group.id, d.manager, command(`/save ${name}`), { replyToMessageId: source.message_id });
      assert.match(text(await answerTo(d, cmd)) ?? '', /^📋 Saved/);
    }

    /** The admin adds a rule from /settings; resolves with the panel. */
    async function addRule(pattern: string, answer: string, panelId?: number) {
      const panel = panelId ?? (await openSettings(d));
      if (!text(d.tg.message(d.group.id, panel))?.startsWith('🤖 Auto-replies')) {
        await press(d, d.manager, panel, '🤖 Auto-replies');
        await waitForMessageText(d, panel, (t) => t.startsWith('🤖 Auto-replies'));
      }
      const before = lastGroupMessageId(d);
      await press(d, d.manager, panel, '➕ Add a rule');
      const reply = await answerPrompt(d, d.manager, '✏️ Reply to this message with keywords', { text: pattern }, before);
      const chooser = await answerTo(d, reply);
      return { panel, reply, chooser, pick: () => press(d, d.manager, chooser.message_id, `📋 ${answer}`) };
    }

    const autoReplyTo = (user: User) => d.tg.waitFor(() => d.botMessagesTo(user).find((m) => m.reply_markup !== undefined));

    // Bugs: the rule not taking effect at once; keywords matched with case
    // or inside other words («priceless»); the answer without its buttons or
    // its placeholders; the topic missing the automatic answer; «solved» not
    // resolving the ticket or not recorded as an auto-reply's; the buttons
    // left pressable.
    test('an admin adds a keyword rule; a matching message gets the answer; «solved» resolves the ticket as the auto-reply’s', async () => {
      await saveAnswer('prices', PRICES);
      const rule = await addRule('price, cost', 'prices');
      assert.equal((await rule.pick()).text, '✅ Saved.');
      await waitForMessageText(d, rule.chooser.message_id, (t) => t.includes('price, cost → 📋 prices'));

      const bob = d.tg.createUser({ first_name: 'Bob', language_code: 'en' });
      await userWrites(d, bob, 'this is priceless');
      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const { thread, copy } = await userWrites(d, ann, 'What is the PRICE?');
      const answer = await autoReplyTo(ann);
      assert.equal(text(answer), 'Our prices, Ann: 10 € a month.');
      assert.deepEqual(
        answer.reply_markup?.inline_keyboard.flat().map((b) => b.text),
        ['✅ This solved it', '🙋 I still need a person'],
      );
      const shown = await d.tg.waitFor(() => d.topicMessages(thread).find((m) => fromBot(d, m) && text(m)?.startsWith('🤖 Auto-reply')));
      assert.equal(text(shown), '🤖 Auto-reply sent to the user: «prices»\n\nOur prices, Ann: 10 € a month.');
      assert.equal(shown.reply_to_message?.message_id, copy.message_id, 'under the message it answered');

      assert.equal((await userPresses(d, ann, answer.message_id, '✅ This solved it')).text, 'Glad it helped!');
      await d.tg.waitFor(() => d.topicMessages(thread).find((m) => text(m) === '🤖 ✅ The user says the auto-reply solved it: the ticket is resolved.'));
      await outboxDrained(d);
      const ticket = await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: ann.id } });
      assert.equal(ticket.status, 'RESOLVED');
      const change = await d.app.db.prisma.statusChange.findFirstOrThrow({ where: { ticketId: ticket.id, to: 'RESOLVED' } });
      assert.deepEqual([change.actorId, change.via], [null, 'autoReply']);
      assert.equal(d.tg.message(ann.id, answer.message_id)?.reply_markup, undefined, 'the buttons are gone');
      assert.match((await d.waitForTopicOf(ann)).name, /^🏁/);
      assert.deepEqual(
        d.botMessagesTo(bob).map((m) => text(m)),
        [],
        '«priceless» is not «price»',
      );
    });

    // Bugs: a catastrophic pattern stalling the bot (a backtracking engine
    // on «(a+)+$» and a long text); a pattern the engine cannot run saved
    // anyway (and failing on every message later); a pattern that cannot
    // compile crashing the dialog.
    test('a catastrophic regular expression runs in linear time and the bot keeps relaying; unusable patterns are refused', async () => {
      await saveAnswer('aaa', 'That is a lot of a.');
      const bad = await addRule('/(?=a)b/', 'aaa');
      assert.match(text(bad.chooser) ?? '', /^This regular expression cannot be used: .*\(\?=/);
      const broken = await addRule('/(a/', 'aaa', bad.panel);
      assert.match(text(broken.chooser) ?? '', /^This regular expression cannot be used: .*missing closing \)/);
      const rule = await addRule('/(a+)+$/', 'aaa', bad.panel);
      await rule.pick();
      await waitForMessageText(d, rule.chooser.message_id, (t) => t.includes('/(a+)+$/ → 📋 aaa'));

      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const evil = `${'a'.repeat(4000)}!`;
      d.tg.userSends(ann, { text: evil });
      const bob = d.tg.createUser({ first_name: 'Bob', language_code: 'en' });
      await userWrites(d, bob, 'hello after the evil one');
      const { thread } = await userWrites(d, ann, 'aaaa');
      assert.ok(
        d.topicMessages(thread).some((m) => text(m) === evil),
        'the long message was relayed',
      );
      assert.equal(text(await autoReplyTo(ann)), 'That is a lot of a.', 'only the message that matches is answered');
      assert.equal(d.botMessagesTo(ann).length, 1);
    });

    // Bugs: «I need a person» resolving anyway or telling nobody; a rule
    // answering every message of a ticket; a first-message-only rule
    // answering later messages; the off switch ignored.
    test('«I need a person» leaves the ticket waiting; a rule answers once per ticket; first-message-only and the off switch hold', async () => {
      await saveAnswer('prices', PRICES);
      const rule = await addRule('price', 'prices');
      await rule.pick();
      await waitForMessageText(d, rule.chooser.message_id, (t) => t.includes('price → 📋 prices'));
      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'ru' });
      const { thread } = await userWrites(d, ann, 'price?');
      const answer = await autoReplyTo(ann);
      assert.equal((await userPresses(d, ann, answer.message_id, '🙋 Нужен человек')).text, 'Менеджер скоро ответит вам здесь.');
      await d.tg.waitFor(() => d.topicMessages(thread).find((m) => text(m)?.startsWith('🙋 The user says the auto-reply did not help')));
      await userWrites(d, ann, 'price again?');
      await outboxDrained(d);
      await pause(300);
      assert.equal(d.botMessagesTo(ann).length, 1, 'one auto-reply per rule and ticket');
      const ticket = await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: ann.id } });
      assert.equal(ticket.status, 'WAITING');

      // First message only: Bob's second message of a ticket is not answered, his first is.
      const panel = rule.chooser.message_id;
      await press(d, d.manager, panel, '1. price');
      await waitForMessageText(d, panel, (t) => t.startsWith('🤖 Keywords'));
      await press(d, d.manager, panel, "1️⃣ Only a ticket's first message: no");
      await waitForMessageText(
        d,
        panel,
        (t) => t.length > 0 && d.tg.message(d.group.id, panel)?.reply_markup?.inline_keyboard.flat()[0]?.text.endsWith('yes') === true,
      );
      const bob = d.tg.createUser({ first_name: 'Bob', language_code: 'en' });
      await userWrites(d, bob, 'hello');
      await userWrites(d, bob, 'and the price?');
      await outboxDrained(d);
      await pause(300);
      assert.deepEqual(d.botMessagesTo(bob), []);

      // Off: nobody is answered automatically.
      await press(d, d.manager, panel, '⬅️ Back');
      await waitForMessageText(d, panel, (t) => t.startsWith('🤖 Auto-replies'));
      await press(d, d.manager, panel, '⏸ Turn off');
      await waitForMessageText(d, panel, (t) => t.includes('Auto-replies are off'));
      const cid = d.tg.createUser({ first_name: 'Cid', language_code: 'en' });
      await userWrites(d, cid, 'price');
      await outboxDrained(d);
      await pause(300);
      assert.deepEqual(d.botMessagesTo(cid), []);
    });

    // Bugs: a non-admin (or a forged callback_data) switching auto-replies
    // off, deleting a rule or a canned answer; another user's forged verdict
    // resolving someone else's ticket.
    test('non-admins cannot change the lists; a forged verdict changes nothing', async () => {
      await saveAnswer('prices', PRICES);
      const rule = await addRule('price', 'prices');
      await rule.pick();
      await waitForMessageText(d, rule.chooser.message_id, (t) => t.includes('price → 📋 prices'));
      const [ruleRow] = await d.app.db.prisma.autoReply.findMany();
      const [answerRow] = await d.app.db.prisma.cannedAnswer.findMany();
      const member = d.tg.createUser({ first_name: 'Max', language_code: 'en' });
      d.tg.addMember(d.group.id, member, 'member');
      const panel = rule.chooser.message_id;
      for (const data of [`cfg:autoSwitch:0`, `cfg:ruleDelete:${ruleRow!.id}`, `cfg:cannedDeleteYes:${answerRow!.id}`, `cfg:cannedRename:${answerRow!.id}`]) {
        const id = d.tg.forgeCallbackQuery(member, d.group.id, panel, data);
        const answer = await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === id));
        assert.equal(answer.text, "Only the group's admins can change settings.");
      }
      assert.equal(await d.app.db.prisma.autoReply.count(), 1);
      assert.equal(await d.app.db.prisma.cannedAnswer.count(), 1);

      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      await userWrites(d, ann, 'price');
      const answer = await autoReplyTo(ann);
      const ticket = await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: ann.id } });
      const eve = d.tg.createUser({ first_name: 'Eve', language_code: 'en' });
      await userWrites(d, eve, 'hi');
      const eveChat = d.botMessagesTo(eve)[0] ?? d.tg.userSends(eve, { text: 'x' });
      const forged = d.tg.forgeCallbackQuery(eve, eve.id, eveChat.message_id, `auto:${ticket.id}:1`);
      assert.equal((await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === forged))).text, 'This button no longer applies.');
      await outboxDrained(d);
      assert.equal((await d.app.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.id } })).status, 'WAITING');
      assert.ok(d.tg.message(ann.id, answer.message_id)?.reply_markup, 'Ann’s buttons are untouched');
    });

    // Bugs: a rename to a taken name replacing another answer; a deleted
    // answer leaving its rule behind (answering with nothing).
    test('admins rename and delete canned answers in /settings; a deleted answer takes its rules with it', async () => {
      await saveAnswer('prices', PRICES);
      await saveAnswer('hours', 'We work 9 to 5.');
      const rule = await addRule('price', 'prices');
      await rule.pick();
      const panel = await openSettings(d);
      await press(d, d.manager, panel, '📋 Canned answers (2)');
      await waitForMessageText(d, panel, (t) => t.startsWith('📋 Canned answers'));
      await press(d, d.manager, panel, '📋 prices');
      await waitForMessageText(d, panel, (t) => t.startsWith('📋 prices'));
      let before = lastGroupMessageId(d);
      await press(d, d.manager, panel, '✏️ Rename');
      let reply = await answerPrompt(d, d.manager, '✏️ Reply to this message with the new name', { text: 'HOURS' }, before);
      assert.match(text(await answerTo(d, reply)) ?? '', /^There is already a canned answer «HOURS»/);
      before = lastGroupMessageId(d);
      await press(d, d.manager, panel, '✏️ Rename');
      reply = await answerPrompt(d, d.manager, '✏️ Reply to this message with the new name', { text: 'Price list' }, before);
      assert.equal(text(await answerTo(d, reply)), '✅ Saved.');
      await waitForMessageText(d, panel, (t) => t.startsWith('📋 Price list'));
      await press(d, d.manager, panel, '🗑 Delete');
      await waitForMessageText(d, panel, (t) => t.includes('Its auto-reply rules (1) are deleted with it.'));
      await press(d, d.manager, panel, '🗑 Yes, delete it');
      await waitForMessageText(d, panel, (t) => t.startsWith('📋 Canned answers') && !t.includes('Price list'));
      assert.equal(await d.app.db.prisma.autoReply.count(), 0);
      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      await userWrites(d, ann, 'price');
      await outboxDrained(d);
      await pause(300);
      assert.deepEqual(d.botMessagesTo(ann), []);
    });
  });
}
