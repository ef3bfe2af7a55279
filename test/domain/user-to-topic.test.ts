// relayUserMessage: what one user's message records and queues, on a real
// SQLite database (test/support/domain-harness.ts).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { changeTicketStatus } from '../../src/domain/ticket-status.js';
import { relayManagerReply } from '../../src/domain/manager-to-user.js';
import { userBlockedBot } from '../../src/domain/membership.js';
import { topicName } from '../../src/domain/people.js';
import { relayUserMessage } from '../../src/domain/user-to-topic.js';
import { createDomainHarness, person, SUPPORT_CHAT_ID, userMessage, type DomainHarness } from '../support/domain-harness.js';

const anna = person(7001, 'Anna', { last_name: 'Smith', username: 'anna' });
const mary = person(9001, 'Mary', { username: 'mary_support' });
const queue = `topic:${anna.id}`;

/** Anna's first message, and Telegram creating her topic (what the openTopic job records). */
async function firstMessage(h: DomainHarness) {
  const r = await relayUserMessage(h.desk, userMessage(anna, 1));
  assert.equal(r.outcome, 'queued');
  await h.topicCreated(anna.id, 501, topicName('WAITING', anna));
  return r;
}

describe('relayUserMessage', () => {
  let h: DomainHarness;
  beforeEach(async () => {
    h = await createDomainHarness();
  });
  afterEach(async () => {
    const calls = h.courierCalls.slice();
    await h.close();
    // The domain only queues; it never sends anything itself.
    assert.deepEqual(calls, []);
  });

  // Catches: the first message not opening the topic before the copy (the copy
  // would have no thread to go to), or the card queued after the copy, or any
  // of them queued outside the user's topic queue (no ordering between them).
  // Tried: deleted `send(openTopic.make(queue, { userId }))` -> failed.
  test('a first message creates the user, the topic row, a WAITING ticket and a PENDING message, and queues openTopic, postCard, copyToTopic in the topic queue, in that order', async () => {
    const sentAt = new Date('2026-01-15T09:58:00.000Z');
    const r = await relayUserMessage(h.desk, userMessage(anna, 1, { sentAt }));
    assert.equal(r.outcome, 'queued');
    assert.ok(r.outcome === 'queued');
    const db = h.database.prisma;

    const user = await db.user.findUniqueOrThrow({ where: { id: BigInt(anna.id) } });
    assert.equal(user.firstName, 'Anna');
    assert.equal(user.lastName, 'Smith');
    assert.equal(user.username, 'anna');
    assert.equal(user.messageCount, 1);
    assert.equal(user.blocked, false);

    const topic = await db.topic.findFirstOrThrow({ where: { userId: BigInt(anna.id), current: true } });
    assert.equal(topic.chatId, BigInt(SUPPORT_CHAT_ID));
    assert.equal(topic.threadId, null, 'the thread comes later, from the openTopic job');

    const tickets = await db.ticket.findMany({ where: { userId: BigInt(anna.id) } });
    assert.equal(tickets.length, 1);
    assert.equal(tickets[0]!.id, r.ticketId);
    assert.equal(tickets[0]!.status, 'WAITING');
    assert.equal(tickets[0]!.topicId, topic.id);
    const changes = await db.statusChange.findMany({ where: { ticketId: r.ticketId } });
    assert.deepEqual(
      changes.map((c) => [c.from, c.to, c.actorId]),
      [[null, 'WAITING', null]],
    );

    const message = await db.message.findUniqueOrThrow({ where: { id: r.messageId } });
    assert.equal(message.state, 'PENDING');
    assert.equal(message.direction, 'INBOUND');
    assert.equal(message.ticketId, r.ticketId);
    assert.equal(message.userChatMessageId, 1);
    assert.equal(message.topicMessageId, null);
    assert.equal(message.sentAt.getTime(), sentAt.getTime());

    const jobs = await h.jobs();
    assert.deepEqual(
      jobs.map((j) => [j.queue, j.kind, j.payload, j.state]),
      [
        [queue, 'openTopic', { userId: anna.id }, 'PENDING'],
        [queue, 'postCard', { ticketId: r.ticketId }, 'PENDING'],
        [queue, 'copyToTopic', { messageId: r.messageId }, 'PENDING'],
      ],
    );
    // What was handed to the outbox after the commit is what the table holds.
    assert.deepEqual(
      h.accepted.map((j) => j.id),
      jobs.map((j) => j.id),
    );
  });

  // Catches: every message renaming the topic or posting another card (one
  // edit per message would soon hit Telegram's limits for the group).
  // Tried: made the rename condition always true (`if (!newTopic || (statusChanged ...`) -> failed.
  test('a second message in the same ticket queues only copyToTopic', async () => {
    const first = await firstMessage(h);
    assert.ok(first.outcome === 'queued');
    const mark = await h.lastJobId();

    const second = await relayUserMessage(h.desk, userMessage(anna, 2));
    assert.ok(second.outcome === 'queued');
    assert.equal(second.ticketId, first.ticketId);
    assert.deepEqual(
      (await h.jobs({ after: mark })).map((j) => [j.queue, j.kind, j.payload]),
      [[queue, 'copyToTopic', { messageId: second.messageId }]],
    );
    const user = await h.database.prisma.user.findUniqueOrThrow({ where: { id: BigInt(anna.id) } });
    assert.equal(user.messageCount, 2);
    assert.equal(await h.database.prisma.ticket.count(), 1);
  });

  // Catches: a message Telegram delivers twice (a re-fetched update) relayed
  // twice, or failing the update after the unique key refuses the second row.
  // Tried: removed the `retry && messageInUserChat` look-up, so the retry hits
  // the unique key again -> failed (P2002 thrown).
  test('the same Telegram message twice is recorded once, and the second time is a duplicate that queues nothing', async () => {
    const first = await firstMessage(h);
    assert.ok(first.outcome === 'queued');
    const mark = await h.lastJobId();

    const again = await relayUserMessage(h.desk, userMessage(anna, 1));
    assert.deepEqual(again, { outcome: 'duplicate' });
    assert.equal(await h.database.prisma.message.count(), 1);
    assert.deepEqual(await h.jobs({ after: mark }), []);
    // The duplicate's decision rolled back whole: the count is not bumped either.
    const user = await h.database.prisma.user.findUniqueOrThrow({ where: { id: BigInt(anna.id) } });
    assert.equal(user.messageCount, 1);
  });

  // Catches: a message after resolution appended to the RESOLVED ticket (it
  // would stay 🏁 and nobody would look at it).
  // Tried: opened a new ticket only when there is none (`newTicket = !ticket`,
  // and the same in the `if`) -> failed.
  test('after the ticket is RESOLVED, a new message opens a new WAITING ticket and queues postCard and syncTopicName before the copy', async () => {
    const first = await firstMessage(h);
    assert.ok(first.outcome === 'queued');
    const resolved = await changeTicketStatus(h.desk, { ticketId: first.ticketId, to: 'RESOLVED', manager: mary, userId: anna.id });
    assert.deepEqual(resolved, { outcome: 'changed', status: 'RESOLVED' });
    const mark = await h.lastJobId();

    h.clock.advance(60_000);
    const next = await relayUserMessage(h.desk, userMessage(anna, 2));
    assert.ok(next.outcome === 'queued');
    assert.notEqual(next.ticketId, first.ticketId);

    const db = h.database.prisma;
    const newTicket = await db.ticket.findUniqueOrThrow({ where: { id: next.ticketId } });
    assert.equal(newTicket.status, 'WAITING');
    assert.equal(newTicket.topicId, (await db.ticket.findUniqueOrThrow({ where: { id: first.ticketId } })).topicId, 'same topic');
    assert.equal((await db.ticket.findUniqueOrThrow({ where: { id: first.ticketId } })).status, 'RESOLVED');
    assert.equal((await db.message.findUniqueOrThrow({ where: { id: next.messageId } })).ticketId, next.ticketId);

    assert.deepEqual(
      (await h.jobs({ after: mark })).map((j) => [j.queue, j.kind, j.payload]),
      [
        [queue, 'postCard', { ticketId: next.ticketId }],
        [queue, 'syncTopicName', { userId: anna.id }],
        [queue, 'copyToTopic', { messageId: next.messageId }],
      ],
    );
  });

  // Catches: a user's new message leaving the ticket 📝 IN_WORK, so managers
  // do not see that the user is waiting for them again.
  // Tried: skipped the IN_WORK -> WAITING change (`&& false` on its `if`) -> failed.
  test('an IN_WORK ticket goes back to WAITING (by nobody) and refreshCard and syncTopicName are queued', async () => {
    const first = await firstMessage(h);
    assert.ok(first.outcome === 'queued');
    await relayManagerReply(h.desk, { manager: mary, userId: anna.id, chatId: SUPPORT_CHAT_ID, messageId: 900, sentAt: h.desk.now(), kind: 'text' });
    const db = h.database.prisma;
    assert.equal((await db.ticket.findUniqueOrThrow({ where: { id: first.ticketId } })).status, 'IN_WORK');
    const mark = await h.lastJobId();

    const next = await relayUserMessage(h.desk, userMessage(anna, 2));
    assert.ok(next.outcome === 'queued');
    assert.equal(next.ticketId, first.ticketId, 'the same ticket, not a new one');
    assert.equal((await db.ticket.findUniqueOrThrow({ where: { id: first.ticketId } })).status, 'WAITING');
    const last = await db.statusChange.findFirstOrThrow({ where: { ticketId: first.ticketId }, orderBy: { id: 'desc' } });
    assert.deepEqual([last.from, last.to, last.actorId], ['IN_WORK', 'WAITING', null]);

    const jobs = await h.jobs({ after: mark });
    assert.deepEqual(
      jobs.map((j) => [j.queue, j.kind, j.payload, j.coalesceKey]),
      [
        [queue, 'refreshCard', { ticketId: first.ticketId }, `card:${first.ticketId}`],
        [queue, 'syncTopicName', { userId: anna.id }, `name:${anna.id}`],
        [queue, 'copyToTopic', { messageId: next.messageId }, null],
      ],
    );
  });

  // Catches: a user who blocked the bot and came back staying marked blocked
  // (managers keep seeing "replies will not reach them"), or nobody told.
  // Tried: removed `setUserBlocked(userId, false)` and its notice -> failed.
  test('a blocked user who writes is unblocked, and the managers get a notice in the topic', async () => {
    await firstMessage(h);
    await userBlockedBot(h.desk, anna.id, true);
    const db = h.database.prisma;
    assert.equal((await db.user.findUniqueOrThrow({ where: { id: BigInt(anna.id) } })).blocked, true);
    const mark = await h.lastJobId();

    const next = await relayUserMessage(h.desk, userMessage(anna, 2));
    assert.ok(next.outcome === 'queued');
    assert.equal((await db.user.findUniqueOrThrow({ where: { id: BigInt(anna.id) } })).blocked, false);
    const jobs = await h.jobs({ after: mark });
    const notices = jobs.filter((j) => j.kind === 'notice');
    assert.deepEqual(
      notices.map((j) => [j.queue, j.payload]),
      [[queue, { to: 'topic', userId: anna.id, html: h.desk.managerTexts.userIsBack }]],
    );
    // The notice comes before the message's copy in the topic.
    assert.deepEqual(
      jobs.map((j) => j.kind),
      ['notice', 'copyToTopic'],
    );

    // Writing again while not blocked tells nobody anything.
    const mark2 = await h.lastJobId();
    await relayUserMessage(h.desk, userMessage(anna, 3));
    assert.deepEqual(
      (await h.jobs({ after: mark2 })).map((j) => j.kind),
      ['copyToTopic'],
    );
  });
});
