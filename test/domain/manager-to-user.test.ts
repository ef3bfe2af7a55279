// relayManagerReply: what a manager's reply in a user's topic records and
// queues, on a real SQLite database (test/support/domain-harness.ts).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { relayManagerReply, type ManagerReply } from '../../src/domain/manager-to-user.js';
import { topicName } from '../../src/domain/people.js';
import { relayUserMessage } from '../../src/domain/user-to-topic.js';
import { createDomainHarness, person, SUPPORT_CHAT_ID, userMessage, type DomainHarness } from '../support/domain-harness.js';

const anna = person(7001, 'Anna', { last_name: 'Smith' });
const mary = person(9001, 'Mary', { last_name: 'Manager', username: 'mary_support' });
const bob = person(9002, 'Bob');
const userQ = `user:${anna.id}`;
const topicQ = `topic:${anna.id}`;

function reply(h: DomainHarness, manager: typeof mary, messageId: number, extra: Partial<ManagerReply> = {}): ManagerReply {
  return { manager, userId: anna.id, chatId: SUPPORT_CHAT_ID, messageId, sentAt: h.desk.now(), kind: 'text', ...extra };
}

describe('relayManagerReply', () => {
  let h: DomainHarness;
  let ticketId: number;
  beforeEach(async () => {
    h = await createDomainHarness();
    const first = await relayUserMessage(h.desk, userMessage(anna, 1));
    assert.ok(first.outcome === 'queued');
    ticketId = first.ticketId;
    await h.topicCreated(anna.id, 501, topicName('WAITING', anna));
  });
  afterEach(async () => {
    const calls = h.courierCalls.slice();
    await h.close();
    assert.deepEqual(calls, [], 'the domain never sends directly');
  });

  // Catches: a reply queued in the topic's queue instead of the user's (it
  // would wait behind the topic's renames and cards, and a user's private
  // chat would lose its own ordering), or recorded without who wrote it.
  // Tried: `copyToUser.make(topicQueue(userId), ...)` -> failed; dropped
  // `managerId: reply.manager.id` from addMessage -> failed.
  test('records an OUTBOUND message with the manager, and queues copyToUser in the user queue', async () => {
    const mark = await h.lastJobId();
    const sentAt = new Date('2026-01-15T10:00:05.000Z');
    const r = await relayManagerReply(h.desk, reply(h, mary, 800, { sentAt }));
    assert.ok(r.outcome === 'queued');

    const db = h.database.prisma;
    const m = await db.message.findUniqueOrThrow({ where: { id: r.messageId } });
    assert.equal(m.direction, 'OUTBOUND');
    assert.equal(m.managerId, BigInt(mary.id));
    assert.equal(m.userId, BigInt(anna.id));
    assert.equal(m.ticketId, ticketId);
    assert.equal(m.topicMessageId, 800);
    assert.equal(m.userChatMessageId, null);
    assert.equal(m.state, 'PENDING');
    assert.equal(m.sentAt.getTime(), sentAt.getTime());
    const manager = await db.manager.findUniqueOrThrow({ where: { id: BigInt(mary.id) } });
    assert.deepEqual([manager.firstName, manager.lastName, manager.username], ['Mary', 'Manager', 'mary_support']);

    const jobs = await h.jobs({ after: mark });
    const copies = jobs.filter((j) => j.kind === 'copyToUser');
    assert.deepEqual(
      copies.map((j) => [j.queue, j.payload]),
      [[userQ, { messageId: r.messageId }]],
    );
    assert.ok(
      jobs.every((j) => j.kind === 'copyToUser' || j.queue === topicQ || (j.kind === 'setReaction' && j.queue === userQ)),
      "the rest (card, name) belong to the topic; the 👀 on the user's message to the user's chat",
    );
  });

  // Catches: the first answer not taking the ticket into work (❗️ stays on
  // the topic, so another manager answers too), or not saying who took it.
  // Tried: `ticket.status === 'WAITING' && false` (no status change) ->
  // failed; removed the `markFirstResponse` call -> failed.
  test('the first reply moves a WAITING ticket to IN_WORK, with the manager as assignee and firstResponseAt set, and queues the card and the name', async () => {
    const mark = await h.lastJobId();
    const at = h.clock.advance(90_000);
    await relayManagerReply(h.desk, reply(h, mary, 800));

    const db = h.database.prisma;
    const ticket = await db.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    assert.equal(ticket.status, 'IN_WORK');
    assert.equal(ticket.assigneeId, BigInt(mary.id));
    assert.equal(ticket.firstResponseAt?.getTime(), at.getTime());
    const last = await db.statusChange.findFirstOrThrow({ where: { ticketId }, orderBy: { id: 'desc' } });
    assert.deepEqual([last.from, last.to, last.actorId, last.at.getTime()], ['WAITING', 'IN_WORK', BigInt(mary.id), at.getTime()]);

    const topicJobs = (await h.jobs({ after: mark })).filter((j) => j.queue === topicQ);
    assert.deepEqual(topicJobs.map((j) => [j.kind, j.payload, j.coalesceKey]).sort(), [
      ['refreshCard', { ticketId }, `card:${ticketId}`],
      ['syncTopicName', { userId: anna.id }, `name:${anna.id}`],
    ]);
  });

  // Catches: a later reply (another manager's) overwriting the first response
  // time or the assignee, or renaming the topic again for nothing.
  // Tried: made markFirstResponse unconditional (dropped `firstResponseAt:
  // null` from its where) -> failed.
  test('a later reply by another manager keeps the assignee and the first response time, and queues only the copy', async () => {
    const firstAt = h.clock.advance(1_000);
    await relayManagerReply(h.desk, reply(h, mary, 800));
    const mark = await h.lastJobId();

    h.clock.advance(60_000);
    const r = await relayManagerReply(h.desk, reply(h, bob, 801));
    assert.ok(r.outcome === 'queued');
    const db = h.database.prisma;
    const ticket = await db.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    assert.equal(ticket.status, 'IN_WORK');
    assert.equal(ticket.assigneeId, BigInt(mary.id));
    assert.equal(ticket.firstResponseAt?.getTime(), firstAt.getTime());
    assert.equal((await db.message.findUniqueOrThrow({ where: { id: r.messageId } })).managerId, BigInt(bob.id));
    assert.deepEqual(
      (await h.jobs({ after: mark })).map((j) => [j.queue, j.kind, j.payload]),
      [[userQ, 'copyToUser', { messageId: r.messageId }]],
    );
  });

  // Catches: a reply Telegram delivers twice sent to the user twice, or the
  // update failing on the unique key.
  // Tried: removed the `retry && messageInTopic` look-up -> failed (P2002 thrown).
  test('the same reply twice is recorded once; the second time is a duplicate that queues nothing', async () => {
    const first = await relayManagerReply(h.desk, reply(h, mary, 800));
    assert.equal(first.outcome, 'queued');
    const mark = await h.lastJobId();

    const again = await relayManagerReply(h.desk, reply(h, mary, 800));
    assert.deepEqual(again, { outcome: 'duplicate' });
    assert.equal(await h.database.prisma.message.count({ where: { direction: 'OUTBOUND' } }), 1);
    assert.deepEqual(await h.jobs({ after: mark }), []);
  });

  // Catches: album items sent one by one (each its own message) instead of
  // waiting for one another and going as one album.
  // Tried: dropped the coalesceKey of album items -> failed.
  test('items of an album share one coalesce key in the user queue', async () => {
    const mark = await h.lastJobId();
    await relayManagerReply(h.desk, reply(h, mary, 800, { kind: 'photo', mediaGroupId: 'g1' }));
    await relayManagerReply(h.desk, reply(h, mary, 801, { kind: 'photo', mediaGroupId: 'g1' }));
    const copies = (await h.jobs({ after: mark })).filter((j) => j.kind === 'copyToUser');
    assert.deepEqual(
      copies.map((j) => [j.queue, j.coalesceKey]),
      [
        [userQ, `album:out:${anna.id}:g1`],
        [userQ, `album:out:${anna.id}:g1`],
      ],
    );
    // notBefore is now + albumWaitMs (0 here).
    assert.ok(copies.every((j) => j.nextAttemptAt.getTime() === h.desk.now().getTime()));
  });
});
