// Broadcasts and product surveys (NPS) end to end, as a support lead uses
// them: reply /broadcast to a message in General, pick the audience on the
// preview, confirm; watch the progress message; pause, resume, cancel;
// schedule one for later; read users' replies in their topics; ask the NPS
// question and read the score in /stats. Only admins act. On SQLite and
// PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Message, User } from 'grammy/types';
import { callsTo, command, fromBot, outboxDrained, pause, userPresses, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { eventually, startDesk, text, type TestDesk } from '../support/desk.js';
import { answerPrompt, answerTo, generalMessages, lastGroupMessageId, openSettings, press, waitForMessageText } from '../support/settings.js';

/** The panel under a preview starts with exactly this line; the progress message adds « · state». */
const panelTitle = (id: number) => `📣 Broadcast #${id}`;

for (const kind of dbKinds) {
  describe(`broadcasts on ${kind}`, () => {
    let d: TestDesk;
    afterEach(async () => {
      await d?.close();
    });

    /** Users who each wrote once (so the desk knows them), in parallel. */
    async function usersWhoWrote(names: string[], languageCode = 'en'): Promise<User[]> {
      const users = names.map((first_name) => d.tg.createUser({ first_name, language_code: languageCode }));
      await Promise.all(users.map((u) => userWrites(d, u, `hi from ${u.first_name}`)));
      return users;
    }

    /** An admin posts `body` in General and replies /broadcast (with `when`) to it; resolves with the broadcast's id and its panel. */
    async function broadcast(body: string, opts: { when?: string; admin?: User } = {}) {
      const source = d.tg.managerSends(d.group.id, d.manager, { text: body });
      const cmd = d.tg.managerSends(d.group.id, opts.admin ?? d.manager, command(`/broadcast${opts.when ? ` ${opts.when}` : ''}`), {
        replyToMessageId: source.message_id,
      });
      const preview = await d.tg.waitFor(() => generalMessages(d).find((m) => fromBot(d, m) && m.reply_to_message?.message_id === cmd.message_id));
      assert.equal(text(preview), body, 'the preview is the message, copied');
      const panel = await d.tg.waitFor(() =>
        generalMessages(d).find((m) => fromBot(d, m) && m.reply_to_message?.message_id === preview.message_id && text(m)?.startsWith('📣 Broadcast #')),
      );
      const id = Number(/^📣 Broadcast #(\d+)/.exec(text(panel) ?? '')?.[1]);
      return { id, panel: panel.message_id, source, preview };
    }

    /** The progress message of a broadcast, once posted. */
    const progressOf = (id: number) =>
      d.tg.waitFor(() => generalMessages(d).find((m) => fromBot(d, m) && text(m)?.startsWith(`${panelTitle(id)} · `)), { timeoutMs: 10_000 });

    /** Copies of `body` the bot sent to a user. */
    const copiesTo = (user: User, body: string) => d.botMessagesTo(user).filter((m) => text(m) === body);

    async function waitForSummary(id: number, prefix: string, timeoutMs = 20_000): Promise<Message> {
      const progress = await progressOf(id);
      return d.tg.waitFor(
        () => {
          const m = d.tg.message(d.group.id, progress.message_id);
          return m && text(m)?.startsWith(`${panelTitle(id)} · ${prefix}`) ? m : undefined;
        },
        { timeoutMs },
      );
    }

    // Bugs: the banned or the blocked in the audience (or counted in its
    // size); a user sent the broadcast twice, or not at all; a user found
    // to have blocked the bot at send time (403) not marked; the progress
    // message edited more often than once per period (the group's 20 a
    // minute), or never ending with the summary.
    test('to all: the banned and the blocked are left out, each other user gets it once, a 403 marks the user, the progress ends with the summary', async () => {
      d = await startDesk(kind, { BROADCAST_RATE: '4', BROADCAST_PROGRESS_SECONDS: '1' });
      const users = await usersWhoWrote(['Ann', 'Ben', 'Cid', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal', 'Ida']);
      const [ann, , , , , , gus, hal, ida] = users as [User, User, User, User, User, User, User, User, User];
      // Gus blocked the bot (Telegram tells the bot); Hal is banned.
      d.tg.userBlocksBot(gus);
      await eventually(async () => (await d.app.db.prisma.user.findUnique({ where: { id: gus.id } }))?.blocked);
      d.tg.managerSends(d.group.id, d.manager, command('/ban spam'), { threadId: (await d.waitForTopicOf(hal)).message_thread_id });
      await eventually(async () => (await d.app.db.prisma.user.findUnique({ where: { id: hal.id } }))?.bannedAt);
      // Ida deleted her account: Telegram tells nobody, the send finds out (403).
      d.tg.deactivateUser(ida);

      const body = '🎉 New version 2.5 is out: faster sync, dark mode.';
      const { id, panel } = await broadcast(body);
      const shown = text(d.tg.message(d.group.id, panel)) ?? '';
      assert.ok(shown.includes('👥 To all users: 7 people'), shown);
      assert.equal((await press(d, d.manager, panel, '✅ Send to 7')).text, '🚀 Sending to 7.');
      const summary = await waitForSummary(id, '✅ done');
      assert.ok(text(summary)?.includes('Sent 7 / 7 · delivered 6 · blocked 1 · failed 0'), text(summary));
      assert.equal(summary.reply_markup, undefined, 'no buttons once done');
      await waitForMessageText(d, panel, (t) => t.includes('✅ Confirmed by Mary Manager @mary_support'));

      for (const u of users.slice(0, 6)) assert.equal(copiesTo(u, body).length, 1, `${u.first_name} got it once`);
      assert.equal(copiesTo(gus, body).length + copiesTo(hal, body).length, 0, 'the blocked and the banned got nothing');
      assert.equal((await d.app.db.prisma.user.findUniqueOrThrow({ where: { id: ida.id } })).blocked, true, 'the 403 marked her');
      const rows = await d.app.db.prisma.broadcastRecipient.findMany({ where: { broadcastId: id }, orderBy: { userId: 'asc' } });
      assert.equal(rows.length, 7);
      assert.deepEqual(rows.find((r) => Number(r.userId) === ida.id)?.state, 'BLOCKED');
      assert.equal(rows.filter((r) => r.state === 'SENT').length, 6);
      assert.equal(copiesTo(ann, body)[0]?.message_id, rows.find((r) => Number(r.userId) === ann.id)?.messageId, 'the copy is recorded');

      // At most one change of the progress message per period (1 s here, 30 s by default).
      const edits = callsTo(d.tg, 'editMessageText', d.group.id, (c) => Number(c.params.message_id) === summary.message_id && c.ok);
      assert.ok(edits.length >= 1, 'the summary is an edit');
      const posted = d.tg.calls.find((c) => c.method === 'sendMessage' && c.ok && String(c.params.text).includes(`Broadcast #${id}</b> · `));
      const times = [posted!.at, ...edits.map((e) => e.at)];
      for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 1000, `edits ${times.map((t) => t - times[0]!).join(', ')} ms`);
    });

    /** Waits until no send is in flight (claimed and not yet recorded). */
    const settled = (id: number) =>
      eventually(async () => (await d.app.db.prisma.broadcastRecipient.count({ where: { broadcastId: id, state: 'SENDING' } })) === 0);
    const delivered = (id: number) => d.app.db.prisma.broadcastRecipient.count({ where: { broadcastId: id, state: 'SENT' } });
    const answerOf = (queryId: string) => d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === queryId));
    const forge = (who: User, messageId: number, data: string) => answerOf(d.tg.forgeCallbackQuery(who, d.group.id, messageId, data));
    const state = async (id: number) => (await d.app.db.prisma.broadcast.findUniqueOrThrow({ where: { id } })).state;

    // Bugs: a member who is not an admin starting, confirming, pausing or
    // cancelling a broadcast; forged callback_data acting (an unknown
    // broadcast, another broadcast's id on this panel, the progress
    // buttons' actions on the panel, an audience the panel never offered).
    test('only admins: a member is refused at /broadcast, Confirm, Pause and Cancel; forged buttons change nothing', async () => {
      d = await startDesk(kind, { BROADCAST_RATE: '3', BROADCAST_PROGRESS_SECONDS: '1' });
      const bob = d.tg.createUser({ first_name: 'Bob', language_code: 'en' });
      d.tg.addMember(d.group.id, bob, 'member');
      const users = await usersWhoWrote(['Ann', 'Ben', 'Cid', 'Dan', 'Eve', 'Fay']);

      const source = d.tg.managerSends(d.group.id, bob, { text: 'Bob says hi to all' });
      const asked = d.tg.managerSends(d.group.id, bob, command('/broadcast'), { replyToMessageId: source.message_id });
      assert.equal(text(await answerTo(d, asked)), "Only the group's admins can send broadcasts.");

      const a = await broadcast('Broadcast A');
      const b = await broadcast('Broadcast B');
      assert.equal((await press(d, bob, a.panel, '✅ Send to 6')).text, "Only the group's admins can send broadcasts.");
      for (const data of [`bc:ok:${b.id}:`, 'bc:ok:999:', 'bc:zz:1:', `bc:aud:${a.id}:d31`, `bc:aud:${a.id}:c77`, `bc:pause:${a.id}:`, `bc:stop:${a.id}:`]) {
        assert.equal((await forge(d.manager, a.panel, data)).text, 'This button is outdated or not for you.', data);
      }
      assert.deepEqual([await state(a.id), await state(b.id)], ['DRAFT', 'DRAFT']);
      assert.equal(await d.app.db.prisma.broadcastRecipient.count(), 0, 'nothing was sent');

      assert.equal((await press(d, d.manager, a.panel, '✅ Send to 6')).text, '🚀 Sending to 6.');
      const progress = await progressOf(a.id);
      assert.equal((await press(d, bob, progress.message_id, '⏸ Pause')).text, "Only the group's admins can send broadcasts.");
      assert.equal((await press(d, bob, progress.message_id, '⏹ Cancel')).text, "Only the group's admins can send broadcasts.");
      assert.equal((await forge(bob, progress.message_id, `bc:stop:${a.id}:`)).text, "Only the group's admins can send broadcasts.");
      assert.equal((await forge(d.manager, b.panel, `bc:pause:${a.id}:`)).text, 'This button is outdated or not for you.');
      assert.equal((await forge(d.manager, progress.message_id, `bc:ok:${b.id}:`)).text, 'This button is outdated or not for you.');
      await waitForSummary(a.id, '✅ done');
      for (const u of users) assert.equal(copiesTo(u, 'Broadcast A').length, 1);
      assert.equal(await state(b.id), 'DRAFT', 'B was never confirmed');

      assert.equal((await press(d, d.manager, b.panel, '✖️ Cancel')).text, '✖️ Cancelled.');
      await waitForMessageText(d, b.panel, (t) => t.includes('✖️ Cancelled by Mary Manager'));
      assert.equal(d.tg.message(d.group.id, b.panel)?.reply_markup, undefined);
      assert.equal((await forge(d.manager, b.panel, `bc:ok:${b.id}:`)).text, 'This broadcast has moved on: that button no longer applies.');
      await outboxDrained(d);
      for (const u of users) assert.equal(copiesTo(u, 'Broadcast B').length, 0);
    });

    // Bugs: Pause not stopping the sends (or only after the batch); Resume
    // not going on, or sending someone's copy again; Cancel leaving the
    // rest to go out; the progress message not saying so.
    test('Pause stops the sends, Resume goes on where it stopped, Cancel leaves the rest unsent', async () => {
      d = await startDesk(kind, { BROADCAST_RATE: '2', BROADCAST_PROGRESS_SECONDS: '1' });
      const users = await usersWhoWrote(['Ann', 'Ben', 'Cid', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal']);
      const body = 'Maintenance tonight, 02:00–03:00.';
      const { id, panel } = await broadcast(body);
      await press(d, d.manager, panel, '✅ Send to 8');
      const progress = await progressOf(id);
      await eventually(async () => (await delivered(id)) >= 2, 10_000);
      assert.equal((await press(d, d.manager, progress.message_id, '⏸ Pause')).text, '⏸ Paused.');
      await settled(id);
      const before = await delivered(id);
      const copies = () => users.reduce((n, u) => n + copiesTo(u, body).length, 0);
      assert.equal(copies(), before);
      await pause(1_500);
      assert.equal(await delivered(id), before, 'nothing goes out while paused');
      assert.equal(copies(), before);
      assert.ok(before < 8, `paused before the end: ${before}`);
      await waitForMessageText(d, progress.message_id, (t) => t.startsWith(`${panelTitle(id)} · ⏸ paused by Mary Manager`));
      assert.equal((await press(d, d.manager, progress.message_id, '▶️ Resume')).text, '▶️ Resumed.');
      await waitForSummary(id, '✅ done');
      for (const u of users) assert.equal(copiesTo(u, body).length, 1, `${u.first_name} got it once`);

      const second = 'Second notice';
      const next = await broadcast(second);
      await press(d, d.manager, next.panel, '✅ Send to 8');
      const nextProgress = await progressOf(next.id);
      await eventually(async () => (await delivered(next.id)) >= 1, 10_000);
      assert.equal((await press(d, d.manager, nextProgress.message_id, '⏹ Cancel')).text, '✖️ Cancelled.');
      await settled(next.id);
      const sent = await delivered(next.id);
      assert.ok(sent < 8);
      const summary = await waitForSummary(next.id, '⏹ cancelled by Mary Manager');
      assert.ok(text(summary)?.includes(`Not sent: ${8 - sent}`), text(summary));
      await pause(1_500);
      assert.equal(
        users.reduce((n, u) => n + copiesTo(u, second).length, 0),
        sent,
        'nothing after the cancel',
      );
    });

    // Bugs: a restart sending everything again (or what was in flight), or
    // not going on at all; a stop cutting off the sends in flight unrecorded.
    test('a restart in the middle goes on where it stopped: everyone gets it exactly once', async () => {
      d = await startDesk(kind, { BROADCAST_RATE: '2', BROADCAST_PROGRESS_SECONDS: '1' });
      const users = await usersWhoWrote(['Ann', 'Ben', 'Cid', 'Dan', 'Eve', 'Fay', 'Gus', 'Hal', 'Ida', 'Jon']);
      const body = 'Our prices change on Monday.';
      const { id, panel } = await broadcast(body);
      await press(d, d.manager, panel, '✅ Send to 10');
      await eventually(async () => (await delivered(id)) >= 3, 10_000);
      await d.restart();
      const midway = await delivered(id);
      assert.ok(midway < 10, `stopped midway: ${midway}`);
      await waitForSummary(id, '✅ done');
      for (const u of users) assert.equal(copiesTo(u, body).length, 1, `${u.first_name} got it once`);
      const rows = await d.app.db.prisma.broadcastRecipient.groupBy({ by: ['state'], where: { broadcastId: id }, _count: { _all: true } });
      assert.deepEqual(
        rows.map((r) => [r.state, r._count._all]),
        [['SENT', 10]],
      );
    });

    // Bugs: the time read in UTC or the server's zone instead of the
    // group's; sent before its time, or never; a cancelled schedule still
    // sent; /broadcasts missing it; a time in the past accepted.
    test("scheduled: sent at its time in the group's zone; /broadcasts lists it and cancels another", async () => {
      d = await startDesk(kind, { BROADCAST_PROGRESS_SECONDS: '1' });
      const settings = await openSettings(d);
      const before = lastGroupMessageId(d);
      await press(d, d.manager, settings, '🌍 Time zone');
      const reply = await answerPrompt(d, d.manager, '✏️ Reply to this message with the time zone', { text: 'Asia/Tokyo' }, before);
      assert.equal(text(await answerTo(d, reply)), '✅ Saved.');
      const users = await usersWhoWrote(['Ann', 'Ben', 'Cid']);

      const source = d.tg.managerSends(d.group.id, d.manager, { text: 'Some news' });
      const past = d.tg.managerSends(d.group.id, d.manager, command('/broadcast 2020-01-01 10:00'), { replyToMessageId: source.message_id });
      assert.match(text(await answerTo(d, past)) ?? '', /^That time has passed: it is \d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? now \(Asia\/Tokyo\)\.$/);
      const garbled = d.tg.managerSends(d.group.id, d.manager, command('/broadcast tomorrow'), { replyToMessageId: source.message_id });
      assert.match(text(await answerTo(d, garbled)) ?? '', /^I did not understand the time/);

      // Whole seconds, and not :00 (shown as HH:MM then).
      let at = new Date(Math.ceil((Date.now() + 4_000) / 1000) * 1000);
      if (at.getUTCSeconds() === 0) at = new Date(at.getTime() + 1000);
      const when = tokyo(at);
      const { id, panel } = await broadcast('Webinar starts now!', { when });
      assert.ok(text(d.tg.message(d.group.id, panel))?.includes(`🗓 To be sent on ${when} (Asia/Tokyo).`));
      assert.equal((await press(d, d.manager, panel, '🗓 Schedule for 3')).text, '🗓 Scheduled.');
      await waitForMessageText(d, panel, (t) => t.includes(`🗓 Scheduled by Mary Manager @mary_support for ${when} (Asia/Tokyo).`));

      const later = await broadcast('Never sent', { when: tokyo(new Date(Date.now() + 86_400_000)) });
      await press(d, d.manager, later.panel, '🗓 Schedule for 3');
      await eventually(async () => (await state(later.id)) === 'SCHEDULED');
      const list = d.tg.managerSends(d.group.id, d.manager, command('/broadcasts'));
      const listed = await answerTo(d, list);
      assert.ok(text(listed)?.includes(`• #${id} · ${when} · all users · by Mary Manager @mary_support`), text(listed));
      assert.deepEqual(
        listed.reply_markup?.inline_keyboard.flat().map((x) => x.text),
        [`✖️ Cancel #${id}`, `✖️ Cancel #${later.id}`],
      );
      assert.equal((await press(d, d.manager, listed.message_id, `✖️ Cancel #${later.id}`)).text, '✖️ Cancelled.');

      await waitForSummary(id, '✅ done');
      const first = d.tg.calls.find((c) => c.method === 'copyMessage' && c.ok && Number(c.params.chat_id) === users[0]!.id);
      assert.ok(first && first.at >= at.getTime(), 'not before its time');
      for (const u of users) assert.equal(copiesTo(u, 'Webinar starts now!').length, 1);
      await pause(1_000);
      for (const u of users) assert.equal(copiesTo(u, 'Never sent').length, 0);
      assert.equal(await state(later.id), 'CANCELLED');
    });

    // Bugs: a user's reply to a broadcast arriving in the topic with no
    // hint of what it answers; the quote showing another broadcast, or the
    // whole text; an ordinary message getting a quote.
    test("a user's reply to a broadcast reaches their topic after a line quoting it", async () => {
      d = await startDesk(kind, { BROADCAST_PROGRESS_SECONDS: '1' });
      const [ann, ben] = (await usersWhoWrote(['Ann', 'Ben'])) as [User, User];
      const body = 'We are moving to a new office next week: please tell us which days suit you for a visit.';
      const { id, panel } = await broadcast(body);
      await press(d, d.manager, panel, '✅ Send to 2');
      await waitForSummary(id, '✅ done');
      const copy = copiesTo(ann, body)[0]!;
      const { thread } = await userWrites(d, ann, 'Tuesday works', { replyToMessageId: copy.message_id });
      const texts = d.topicMessages(thread).map((m) => text(m));
      const at = texts.indexOf('Tuesday works');
      assert.equal(texts[at - 1], `↩️ In reply to broadcast #${id}: «${[...body].slice(0, 60).join('')}…»`);
      const plain = await userWrites(d, ben, 'just a question');
      assert.ok(!d.topicMessages(plain.thread).some((m) => text(m)?.startsWith('↩️')));
    });

    // Bugs: no question after the message; an answer stored twice (or a
    // second press changing it); a forged score or another broadcast's
    // survey accepted; the NPS computed wrong or missing from /stats.
    test('NPS: the question follows the message, each answer is stored once, /stats shows the score', async () => {
      d = await startDesk(kind, { BROADCAST_PROGRESS_SECONDS: '1' });
      const users = await usersWhoWrote(['Ann', 'Ben', 'Cid', 'Dan', 'Eve']);
      const [ann, ben, cid, dan, eve] = users as [User, User, User, User, User];
      const { id, panel } = await broadcast('Thanks for being with us this year!');
      assert.equal((await press(d, d.manager, panel, '📊 Add NPS question')).text, '📊 The NPS question follows the message.');
      await waitForMessageText(d, panel, (t) => t.includes('📊 Then the NPS question'));
      await press(d, d.manager, panel, '✅ Send to 5');
      await waitForSummary(id, '✅ done');
      const QUESTION = 'How likely are you to recommend us to a friend? 0 – not at all, 10 – definitely:';
      const questions = new Map(users.map((u) => [u.id, d.botMessagesTo(u).find((m) => text(m) === QUESTION)!]));
      const question = (u: User) => questions.get(u.id)!;
      assert.deepEqual(
        question(ann).reply_markup?.inline_keyboard.map((row) => row.map((b) => b.text)),
        [
          ['0', '1', '2', '3', '4', '5'],
          ['6', '7', '8', '9', '10'],
        ],
      );
      for (const [u, score] of [
        [ann, '10'],
        [ben, '9'],
        [cid, '3'],
        [dan, '10'],
      ] as const) {
        assert.equal((await userPresses(d, u, question(u).message_id, score)).text, `Thank you! Your answer: ${score}`);
      }
      const again = d.tg.forgeCallbackQuery(dan, dan.id, question(dan).message_id, `nps:${id}:0`);
      assert.equal((await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === again))).text, 'You have already answered. Thank you!');
      const forged = d.tg.forgeCallbackQuery(eve, eve.id, question(eve).message_id, `nps:${id}:11`);
      assert.equal((await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === forged))).text, 'This button no longer applies.');
      const other = d.tg.forgeCallbackQuery(eve, eve.id, question(eve).message_id, `nps:${id + 1}:10`);
      assert.equal((await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === other))).text, 'This button no longer applies.');
      await d.tg.waitFor(() => text(d.tg.message(dan.id, question(dan).message_id)) === 'Thank you! Your answer: 10');
      assert.equal(d.tg.message(dan.id, question(dan).message_id)?.reply_markup, undefined, 'the buttons go once answered');
      const answers = await d.app.db.prisma.npsAnswer.findMany({ orderBy: { userId: 'asc' } });
      assert.deepEqual(
        answers.map((a) => [Number(a.userId), a.score]),
        [
          [ann.id, 10],
          [ben.id, 9],
          [cid.id, 3],
          [dan.id, 10],
        ].sort((x, y) => x[0]! - y[0]!),
      );
      const asked = d.tg.managerSends(d.group.id, d.manager, command('/stats'));
      const summary = await d.tg.waitFor(() => d.tg.messages(d.group.id).find((m) => fromBot(d, m) && m.reply_to_message?.message_id === asked.message_id));
      // 3 promoters, 1 detractor of 4: +50.
      assert.ok(text(summary)?.includes('NPS: +50 (4 answers: 3 promoters, 1 detractors)'), text(summary));
    });
  });
}

/** A wall-clock time in Tokyo, as an admin types it: 2026-12-01 10:00:05. */
function tokyo(at: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Tokyo',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
