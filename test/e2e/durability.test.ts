// The delivery promise, end to end: a crash at any moment loses nothing,
// Telegram's 429s are obeyed without losing or reordering anything, and a
// second instance on the same token stops instead of fighting. On SQLite and
// PostgreSQL.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { User } from 'grammy/types';
import { copiesIn, pause } from '../support/actions.js';
import { startProcessDesk } from '../support/bot-process.js';
import { dbKinds } from '../support/databases.js';
import { startDesk } from '../support/desk.js';

for (const kind of dbKinds) {
  describe(`durability on ${kind}`, () => {
    test('SIGKILL at random moments during a burst, restart, repeat: nothing lost, order kept, duplicates bounded', async () => {
      const desk = await startProcessDesk(kind);
      const { tg, group } = desk;
      const users: User[] = Array.from({ length: 6 }, (_, i) => tg.createUser({ first_name: `Crash${i}`, language_code: 'en' }));
      const perUser = 15;
      const crashes = 4;
      try {
        // Messages keep coming in, in order per user, while the bot is killed and restarted.
        let sent = 0;
        const total = users.length * perUser;
        const sender = (async () => {
          for (let n = 1; n <= perUser; n++) {
            for (const u of users) {
              tg.userSends(u, { text: `c${u.id}-${String(n).padStart(2, '0')}` });
              sent++;
              await pause(8 + Math.random() * 12);
            }
          }
        })();
        for (let i = 0; i < crashes; i++) {
          const bot = desk.start();
          await bot.ready();
          await pause(100 + Math.random() * 500);
          await bot.kill();
        }
        await sender;
        assert.equal(sent, total);
        await desk.start().ready();

        for (const u of users) {
          const prefix = `c${u.id}-`;
          const expected = Array.from({ length: perUser }, (_, i) => `${prefix}${String(i + 1).padStart(2, '0')}`);
          // Every message reaches the user's topic (the one the bot has on record).
          const thread = await tg.waitFor(
            () => {
              const topic = tg.topics(group.id).find((t) => !t.deleted && copiesIn(tg, group.id, t.message_thread_id, prefix).length >= perUser);
              if (!topic) return undefined;
              const got = new Set(copiesIn(tg, group.id, topic.message_thread_id, prefix));
              return expected.every((e) => got.has(e)) ? topic.message_thread_id : undefined;
            },
            { timeoutMs: 30_000 },
          );
          const copies = copiesIn(tg, group.id, thread, prefix);
          // In order: the first time each message appears follows the order sent.
          const firsts = copies.filter((c, i) => copies.indexOf(c) === i);
          assert.deepEqual(firsts, expected, `order for ${u.first_name}`);
          // A message is sent again only if a crash fell between Telegram accepting it and the row
          // being marked done: at most once per crash. (Two crashes can both land in the same
          // message's window: it is re-sent first after a restart, and the next kill can come then.)
          const counts = new Map<string, number>();
          for (const c of copies) counts.set(c, (counts.get(c) ?? 0) + 1);
          for (const [c, n] of counts) assert.ok(n <= 1 + crashes, `${c} delivered ${n} times after ${crashes} crashes`);
          assert.ok(copies.length - perUser <= crashes, `${copies.length - perUser} duplicates for ${u.first_name} after ${crashes} crashes`);
        }
        // A crash between Telegram creating a topic and the bot recording it leaves a topic nobody
        // claims; the bot removes those, so in the end each user has exactly one.
        await tg.waitFor(() => tg.topics(group.id).filter((t) => !t.deleted).length === users.length, { timeoutMs: 20_000 });
        const duplicatesTotal = users.reduce((sum, u) => {
          const all = tg.topics(group.id).flatMap((t) => copiesIn(tg, group.id, t.message_thread_id, `c${u.id}-`));
          return sum + all.length - perUser;
        }, 0);
        // At most one duplicate per crash per queue that was mid-send; a loose overall bound.
        assert.ok(duplicatesTotal <= crashes * users.length, `${duplicatesTotal} duplicates in all`);
        process.stdout.write(
          `# crash test on ${kind}: ${crashes} crashes, ${total} messages, ${duplicatesTotal} duplicates, ${tg.topics(group.id).length} topics created for ${users.length} users\n`,
        );
      } finally {
        await desk.close();
      }
    });

    test('SIGKILL at the instant the next getUpdates confirms a fetched batch: after a restart every message is in its topic exactly once, in order', async () => {
      const desk = await startProcessDesk(kind);
      const { tg, group } = desk;
      try {
        await desk.start().ready();
        // Nothing may reach Telegram before the kill (so nothing can arrive twice): without
        // "Manage topics" the bot decides and stores, but cannot open topics yet.
        tg.setBotRights(group.id, { status: 'administrator', can_manage_topics: false });
        await tg.waitFor(() => tg.pendingUpdates() === 0, { timeoutMs: 15_000 });
        const users = Array.from({ length: 20 }, (_, i) => tg.createUser({ first_name: `Batch${i}`, language_code: 'en' }));
        const perUser = 5;
        for (let n = 1; n <= perUser; n++) for (const u of users) tg.userSends(u, { text: `b${u.id}-${n}` });
        // The batch goes out; the bot asks for the next one, which confirms it to Telegram: killed right then.
        await tg.holdNextGetUpdates();
        const [bot] = desk.started();
        await bot!.kill();
        assert.ok(tg.pendingUpdates() < users.length * perUser, 'the kill came after a batch was confirmed');
        assert.equal(tg.topics(group.id).length, 0, 'nothing was sent before the kill');

        tg.setBotRights(group.id, { status: 'administrator', can_manage_topics: true });
        await desk.start().ready();
        for (const u of users) {
          const expected = Array.from({ length: perUser }, (_, i) => `b${u.id}-${i + 1}`);
          const topic = await tg
            .waitFor(() => tg.topics(group.id).find((t) => !t.deleted && t.name.endsWith(u.first_name)), { timeoutMs: 30_000 })
            .catch(() => undefined);
          assert.ok(topic, `${u.first_name}'s messages never reached a topic: lost`);
          await tg.waitFor(() => copiesIn(tg, group.id, topic.message_thread_id, `b${u.id}-`).length >= perUser, { timeoutMs: 30_000 }).catch(() => undefined);
          assert.deepEqual(copiesIn(tg, group.id, topic.message_thread_id, `b${u.id}-`), expected, `${u.first_name}: exactly once, in order`);
        }
        await pause(500);
        for (const u of users) {
          const all = tg.topics(group.id).flatMap((t) => copiesIn(tg, group.id, t.message_thread_id, `b${u.id}-`));
          assert.equal(all.length, perUser, `${u.first_name}: nothing twice`);
        }
      } finally {
        await desk.close();
      }
    });

    test('SIGKILL whenever a batch is confirmed while messages keep arriving, restart, repeat: nothing lost, order kept', async () => {
      const desk = await startProcessDesk(kind);
      const { tg, group } = desk;
      const users = Array.from({ length: 3 }, (_, i) => tg.createUser({ first_name: `Flow${i}`, language_code: 'en' }));
      const crashes = 4;
      try {
        // Each user writes every 100 ms until the last crash is over: a backlog builds while the
        // bot is down, and more keeps coming while it fetches it.
        let crashing = true;
        let perUser = 0;
        const sender = (async () => {
          while (crashing) {
            perUser++;
            for (const u of users) tg.userSends(u, { text: `f${u.id}-${String(perUser).padStart(3, '0')}` });
            await pause(100);
          }
        })();
        for (let i = 0; i < crashes; i++) {
          const bot = desk.start();
          await bot.ready();
          await tg.holdNextGetUpdates();
          await bot.kill();
        }
        crashing = false;
        await sender;
        await desk.start().ready();
        for (const u of users) {
          const prefix = `f${u.id}-`;
          const expected = Array.from({ length: perUser }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);
          const firstsIn = (thread: number) => {
            const copies = copiesIn(tg, group.id, thread, prefix);
            return copies.filter((c, i) => copies.indexOf(c) === i);
          };
          const topic = await tg
            .waitFor(() => tg.topics(group.id).find((t) => !t.deleted && firstsIn(t.message_thread_id).length === perUser), { timeoutMs: 60_000 })
            .catch(() => undefined);
          const live = tg
            .topics(group.id)
            .filter((t) => !t.deleted)
            .flatMap((t) => firstsIn(t.message_thread_id));
          assert.ok(topic, `${u.first_name}: ${perUser - live.length} of ${perUser} messages lost`);
          // In order, each at least once; a copy twice only if a kill fell between Telegram accepting it and the row being marked.
          assert.deepEqual(firstsIn(topic.message_thread_id), expected, `order for ${u.first_name}`);
          assert.ok(copiesIn(tg, group.id, topic.message_thread_id, prefix).length - perUser <= crashes, `duplicates for ${u.first_name}`);
        }
      } finally {
        await desk.close();
      }
    });

    test('SIGTERM mid-burst: in-flight work finishes, the rest waits in the outbox, a restart delivers it exactly once', async () => {
      // Slow enough (5 per second into the group) that SIGTERM lands with work queued.
      const desk = await startProcessDesk(kind, { LIMIT_GROUP: '5/s' });
      const { tg, group } = desk;
      let bot = desk.start();
      try {
        await bot.ready();
        const user = tg.createUser({ first_name: 'Term', language_code: 'en' });
        for (let n = 1; n <= 20; n++) tg.userSends(user, { text: `t-${String(n).padStart(2, '0')}` });
        await tg.waitFor(() => tg.topics(group.id)[0] && copiesIn(tg, group.id, tg.topics(group.id)[0]!.message_thread_id, 't-').length >= 3);
        const exit = await bot.stop();
        assert.equal(exit.code, 0, bot.stderr());
        const before = copiesIn(tg, group.id, tg.topics(group.id)[0]!.message_thread_id, 't-').length;
        assert.ok(before < 20, 'the stop came while messages were still queued');
        bot = desk.start();
        await bot.ready();
        const expected = Array.from({ length: 20 }, (_, i) => `t-${String(i + 1).padStart(2, '0')}`);
        await tg.waitFor(() => copiesIn(tg, group.id, tg.topics(group.id)[0]!.message_thread_id, 't-').length >= 20, { timeoutMs: 20_000 });
        await pause(300);
        assert.deepEqual(copiesIn(tg, group.id, tg.topics(group.id)[0]!.message_thread_id, 't-'), expected, 'exactly once, in order');
      } finally {
        await desk.close();
      }
    });

    test('a second instance on the same database waits for the first to stop, then takes over: nothing sent twice', async () => {
      const desk = await startProcessDesk(kind);
      const { tg, group } = desk;
      try {
        const first = desk.start();
        await first.ready();
        const second = desk.start();
        await tg.waitFor(() => second.stdout().includes('Another instance of this bot is running on the same database'), { timeoutMs: 20_000 });
        assert.ok(!second.stdout().includes('polling for updates'), 'the second one does not poll while the first runs');
        const user = tg.createUser({ first_name: 'Deploy', language_code: 'en' });
        for (let n = 1; n <= 5; n++) tg.userSends(user, { text: `d-${n}` });
        await tg.waitFor(() => tg.topics(group.id)[0] && copiesIn(tg, group.id, tg.topics(group.id)[0]!.message_thread_id, 'd-').length === 5);
        await first.stop();
        await second.ready();
        for (let n = 6; n <= 10; n++) tg.userSends(user, { text: `d-${n}` });
        const thread = tg.topics(group.id)[0]!.message_thread_id;
        await tg.waitFor(() => copiesIn(tg, group.id, thread, 'd-').length >= 10);
        await pause(300);
        assert.deepEqual(
          copiesIn(tg, group.id, thread, 'd-'),
          Array.from({ length: 10 }, (_, i) => `d-${i + 1}`),
        );
        assert.equal(tg.topics(group.id).length, 1);
      } finally {
        await desk.close();
      }
    });

    for (const limiter of ['on', 'off'] as const) {
      test(`many users at once into a group limited to "20 per window" (our limiter ${limiter}): every message once, in order per user, 429s obeyed`, async () => {
        // A compressed clock: Telegram's 20 per minute becomes 20 per 2 s (long enough that a
        // busy machine's slow answers do not blur the windows).
        const windowMs = 2000;
        const d = await startDesk(kind, limiter === 'on' ? { LIMIT_GROUP: `20/${windowMs}ms` } : {});
        try {
          d.tg.setRateLimits({ groupPerMinute: 20, groupWindowMs: windowMs });
          const users = Array.from({ length: 12 }, (_, i) => d.tg.createUser({ first_name: `Storm${i}`, language_code: 'en' }));
          const perUser = 4;
          const started = Date.now();
          for (let n = 1; n <= perUser; n++) for (const u of users) d.tg.userSends(u, { text: `s${u.id}-${n}` });
          for (const u of users) {
            const topic = await d.waitForTopicOf(u);
            await d.tg.waitFor(() => copiesIn(d.tg, d.group.id, topic.message_thread_id, `s${u.id}-`).length >= perUser, { timeoutMs: 30_000 });
          }
          await pause(200);
          for (const u of users) {
            const topic = await d.waitForTopicOf(u);
            assert.deepEqual(
              copiesIn(d.tg, d.group.id, topic.message_thread_id, `s${u.id}-`),
              Array.from({ length: perUser }, (_, i) => `s${u.id}-${i + 1}`),
            );
          }
          assert.equal(d.tg.topics(d.group.id).length, users.length, 'one topic per user');
          // What the limit allows: every group send counted by the fake, 20 per window.
          const groupSends = d.tg.calls.filter(
            (c) =>
              c.ok && Number(c.params.chat_id) === d.group.id && /^(copymessage|sendmessage|createforumtopic|editforumtopic|editmessagetext)$/i.test(c.method),
          );
          const first = Math.min(...groupSends.map((c) => c.at));
          const last = Math.max(...groupSends.map((c) => c.at));
          const allowedMs = (Math.ceil(groupSends.length / 20) - 1) * windowMs;
          const hits = d.tg.rateLimitHits.length;
          process.stdout.write(
            `# 429 storm on ${kind}, limiter ${limiter}: ${groupSends.length} group sends in ${last - first} ms (limit allows ${allowedMs} ms, ratio ${((last - first) / allowedMs).toFixed(2)}), ${hits} × 429, total ${Date.now() - started} ms\n`,
          );
          if (limiter === 'on') assert.equal(hits, 0, 'pacing on our side keeps Telegram from answering 429');
          else {
            assert.ok(hits > 0, 'the storm really hit the limit');
            // A bot that obeys retry_after meets each flood wait about once per queue: the sends
            // already in flight when it began, one per user's topic queue. One that resends at
            // once keeps hitting the same wait.
            const starts = d.tg.rateLimitHits.filter((h) => !h.floodWait).length;
            const during = hits - starts;
            const queues = users.length + 1; // each user's topic, and General
            assert.ok(during <= starts * queues, `${during} × 429 during ${starts} flood waits, with ${queues} queues`);
          }
          // Obeying retry_after in seconds, not minutes, and not ignoring it: no more than twice the minimum time.
          assert.ok(last - first <= allowedMs * 2 + windowMs, `took ${last - first} ms, limit allows ${allowedMs} ms`);
        } finally {
          await d.close();
        }
      });
    }
  });
}

describe('a second instance on the same token', () => {
  test('409 Conflict: the bot says why and stops instead of fighting', async () => {
    const desk = await startProcessDesk('sqlite');
    const { tg } = desk;
    const bot = desk.start();
    try {
      await bot.ready();
      // Wait until the bot holds a long poll, then poll as "another instance".
      await pause(300);
      const other = fetch(`${tg.apiRoot}/bot${tg.token}/getUpdates?timeout=2`);
      const exit = await Promise.race([bot.exited, pause(15_000).then(() => undefined)]);
      assert.ok(exit, 'the bot stopped');
      assert.equal(exit.code, 1);
      assert.match(bot.stderr(), /Another instance is polling this bot's updates.*run only one instance/);
      await other;
    } finally {
      await desk.close();
    }
  });
});
