// A broadcast at scale, as a real desk meets it: 2,000 users, a Telegram
// that answers 429 beyond its limits, users who blocked the bot before and
// during the sending, a restart in the middle, and a user and a manager
// talking the whole time. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { User } from 'grammy/types';
import { command, fromBot, pressCardButton, userWrites } from '../support/actions.js';
import { dbKinds } from '../support/databases.js';
import { Prisma } from '../../src/generated/sqlite/client.js';
import { eventually, startDesk, text, type TestDesk } from '../support/desk.js';
import { generalMessages, press } from '../support/settings.js';

const USERS = 2_000;
const PERIOD_S = 5;
/** Sends the broadcast keeps on their way at once (src/app.ts: min(32, BROADCAST_RATE)). */
const IN_FLIGHT = 32;

for (const kind of dbKinds) {
  describe(`a broadcast to ${USERS} users on ${kind}`, () => {
    let d: TestDesk;
    afterEach(async () => {
      await d?.close();
    });

    // Bugs: a user sent the broadcast twice (a 429'd send repeated after it
    // went out, a restart sending what was in flight again) or never (a
    // restart or a 429 losing the rest); a 429's retry_after ignored (more
    // 429s, then a flood wait); a user who blocked the bot mid-way not
    // marked; the progress message edited more often than once per period
    // or beyond the group's 20 a minute; the relay queued behind the
    // broadcast (a user's message or a manager's reply waiting for it to end).
    test('every user gets it exactly once through 429s and a restart; the blocked are marked; progress within the limits; the relay keeps working', {
      timeout: 240_000,
    }, async (t) => {
      // The desk believes Telegram allows 200 a second overall (the broadcast asks for more); this Telegram allows
      // 50: its 429s, not our limiter, set the pace, as when Telegram tightens its limits without notice.
      d = await startDesk(kind, { BROADCAST_RATE: '400', LIMIT_GLOBAL: '200/s', BROADCAST_PROGRESS_SECONDS: String(PERIOD_S) });
      const ann = d.tg.createUser({ first_name: 'Ann', language_code: 'en' });
      const { thread } = await userWrites(d, ann, 'hello');

      // Users who wrote to support before (the desk knows them; their chats with the bot are open).
      const users: User[] = Array.from({ length: USERS }, (_, i) => d.tg.createUser({ first_name: `U${i}`, language_code: i % 3 ? 'en' : 'ru' }));
      for (const u of users) d.tg.userStartedBot(u);
      const blockedBefore = users.slice(100, 105);
      const blockedDuring = users.slice(USERS - 5);
      for (const u of blockedBefore) d.tg.userBlocksBot(u);
      await d.app.db.prisma.user.createMany({
        data: users.map((u) => ({ id: BigInt(u.id), firstName: u.first_name, languageCode: u.language_code ?? null, blocked: blockedBefore.includes(u) })),
      });
      const audience = USERS + 1 - blockedBefore.length;
      d.tg.setRateLimits({ globalPerSecond: 50, groupPerMinute: 20 });

      const body = '📣 Big news: version 3.0 is out.';
      const source = d.tg.managerSends(d.group.id, d.manager, { text: body });
      const cmd = d.tg.managerSends(d.group.id, d.manager, command('/broadcast'), { replyToMessageId: source.message_id });
      const panel = await d.tg.waitFor(
        () => generalMessages(d).find((m) => fromBot(d, m) && text(m)?.startsWith('📣 Broadcast #') && m.reply_to_message?.message_id !== cmd.message_id),
        { timeoutMs: 20_000 },
      );
      const id = Number(/^📣 Broadcast #(\d+)/.exec(text(panel) ?? '')?.[1]);
      assert.equal((await press(d, d.manager, panel.message_id, `✅ Send to ${audience}`)).text, `🚀 Sending to ${audience}.`);

      const delivered = () => d.app.db.prisma.broadcastRecipient.count({ where: { broadcastId: id, state: 'SENT' } });
      const running = async () => (await d.app.db.prisma.broadcast.findUniqueOrThrow({ where: { id } })).state === 'RUNNING';
      await eventually(async () => (await delivered()) >= 300, 60_000);
      // Five more block the bot before their turn; Ann and Mary talk.
      for (const u of blockedDuring) d.tg.userBlocksBot(u);
      d.tg.userSends(ann, { text: 'is the update safe to install?' });
      await d.tg.waitFor(() => d.topicMessages(thread).find((m) => fromBot(d, m) && text(m) === 'is the update safe to install?'), { timeoutMs: 15_000 });
      d.tg.managerSends(d.group.id, d.manager, { text: 'Yes, go ahead.' }, { threadId: thread });
      await d.tg.waitFor(() => d.botMessagesTo(ann).find((m) => text(m) === 'Yes, go ahead.'), { timeoutMs: 15_000 });
      assert.ok(await running(), 'the conversation did not wait for the broadcast to end');

      await eventually(async () => (await delivered()) >= 900, 90_000);
      await d.restart();
      const midway = await delivered();
      assert.ok(midway < audience - 100, `restarted midway: ${midway}`);

      const progressId = await eventually(async () => {
        const m = generalMessages(d).find((x) => fromBot(d, x) && text(x)?.startsWith(`📣 Broadcast #${id} · `));
        return m?.message_id;
      });
      await d.tg.waitFor(() => (text(d.tg.message(d.group.id, progressId)!) ?? '').startsWith(`📣 Broadcast #${id} · ✅ done`), { timeoutMs: 150_000 });
      const summary = text(d.tg.message(d.group.id, progressId)!) ?? '';
      const sent = audience - blockedDuring.length;
      // On failure, the rows that did not go as expected say why (an interrupted send, a lost answer, a refusal).
      const failedRows = async () =>
        JSON.stringify(
          await d.app.db.prisma.broadcastRecipient.findMany({ where: { broadcastId: id, state: 'FAILED' }, select: { userId: true, error: true } }),
          (_, v) => (typeof v === 'bigint' ? String(v) : v),
        );
      if (!summary.includes(`Sent ${audience} / ${audience} · delivered ${sent} · blocked `)) assert.fail(`${summary}\nfailed rows: ${await failedRows()}`);

      // Exactly once: every accepted copy of the source, per chat.
      const copies = new Map<number, number>();
      for (const c of d.tg.calls) {
        if (c.method === 'copyMessage' && c.ok && Number(c.params.message_id) === source.message_id) {
          const to = Number(c.params.chat_id);
          copies.set(to, (copies.get(to) ?? 0) + 1);
        }
      }
      const blocked = new Set([...blockedBefore, ...blockedDuring].map((u) => u.id));
      for (const u of [ann, ...users]) assert.equal(copies.get(u.id) ?? 0, blocked.has(u.id) ? 0 : 1, `${u.first_name}: ${copies.get(u.id) ?? 0} copies`);
      const states = await d.app.db.prisma.broadcastRecipient.groupBy({ by: ['state'], where: { broadcastId: id }, _count: { _all: true } });
      const byState = Object.fromEntries(states.map((s) => [s.state, s._count._all]));
      assert.equal(byState.SENT, sent, JSON.stringify(byState));
      assert.equal((byState.BLOCKED ?? 0) + (byState.SKIPPED ?? 0), blockedDuring.length, JSON.stringify(byState));
      assert.equal(byState.FAILED ?? 0, 0, JSON.stringify(byState));
      const marked = await d.app.db.prisma.user.count({ where: { id: { in: blockedDuring.map((u) => BigInt(u.id)) }, blocked: true } });
      assert.equal(marked, blockedDuring.length, 'those who blocked the bot mid-way are marked');

      // Telegram said 429, and the broadcast listened: after a 429 (the first of its second), no copy left
      // until its retry_after had passed, but for those already on their way. Those are counted, not timed:
      // the bot keeps at most IN_FLIGHT sends on their way, and on a loaded machine (the bot and this fake
      // share one event loop) they may reach the fake a few hundred milliseconds after the 429.
      const hits = d.tg.rateLimitHits.filter((h) => h.scope === 'global' && !h.floodWait);
      assert.ok(hits.length > 0, 'the fake answered 429 at least once');
      t.diagnostic(`${sent} delivered; ${hits.length} 429s (first of their second), ${d.tg.rateLimitHits.length} in all`);
      const copyTimes = d.tg.calls.filter((c) => c.method === 'copyMessage' && Number(c.params.message_id) === source.message_id).map((c) => c.at);
      for (const h of hits) {
        const early = copyTimes.filter((t) => t > h.at && t < h.at + h.retry_after * 1000 - 50);
        assert.ok(early.length <= IN_FLIGHT, `${early.length} copies within a retry_after of ${h.retry_after} s`);
      }
      // The progress message: posted once, then edited at most once per period, and never beyond the group's
      // 20 a minute (an edit the broadcast's own traffic got a global 429 for is tried again, after its retry_after).
      assert.deepEqual(
        d.tg.rateLimitHits.filter((h) => h.scope === 'group'),
        [],
        "the group's limit was never hit",
      );
      const posted = d.tg.calls.find((c) => c.method === 'sendMessage' && c.ok && String(c.params.text).includes(`Broadcast #${id}</b> · `))!;
      const edits = d.tg.calls.filter(
        (c) => c.method === 'editMessageText' && c.ok && Number(c.params.chat_id) === d.group.id && Number(c.params.message_id) === progressId,
      );
      assert.ok(edits.length >= 2, `edited ${edits.length} times`);
      const times = [posted.at, ...edits.map((e) => e.at)];
      for (let i = 1; i < times.length; i++)
        assert.ok(times[i]! - times[i - 1]! >= PERIOD_S * 1000 - 50, `edits at ${times.map((t) => t - times[0]!).join(', ')} ms`);
    });
    // Bugs: the audience «last rating at most K» built as a list of user ids,
    // which passes the databases' limit on parameters (about 32,000) once
    // that many users have rated: the press fails instead of counting; the
    // count taking any rating rather than each user's latest.
    test('the audience «last rating ≤ 2» over 40,000 rated users is counted and sent to', { timeout: 120_000 }, async () => {
      d = await startDesk(kind, { BROADCAST_PROGRESS_SECONDS: '1' });
      const N = 40_000;
      const rated = await seedRatedUsers(d, N);
      const source = d.tg.managerSends(d.group.id, d.manager, { text: 'Sorry for the trouble last month' });
      const cmd = d.tg.managerSends(d.group.id, d.manager, command('/broadcast'), { replyToMessageId: source.message_id });
      const panel = await d.tg.waitFor(
        () => generalMessages(d).find((m) => fromBot(d, m) && text(m)?.startsWith('📣 Broadcast #') && m.reply_to_message?.message_id !== cmd.message_id),
        { timeoutMs: 20_000 },
      );
      assert.equal((await press(d, d.manager, panel.message_id, '⭐ ≤ 2')).text, `👥 ${rated} people`);
      const id = Number(/^📣 Broadcast #(\d+)/.exec(text(panel) ?? '')?.[1]);
      const label = `✅ Send to ${rated}`;
      await eventually(async () =>
        d.tg
          .message(d.group.id, panel.message_id)
          ?.reply_markup?.inline_keyboard.flat()
          .some((b) => b.text === label),
      );
      const query = pressCardButton(d, d.manager, panel.message_id, label);
      const answer = await d.tg.waitFor(() => d.tg.callbackAnswers.find((a) => a.callback_query_id === query), { timeoutMs: 60_000 });
      assert.equal(answer.text, `🚀 Sending to ${rated}.`);
      assert.equal(await d.app.db.prisma.broadcastRecipient.count({ where: { broadcastId: id } }), rated, 'a recipient row for each');
      const stop = await d.tg.waitFor(() => generalMessages(d).find((m) => fromBot(d, m) && text(m)?.startsWith(`📣 Broadcast #${id} · `) && m.reply_markup), {
        timeoutMs: 20_000,
      });
      await press(d, d.manager, stop.message_id, '⏹ Cancel');
    });
  });
}

/**
 * `n` users who each had a ticket resolved and rated it: half last rated 1
 * (after an earlier 5, on an older ticket of theirs for every tenth), half 5
 * (after an earlier 1). Written in bulk, as the bot would have stored them
 * over the months. Returns how many last rated at most 2.
 */
async function seedRatedUsers(d: TestDesk, n: number): Promise<number> {
  const db = d.app.db.prisma;
  const base = 7_000_000_000;
  const day = 86_400_000;
  const now = Date.now();
  const chunk = 2_000;
  let ticket = 1_000_000;
  let low = 0;
  for (let i = 0; i < n; i += chunk) {
    const users: Prisma.Sql[] = [];
    const topics: Prisma.Sql[] = [];
    const tickets: Prisma.Sql[] = [];
    const ratings: Prisma.Sql[] = [];
    for (let j = i; j < Math.min(n, i + chunk); j++) {
      const id = BigInt(base + j);
      const last = j % 2 === 0 ? 1 : 5;
      if (last <= 2) low++;
      users.push(Prisma.sql`(${id}, ${`U${j}`}, ${last})`);
      topics.push(Prisma.sql`(${j + 1}, ${BigInt(d.group.id)}, ${j + 2}, ${id}, ${`🏁 U${j}`})`);
      const scores = j % 10 === 0 ? [6 - last, last] : [last];
      scores.forEach((score, k) => {
        const at = new Date(now - (scores.length - k) * day);
        tickets.push(Prisma.sql`(${ticket}, ${id}, ${j + 1}, 'RESOLVED', ${at}, ${at})`);
        ratings.push(Prisma.sql`(${ticket}, ${id}, ${at}, ${score}, ${at})`);
        ticket++;
      });
    }
    await db.$executeRaw`INSERT INTO "User" ("id", "firstName", "lastScore") VALUES ${Prisma.join(users)}`;
    await db.$executeRaw`INSERT INTO "Topic" ("id", "chatId", "threadId", "userId", "name") VALUES ${Prisma.join(topics)}`;
    await db.$executeRaw`INSERT INTO "Ticket" ("id", "userId", "topicId", "status", "openedAt", "resolvedAt") VALUES ${Prisma.join(tickets)}`;
    await db.$executeRaw`INSERT INTO "Rating" ("ticketId", "userId", "sentAt", "score", "ratedAt") VALUES ${Prisma.join(ratings)}`;
  }
  return low;
}
