// Satisfaction surveys end to end: a manager resolves a ticket, the user is
// asked to rate it (after the delay the admins set), a low rating reaches
// the topic, a rating of 3 or less asks for a comment, the card shows ⭐.
// A score is given once. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { User } from 'grammy/types';
import { cardOf, command, managerWrites, outboxDrained, pause, pressCardButton, userPresses, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { startDesk, text, type TestDesk } from '../support/desk.js';
import { openSettings, press, waitForMessageText } from '../support/settings.js';

const ASK = 'How did we do? Please rate the answer from 1 (bad) to 5 (excellent):';

for (const kind of dbKinds) {
  describe(`satisfaction surveys on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      d = await startDesk(kind);
    });
    afterEach(async () => {
      await d.close();
    });

    /** The admin steps the survey's delay to «at once» in /settings. */
    async function surveyAtOnce() {
      const panel = await openSettings(d);
      for (const label of ['after 1 min', 'after 5 min', 'after 15 min', 'after 60 min']) {
        await press(d, d.manager, panel, `⭐ Satisfaction survey: ${label}`);
        await waitForMessageText(d, panel, () =>
          d.tg
            .message(d.group.id, panel)!
            .reply_markup!.inline_keyboard.flat()
            .every((b) => b.text !== `⭐ Satisfaction survey: ${label}`),
        );
      }
    }

    const surveys = (user: User) => d.botMessagesTo(user).filter((m) => text(m) === ASK || text(m)?.startsWith('Thank you! You rated'));

    // Bugs: no survey after a manager resolves; the score not stored or not
    // on the card; a low rating not shown to the managers; no comment asked
    // after a 3 or less, or the comment not stored; a second press (or a
    // forged one) changing the score; a second survey within a day.
    test('resolved by a manager → rated 2 → the topic hears of it, a comment is asked and kept; the score never changes', async () => {
      await surveyAtOnce();
      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const { thread } = await userWrites(d, ann, 'my order is late');
      await managerWrites(d, thread, 'Sent today, sorry!');
      const card = await cardOf(d, ann);
      pressCardButton(d, d.manager, card, '🏁 Resolved');
      const survey = await d.tg.waitFor(() => d.botMessagesTo(ann).find((m) => text(m) === ASK));
      assert.deepEqual(
        survey.reply_markup?.inline_keyboard.flat().map((b) => b.text),
        ['1 ⭐', '2 ⭐', '3 ⭐', '4 ⭐', '5 ⭐'],
      );
      const eve = d.tg.createUser({ first_name: 'Eve', language_code: 'en' });
      await userWrites(d, eve, 'hi');
      const ticket = await d.app.db.prisma.ticket.findFirstOrThrow({ where: { userId: ann.id } });
      const forged = d.tg.forgeCallbackQuery(eve, eve.id, d.botMessagesTo(eve)[0]?.message_id ?? 1, `rate:${ticket.id}:5`);
      assert.equal((await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === forged))).text, 'This button no longer applies.');

      assert.equal((await userPresses(d, ann, survey.message_id, '2 ⭐')).text, 'Thank you! You rated us 2 ⭐');
      await d.tg.waitFor(() => d.topicMessages(thread).find((m) => text(m) === `⚠️ Low rating for ticket #${ticket.id}: 2 ⭐`));
      await d.tg.waitFor(() => d.botMessagesTo(ann).find((m) => text(m) === 'What could we do better? Just write it here, in one message.'));
      const again = d.tg.forgeCallbackQuery(ann, ann.id, survey.message_id, `rate:${ticket.id}:5`);
      assert.equal(
        (await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === again))).text,
        'You have already rated this one. Thank you!',
      );
      await d.tg.waitFor(() => (text(d.tg.message(d.group.id, card)) ?? '').includes('Rating: 2 ⭐'));
      assert.equal(text(d.tg.message(ann.id, survey.message_id)), 'Thank you! You rated us 2 ⭐');
      assert.equal(d.tg.message(ann.id, survey.message_id)?.reply_markup, undefined);

      await userWrites(d, ann, 'You were too slow');
      await d.tg.waitFor(() => d.topicMessages(thread).find((m) => text(m)?.startsWith("💬 The user's comment on their rating")));
      await outboxDrained(d);
      const rating = await d.app.db.prisma.rating.findUniqueOrThrow({ where: { ticketId: ticket.id } });
      assert.deepEqual([rating.score, rating.comment], [2, 'You were too slow']);

      // The new ticket is resolved too: no second survey within a day.
      d.tg.managerSends(d.group.id, d.manager, command('/close'), { threadId: thread });
      await outboxDrained(d);
      await pause(500);
      assert.equal(surveys(ann).length, 1);
    });

    // Bug: a press that comes before the survey's sending is recorded (its
    // Rating row is written with that record) turned away as outdated, and
    // the answer lost. Seen in a CI run under load; here Telegram answers
    // the survey's send late, and the user presses at once.
    test('a press on a survey whose sending is not recorded yet counts', async () => {
      await surveyAtOnce();
      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const { thread } = await userWrites(d, ann, 'my order is late');
      await managerWrites(d, thread, 'Sent today, sorry!');
      await outboxDrained(d);
      d.tg.answerLateNext('sendMessage', 700);
      pressCardButton(d, d.manager, await cardOf(d, ann), '🏁 Resolved');
      const survey = await d.tg.waitFor(() => d.botMessagesTo(ann).find((m) => text(m) === ASK));
      assert.equal(await d.app.db.prisma.rating.count(), 0, 'pressed before the survey is recorded');
      assert.equal((await userPresses(d, ann, survey.message_id, '4 ⭐')).text, 'Thank you! You rated us 4 ⭐');
      assert.equal((await d.app.db.prisma.rating.findFirstOrThrow()).score, 4);
    });

    // Bugs: the survey sent although the user wrote again before it went
    // out; sent at once instead of after the default minute.
    test('with the default delay, a message from the user before the survey goes out cancels it', { timeout: 120_000 }, async () => {
      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const { thread } = await userWrites(d, ann, 'hello');
      await managerWrites(d, thread, 'Hi!');
      d.tg.managerSends(d.group.id, d.manager, command('/close'), { threadId: thread });
      // The survey waits its minute in a queue of its own: a reply after /close is not held behind it.
      await managerWrites(d, thread, 'Anything else?');
      assert.equal(surveys(ann).length, 0, 'not at once');
      await userWrites(d, ann, 'one more thing');
      await pause(62_000);
      await outboxDrained(d);
      assert.equal(surveys(ann).length, 0, 'cancelled by the new message');
      assert.equal(await d.app.db.prisma.rating.count(), 0);
    });
  });
}
