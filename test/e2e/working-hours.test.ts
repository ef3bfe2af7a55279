// Working hours end to end: admins set the group's time zone, hours per
// weekday and days off in /settings; outside those hours a user's first
// message of a ticket gets one notice saying when the team is back, in the
// user's language and the group's time zone, and is relayed as usual. On
// SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { outboxDrained, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { startDesk, text, type TestDesk } from '../support/desk.js';
import { answerPrompt, answerTo, lastGroupMessageId, openSettings, press, waitForMessageText } from '../support/settings.js';

const ZONE = 'Asia/Tokyo';
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Today's date in the zone, and the date `days` later: its weekday (0 = Monday), ISO date and "Thu, 3 Dec" (written out here, not taken from src). */
function dayInZone(days: number) {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d + days));
  const weekday = (at.getUTCDay() + 6) % 7;
  const month = at.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return { weekday, iso: at.toISOString().slice(0, 10), label: `${WEEKDAYS[weekday]}, ${at.getUTCDate()} ${month}` };
}

async function answerHoursPrompt(d: TestDesk, panel: number, button: string, prompt: string, reply: string) {
  const before = lastGroupMessageId(d);
  await press(d, d.manager, panel, button);
  const sent = await answerPrompt(d, d.manager, prompt, { text: reply }, before);
  assert.equal(text(await answerTo(d, sent)), '✅ Saved.');
}

for (const kind of dbKinds) {
  describe(`working hours on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      d = await startDesk(kind);
    });
    afterEach(async () => {
      await d.close();
    });

    // Bugs: no notice off hours; one per message instead of one per ticket;
    // the time in UTC or the server's zone instead of the group's; days off
    // not skipped; the user's language ignored; a notice while the desk is open.
    test("off hours, a ticket's first message gets one notice with the time the team is back, in the group's zone and the user's language", async () => {
      const open = dayInZone(3);
      const panel = await openSettings(d);
      await press(d, d.manager, panel, '🕘 Working hours');
      await waitForMessageText(d, panel, (t) => t.startsWith('🕘 Working hours'));
      await answerHoursPrompt(d, panel, '🌍 Time zone', '✏️ Reply to this message with the time zone', ZONE);
      await answerHoursPrompt(d, panel, `${WEEKDAYS[open.weekday]} —`, '✏️ Reply to this message with the hours for', '9-18');
      await waitForMessageText(d, panel, (t) => t.includes(`${WEEKDAYS[open.weekday]}: 09:00–18:00`) && t.includes(ZONE));

      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const { thread } = await userWrites(d, ann, 'hello?');
      await userWrites(d, ann, 'anyone?');
      await outboxDrained(d);
      assert.deepEqual(
        d.botMessagesTo(ann).map((m) => text(m)),
        [`We are away right now; your message is saved and we will answer when we are back: ${open.label}, 09:00 (${ZONE}).`],
      );
      assert.equal(d.topicMessages(thread).filter((m) => text(m) === 'hello?' || text(m) === 'anyone?').length, 2, 'both relayed');

      // That day becomes a day off: the team is back a week later.
      await answerHoursPrompt(d, panel, '📅 Days off', '✏️ Reply to this message with the days off', open.iso);
      const ivan = d.tg.createUser({ first_name: 'Иван', language_code: 'ru' });
      await userWrites(d, ivan, 'здравствуйте');
      const notice = await d.tg.waitFor(() => d.botMessagesTo(ivan)[0]);
      const weekLater = dayInZone(10);
      const ru = new Date(`${weekLater.iso}T12:00:00Z`);
      const ruLabel = `${ru.toLocaleString('ru-RU', { weekday: 'short', timeZone: 'UTC' })}, ${ru.getUTCDate()} ${ru.toLocaleString('ru-RU', { month: 'short', timeZone: 'UTC' })}`;
      assert.equal(text(notice), `Сейчас мы не работаем; ваше сообщение сохранено, мы ответим, когда вернёмся: ${ruLabel}, 09:00 (${ZONE}).`);

      // Open all day today: no notice.
      await answerHoursPrompt(d, panel, WEEKDAYS[dayInZone(0).weekday]!, '✏️ Reply to this message with the hours for', '00:00-24:00');
      const bob = d.tg.createUser({ first_name: 'Bob', language_code: 'en' });
      await userWrites(d, bob, 'hi');
      await outboxDrained(d);
      assert.deepEqual(d.botMessagesTo(bob), [], 'no notice while the desk is open');
    });
  });
}
