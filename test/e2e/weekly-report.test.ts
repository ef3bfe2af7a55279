// The weekly report end to end: an admin picks its day and hour in /settings;
// when that moment has come, the scoreboard of the past seven days is posted
// to General by itself, once (not again after a restart); off means never.
// On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { fromBot, pause, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { startDesk, text, type TestDesk } from '../support/desk.js';
import { generalMessages, openSettings, press, waitForMessageText } from '../support/settings.js';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

for (const kind of dbKinds) {
  describe(`the weekly report on ${kind}`, () => {
    let d: TestDesk;
    beforeEach(async () => {
      d = await startDesk(kind, { WEEKLY_REPORT_CHECK_SECONDS: '1' });
    });
    afterEach(async () => {
      await d.close();
    });

    const reports = () => generalMessages(d).filter((m) => fromBot(d, m) && text(m)?.startsWith('📊 Support for') && !('photo' in m));

    // Bugs: the report never posted (the check not started, the slot
    // computed in the wrong zone or week); posted at every check, or again
    // after a restart; the off switch ignored; a non-admin changing it.
    test('posted once when its day and hour have come, not again after a restart; off means never', { timeout: 60_000 }, async () => {
      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      await userWrites(d, ann, 'hello');
      const panel = await openSettings(d);
      const member = d.tg.createUser({ first_name: 'Max' });
      d.tg.addMember(d.group.id, member, 'member');
      const forged = d.tg.forgeCallbackQuery(member, d.group.id, panel, 'cfg:weeklyOff:0');
      assert.equal(
        (await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === forged))).text,
        "Only the group's admins can change settings.",
      );

      await press(d, d.manager, panel, '📅 Weekly report');
      await waitForMessageText(d, panel, (t) => t.startsWith('📅 Weekly report'));
      const today = WEEKDAYS[(new Date().getUTCDay() + 6) % 7]!;
      // Marked ✅ when it is the day or hour already set.
      const pick = (label: string) => {
        const has = d.tg
          .message(d.group.id, panel)
          ?.reply_markup?.inline_keyboard.flat()
          .some((b) => b.text === label);
        return press(d, d.manager, panel, has ? label : `✅ ${label}`);
      };
      await pick(today);
      await pick('00:00');
      await waitForMessageText(d, panel, (t) => t.includes(`Weekly report: ${today} 00:00`));
      const report = await d.tg.waitFor(() => reports()[0], { timeoutMs: 10_000 });
      // The seven days before this week's moment (today, 00:00 UTC): today's ticket is next week's.
      const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
      assert.ok(text(report)?.startsWith(`📊 Support for ${day(7)} – ${day(1)}\n`), text(report));
      assert.match(text(report) ?? '', /Tickets opened: 0/);
      await d.tg.waitFor(() => generalMessages(d).find((m) => fromBot(d, m) && 'photo' in m));
      await pause(2_500);
      assert.equal(reports().length, 1, 'once per week, however often it is looked for');
      await d.restart();
      await pause(2_500);
      assert.equal(reports().length, 1, 'not again after a restart');
      const stored = await d.app.db.prisma.deskSetting.findUnique({ where: { key: 'weeklyReportSentFor' } });
      assert.ok(stored);

      // Off: the stored week forgotten, nothing is posted.
      await d.app.db.prisma.deskSetting.delete({ where: { key: 'weeklyReportSentFor' } });
      const again = await openSettings(d);
      await press(d, d.manager, again, '📅 Weekly report');
      await waitForMessageText(d, again, (t) => t.startsWith('📅 Weekly report'));
      await press(d, d.manager, again, '⏸ Off');
      await waitForMessageText(d, again, (t) => t.includes('Weekly report: off'));
      await d.restart();
      await pause(2_500);
      assert.equal(reports().length, 1);
    });
  });
}
