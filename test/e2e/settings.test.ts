// /settings end to end: the group's admins configure the desk from Telegram
// (greetings, the managers' language, the time zone), with every change
// logged; nobody else can; a dialog survives a restart and never takes a
// manager's message meant for a user. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { settingsActions } from '../../src/bot/callback-data/settings.js';
import { command, fromBot, pause, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { startDesk, text, type TestDesk } from '../support/desk.js';
import {
  addCategoryFromSettings,
  answerPrompt,
  answerTo,
  generalMessages,
  lastGroupMessageId,
  openSettings,
  press,
  waitForMessageText,
} from '../support/settings.js';

for (const kind of dbKinds) {
  describe(`settings on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      d = await startDesk(kind);
    });
    afterEach(async () => {
      await d.close();
    });

    // Bugs: the saved greeting not used on /start; its formatting dropped; the
    // preview's bold shifted off the words (offsets not moved past the header);
    // a language without its own text not falling back; the change not logged.
    test('an admin sets the English greeting with formatting: previewed, saved, sent on /start; Russian keeps the built-in; the change is logged', async () => {
      const panel = await openSettings(d);
      await press(d, d.manager, panel, '👋 Greetings');
      await waitForMessageText(d, panel, (t) => t.startsWith('👋 Greetings'));
      await press(d, d.manager, panel, '✏️ English');
      const greeting = 'Hi! We answer within an hour.';
      const bold = { type: 'bold' as const, offset: greeting.indexOf('within'), length: 'within an hour'.length };
      const reply = await answerPrompt(d, d.manager, '✏️ Reply to this message with the new English greeting', { text: greeting, entities: [bold] });

      const preview = await answerTo(d, reply);
      const header = 'Preview of the English greeting. Save it?\n\n';
      assert.equal(text(preview), header + greeting);
      assert.deepEqual(preview.entities, [{ ...bold, offset: bold.offset + header.length }], 'the preview shows the bold words bold');
      const user = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      assert.equal(await d.app.db.prisma.deskSetting.count(), 0, 'nothing is saved before the admin confirms');

      const saved = await press(d, d.manager, preview.message_id, '✅ Save');
      assert.equal(saved.text, '✅ Saved.');
      await waitForMessageText(d, preview.message_id, (t) => t === '✅ Saved.');

      d.tg.userSends(user, command('/start'));
      const greeted = await d.tg.waitFor(() => d.botMessagesTo(user)[0]);
      assert.equal(text(greeted), greeting);
      assert.deepEqual(greeted.entities, [bold]);
      const russian = d.tg.createUser({ first_name: 'Иван', language_code: 'ru' });
      d.tg.userSends(russian, command('/start'));
      assert.match(text(await d.tg.waitFor(() => d.botMessagesTo(russian)[0])) ?? '', /^Здравствуйте!/);

      const again = await openSettings(d);
      assert.match(text(d.tg.message(d.group.id, again)) ?? '', /Mary Manager @mary_support: English greeting changed/);
      assert.match(text(d.tg.message(d.group.id, again)) ?? '', /Greeting, English: your text/);
    });

    // Bug: an admin check missing on any action (a member changes settings by
    // pressing, or by sending data the panel never showed).
    test('a member who is not an admin can neither open /settings nor press any of its buttons; forged data changes nothing', async () => {
      const member = d.tg.createUser({ first_name: 'Pete', username: 'pete', language_code: 'en' });
      d.tg.addMember(d.group.id, member, 'member');
      const asked = d.tg.managerSends(d.group.id, member, command('/settings'));
      assert.equal(text(await answerTo(d, asked)), "Only the group's admins can change settings.");

      const panel = await openSettings(d);
      // Every button the panel shows, pressed by the member.
      for (const label of ['👋 Greetings', '🗂 Categories', '🕘 Working hours', '🌍 Time zone', "🌐 Managers' language", '📝 Notes start with', '✖️ Close']) {
        const answer = await press(d, member, panel, label);
        assert.equal(answer.text, "Only the group's admins can change settings.", label);
      }
      // Every action there is, with a few arguments, forged by the member.
      for (const action of settingsActions) {
        for (const arg of [0, 1, 6]) {
          const id = d.tg.forgeCallbackQuery(member, d.group.id, panel, `cfg:${action}:${arg}`);
          const answer = await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === id));
          assert.equal(answer.text, "Only the group's admins can change settings.", `cfg:${action}:${arg}`);
        }
      }
      // Data no panel ever carried, from the admin: refused as outdated.
      for (const data of ['cfg:language:7', 'cfg:nope:1', 'cfg:greetingEdit', 'cfg:category:999', 'cfg:categoryWait:99999']) {
        const id = d.tg.forgeCallbackQuery(d.manager, d.group.id, panel, data);
        const answer = await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === id));
        assert.equal(answer.text, 'This button is outdated or not for you.', data);
      }
      await pause(300);
      const db = d.app.db.prisma;
      assert.deepEqual(
        [await db.deskSetting.count(), await db.settingChange.count(), await db.category.count(), await db.settingsDialog.count()],
        [0, 0, 0, 0],
      );
      assert.match(text(d.tg.message(d.group.id, panel)) ?? '', /^⚙️ Settings/, 'the panel is unchanged');
    });

    // Bugs: a dialog kept in memory (lost on restart); a dialog that takes the
    // admin's next message wherever it is (a reply meant for a user is swallowed);
    // /cancel leaving the dialog open.
    test("a dialog survives a restart, never takes a manager's message in a user's topic, and can be cancelled", async () => {
      const user = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const { thread } = await userWrites(d, user, 'hello');
      const panel = await openSettings(d);
      await press(d, d.manager, panel, '🗂 Categories');
      await waitForMessageText(d, panel, (t) => t.startsWith('🗂 Categories'));
      const before = lastGroupMessageId(d);
      await press(d, d.manager, panel, '➕ Add a category');
      await d.tg.waitFor(() => generalMessages(d).find((m) => m.message_id > before && text(m)?.startsWith('✏️ Reply to this message with the new category')));

      // The admin answers the user in the meantime: that goes to the user, as always.
      d.tg.managerSends(d.group.id, d.manager, { text: '🧾 Billing' }, { threadId: thread });
      await d.tg.waitFor(() => d.botMessagesTo(user).find((m) => text(m) === '🧾 Billing'));

      await d.restart();
      const reply = await answerPrompt(d, d.manager, '✏️ Reply to this message with the new category', { text: '🧾 Billing' }, before);
      assert.equal(text(await answerTo(d, reply)), '✅ Saved.');
      await waitForMessageText(d, panel, (t) => t.includes('1. 🧾 Billing'));
      assert.deepEqual(
        (await d.app.db.prisma.category.findMany()).map((c) => [c.emoji, c.name]),
        [['🧾', 'Billing']],
      );

      const second = lastGroupMessageId(d);
      await press(d, d.manager, panel, '➕ Add a category');
      const prompt = await d.tg.waitFor(() => generalMessages(d).find((m) => m.message_id > second && text(m)?.startsWith('✏️ Reply')));
      const cancel = d.tg.managerSends(d.group.id, d.manager, command('/cancel'));
      assert.equal(text(await answerTo(d, cancel)), 'Cancelled.');
      const late = d.tg.managerSends(d.group.id, d.manager, { text: '🛠 Tech' }, { replyToMessageId: prompt.message_id });
      await pause(500);
      assert.equal(await d.app.db.prisma.category.count(), 1, 'a reply after /cancel adds nothing');
      assert.equal(
        generalMessages(d).find((m) => fromBot(d, m) && m.reply_to_message?.message_id === late.message_id),
        undefined,
        'and the bot stays quiet about it',
      );
    });

    // Bug: an admin who posts anonymously (as the group) can start a dialog but never answer it.
    test('an admin posting anonymously answers a dialog too', async () => {
      const panel = await openSettings(d);
      await press(d, d.manager, panel, '🗂 Categories');
      await waitForMessageText(d, panel, (t) => t.startsWith('🗂 Categories'));
      const before = lastGroupMessageId(d);
      await press(d, d.manager, panel, '➕ Add a category');
      const prompt = await d.tg.waitFor(() =>
        generalMessages(d).find((m) => m.message_id > before && text(m)?.startsWith('✏️ Reply to this message with the new category')),
      );
      const reply = d.tg.anonymousAdminSends(d.group.id, { text: '🛠 Tech' }, { replyToMessageId: prompt.message_id });
      assert.equal(text(await answerTo(d, reply)), '✅ Saved.');
      assert.deepEqual(
        (await d.app.db.prisma.category.findMany()).map((c) => c.name),
        ['Tech'],
      );
    });

    // Bugs: the language switch not taking effect until a restart; times on
    // the card still in UTC after the admins set a time zone.
    test("the managers' language and the group's time zone take effect at once", async () => {
      const panel = await openSettings(d);
      await press(d, d.manager, panel, "🌐 Managers' language");
      await waitForMessageText(d, panel, (t) => t.startsWith('⚙️ Настройки'));
      await press(d, d.manager, panel, '🌍 Часовой пояс');
      const reply = await answerPrompt(d, d.manager, '✏️ Ответьте на это сообщение часовым поясом', { text: 'asia/tokyo' });
      assert.equal(text(await answerTo(d, reply)), '✅ Сохранено.');
      await waitForMessageText(d, panel, (t) => t.includes('Asia/Tokyo'));

      const user = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const { thread } = await userWrites(d, user, 'hello');
      const card = await d.tg.waitFor(() => d.topicMessages(thread).find((m) => fromBot(d, m) && text(m)?.includes('Обращение №')));
      const answer = await press(d, d.manager, card.message_id, '📝 В работу');
      // A button's answer speaks the presser's own language (Mary's Telegram is in English).
      assert.equal(answer.text, 'Status: 📝 in work');
      const edited = await waitForMessageText(d, card.message_id, (t) => t.includes('Asia/Tokyo'));
      assert.match(text(edited) ?? '', /\d{4}-\d\d-\d\d \d\d:\d\d Asia\/Tokyo/);
      const log = await d.app.db.prisma.settingChange.findMany({ orderBy: { id: 'asc' } });
      assert.deepEqual(
        log.map((c) => [c.summary, Number(c.actorId)]),
        [
          ["managers' language: Russian", d.manager.id],
          ['часовой пояс: Asia/Tokyo', d.manager.id],
        ],
      );
    });

    test('categories can be added from settings (helper check)', async () => {
      const panel = await addCategoryFromSettings(d, '🧾 Billing');
      await addCategoryFromSettings(d, '🛠 Tech', panel);
      assert.deepEqual(
        (await d.app.db.prisma.category.findMany({ orderBy: { position: 'asc' } })).map((c) => c.name),
        ['Billing', 'Tech'],
      );
    });
  });
}
