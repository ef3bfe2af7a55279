// The hot path's plain SQL (src/db/direct-sql.ts) and shared transactions
// (writeShared in src/db/client.ts), on both real databases. The end-to-end
// suites run every direct statement as a user and a manager would; these
// tests pin what those would only show as an odd symptom much later.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { createDb, write, writeGroup, writeShared, type Database } from '../../src/db/client.js';
import { isUniqueViolation } from '../../src/db/errors.js';
import { migrateDatabase } from '../../src/db/migrate.js';
import { createStore } from '../../src/db/queries/index.js';
import { dbKinds, freshDatabase, type TestDatabase } from '../support/databases.js';

const ann = { id: 1001, first_name: 'Ann', last_name: 'Lee', username: 'ann', language_code: 'en' };

for (const kind of dbKinds) {
  describe(`direct SQL on ${kind}`, () => {
    let database: TestDatabase;
    let db: Database;
    beforeEach(async () => {
      database = await freshDatabase(kind);
      db = createDb(database.url);
      await migrateDatabase(db);
      await db.tune();
    });
    afterEach(async () => {
      await db.close();
      await database.drop();
    });

    // Bug: a column decoded unlike Prisma's own (an id as a number, a time as
    // text, a flag as 0/1) or left out: code written against Prisma's types
    // then compares or formats the wrong thing.
    test('rows come back exactly as Prisma gives them', async () => {
      const now = new Date('2026-12-01T10:20:30.456Z');
      const store = createStore(db.prisma);
      const touched = await write(db.prisma, (tx) => createStore(tx).touchUser(ann, now, true));
      await db.prisma.user.update({ where: { id: BigInt(ann.id) }, data: { bannedAt: now, banReason: 'spam', chosenCategoryId: 3 } });
      const again = await write(db.prisma, (tx) => createStore(tx).touchUser(ann, new Date(now.getTime() + 1000), true));
      assert.deepEqual(touched, {
        ...(await db.prisma.user.findUnique({ where: { id: BigInt(ann.id) } }))!,
        messageCount: 1,
        lastSeenAt: now,
        bannedAt: null,
        banReason: null,
        chosenCategoryId: null,
      });
      assert.deepEqual(again, await db.prisma.user.findUnique({ where: { id: BigInt(ann.id) } }));
      assert.equal(again.messageCount, 2);
      assert.equal(typeof again.id, 'bigint');
      assert.equal(again.blocked, false);

      const topic = await store.createTopic(ann.id, -100123);
      assert.deepEqual(topic, await db.prisma.topic.findUnique({ where: { id: topic.id } }));
      assert.deepEqual(await store.topicOfUser(ann.id), topic);
      assert.deepEqual(await store.topicWithLatestTicket(ann.id), { ...topic, tickets: [] }, 'a topic without a ticket yet');
      assert.equal(await store.topicWithLatestTicket(ann.id + 1), null);
      assert.equal(topic.threadId, null);
      assert.equal(topic.current, true);
      const opened = await store.openTicket(ann.id, topic.id, now);
      assert.deepEqual(opened, await db.prisma.ticket.findUnique({ where: { id: opened.id } }));
      assert.deepEqual(
        (await db.prisma.statusChange.findMany({ where: { ticketId: opened.id } })).map((c) => [c.from, c.to, c.actorId, c.at.toISOString(), c.via]),
        [[null, 'WAITING', null, now.toISOString(), null]],
      );
      await store.setTopicThread(topic.id, 55, '❗️ Ann Lee');
      assert.deepEqual(await store.topicOfUser(ann.id), await db.prisma.topic.findUnique({ where: { id: topic.id } }));
      assert.equal((await store.topicOfUser(ann.id))?.threadId, 55);
      assert.deepEqual(await store.user(ann.id), await db.prisma.user.findUnique({ where: { id: BigInt(ann.id) } }));
      assert.equal(await store.user(ann.id + 1), null);
      const found = await store.topicWithLatestTicket(ann.id);
      const viaPrisma = await db.prisma.topic.findFirst({
        where: { userId: BigInt(ann.id), current: true },
        include: { tickets: { orderBy: { id: 'desc' }, take: 1 } },
      });
      assert.deepEqual(found, viaPrisma);
      assert.equal(found?.tickets[0]?.status, 'WAITING');

      // A card's ticket, with and without an assignee and a rating.
      const ticketId = found!.tickets[0]!.id;
      const include = { user: true, topic: true, assignee: true, rating: true } as const;
      assert.deepEqual(await store.ticket(ticketId), await db.prisma.ticket.findUnique({ where: { id: ticketId }, include }));
      await store.touchManager({ id: 77, first_name: 'Mary' }, now);
      // A status change is conditional on the status it starts from, and recorded with who made it.
      const later = new Date(now.getTime() + 5000);
      assert.equal(await store.changeStatus(ticketId, 'IN_WORK', 'RESOLVED', 77, later), false, 'not in work: nothing changes');
      assert.equal(await store.changeStatus(ticketId, 'WAITING', 'IN_WORK', 77, later), true);
      assert.equal(await store.changeStatus(ticketId, 'IN_WORK', 'RESOLVED', 77, later, 'autoClose'), true);
      const resolved = await db.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } });
      assert.deepEqual([resolved.status, resolved.assigneeId, resolved.resolvedAt?.toISOString()], ['RESOLVED', 77n, later.toISOString()]);
      assert.equal(await store.changeStatus(ticketId, 'RESOLVED', 'WAITING', null, later), true);
      const reopened = await db.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } });
      assert.deepEqual([reopened.status, reopened.resolvedAt], ['WAITING', null]);
      assert.deepEqual(
        (await db.prisma.statusChange.findMany({ where: { ticketId }, orderBy: { id: 'asc' } })).map((c) => [c.from, c.to, c.actorId, c.via]),
        [
          [null, 'WAITING', null, null],
          ['WAITING', 'IN_WORK', 77n, null],
          ['IN_WORK', 'RESOLVED', 77n, 'autoClose'],
          ['RESOLVED', 'WAITING', null, null],
        ],
      );
      const lastChange = (id: number) => db.prisma.statusChange.findFirst({ where: { ticketId: id }, orderBy: { id: 'desc' }, include: { actor: true } });
      assert.deepEqual(await store.lastStatusChange(ticketId), await lastChange(ticketId), 'without an actor');
      await store.changeStatus(ticketId, 'WAITING', 'IN_WORK', 77, later);
      assert.deepEqual(await store.lastStatusChange(ticketId), await lastChange(ticketId), 'with one');
      assert.equal((await store.lastStatusChange(ticketId))?.actor?.firstName, 'Mary');
      assert.equal(await store.lastStatusChange(ticketId + 1000), null);
      await store.changeStatus(ticketId, 'IN_WORK', 'WAITING', null, later);
      await store.setCardMessage(ticketId, 901, topic.id + 1);
      assert.equal((await db.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } })).cardMessageId, null, 'not while in another topic');
      await store.setCardMessage(ticketId, 900, topic.id);
      assert.equal((await db.prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } })).cardMessageId, 900);
      await db.prisma.ticket.update({ where: { id: ticketId }, data: { assigneeId: null } });
      assert.deepEqual(await store.ticket(ticketId), await db.prisma.ticket.findUnique({ where: { id: ticketId }, include }));
      await store.setAssignee(ticketId, 77);
      await db.prisma.rating.create({ data: { ticketId, userId: BigInt(ann.id), sentAt: now, score: 4, ratedAt: now } });
      const full = await store.ticket(ticketId);
      assert.deepEqual(full, await db.prisma.ticket.findUnique({ where: { id: ticketId }, include }));
      assert.equal(full?.assignee?.firstName, 'Mary');
      assert.equal(full?.rating?.score, 4);
      assert.equal(await store.ticket(ticketId + 1000), null);
      const second = await store.openTicket(ann.id, topic.id, now);
      assert.deepEqual((await store.topicWithLatestTicket(ann.id))?.tickets, [second], 'the latest of two tickets');
      assert.equal(await store.countTicketsBefore(ann.id, ticketId + 1), 1);
      assert.equal(await store.countTicketsBefore(ann.id, ticketId), 0);

      const message = await write(db.prisma, (tx) =>
        createStore(tx).addMessage({
          ticketId: found!.tickets[0]!.id,
          userId: ann.id,
          direction: 'INBOUND',
          userChatMessageId: 7,
          topicMessageId: null,
          kind: 'text',
          sentAt: now,
          content: { text: 'Hello', entities: [{ type: 'bold', offset: 0, length: 5 }] },
        }),
      );
      assert.deepEqual(message, await db.prisma.message.findUnique({ where: { id: message.id } }));
      assert.deepEqual(await store.messagesByIds([message.id]), [message]);
    });

    // Bug: a direct statement run outside its decision's transaction (on
    // PostgreSQL, on another pool connection): it would stay when the
    // decision fails, and a row would exist for a message never relayed.
    test("a direct statement belongs to its write's transaction", async () => {
      const now = new Date();
      await assert.rejects(
        write(db.prisma, async (tx) => {
          await createStore(tx).touchUser(ann, now, true);
          throw new Error('the decision fails after it');
        }),
        /the decision fails/,
      );
      assert.equal(await db.prisma.user.count(), 0, 'rolled back with its transaction');
      // Concurrent transactions each see only their own uncommitted rows.
      const seen = await Promise.all(
        [1, 2, 3].map((n) =>
          write(db.prisma, async (tx) => {
            const store = createStore(tx);
            await store.touchUser({ id: n, first_name: `U${n}` }, now, true);
            return (await tx.user.findMany()).map((u) => Number(u.id));
          }),
        ),
      );
      assert.ok(
        seen.every((ids, i) => ids.includes(i + 1)),
        `each transaction sees its own row: ${JSON.stringify(seen)}`,
      );
    });

    // Bugs: a shared transaction that fails for one write and takes the
    // others with it (their messages lost: their callers see an error for a
    // decision that was fine); or an error not given back to its own caller.
    test('a write that fails in a shared transaction fails alone', async () => {
      const now = new Date();
      await write(db.prisma, (tx) => createStore(tx).touchUser(ann, now, true));
      const topic = await createStore(db.prisma).createTopic(ann.id, -100123);
      const add = (chatMessageId: number) =>
        writeShared(db.prisma, (tx) =>
          createStore(tx).addMessage({
            ticketId: null,
            userId: ann.id,
            direction: 'INBOUND',
            userChatMessageId: chatMessageId,
            topicMessageId: null,
            kind: 'text',
            sentAt: now,
          }),
        );
      await add(1);
      // Issued together: on SQLite they share transactions; 1 is a duplicate.
      const results = await Promise.allSettled([2, 3, 1, 4, 5].map(add));
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
      );
      assert.ok(isUniqueViolation((results[2] as PromiseRejectedResult).reason), 'the duplicate gets its own error, as a unique violation');
      // (On PostgreSQL they run side by side and may commit in any order.)
      const stored = await db.prisma.message.findMany({
        where: { userId: BigInt(ann.id) },
        orderBy: { userChatMessageId: 'asc' },
        select: { userChatMessageId: true },
      });
      assert.deepEqual(
        stored.map((m) => m.userChatMessageId),
        [1, 2, 3, 4, 5],
      );
      assert.ok(topic.id > 0);
    });

    // Bug: a group that starts writing at the first write of a turn. On SQLite a
    // statement does not wait for I/O, so that write is done before the next one
    // comes, and every delivery gets a transaction (and a commit) of its own:
    // about half the commits of a relayed message (npm run bench).
    test('writes issued in the same turn of the event loop share one transaction', async () => {
      const group = writeGroup(db.prisma, 64);
      const txs = new Set<object>();
      const now = new Date();
      const users = [1, 2, 3, 4, 5, 6];
      // One after another, each from its own callback, as answers from Telegram come in.
      const written = await new Promise<Array<Promise<unknown>>>((resolve) => {
        const out: Array<Promise<unknown>> = [];
        for (const id of users) {
          setImmediate(() => {
            out.push(
              group(async (tx) => {
                txs.add(tx);
                return createStore(tx).touchUser({ id, first_name: `U${id}` }, now, true);
              }),
            );
            if (out.length === users.length) resolve(out);
          });
        }
      });
      await Promise.all(written);
      assert.equal(txs.size, 1, `${txs.size} transactions for ${users.length} writes of one turn`);
      assert.equal(await db.prisma.user.count(), users.length);
    });
  });
}
