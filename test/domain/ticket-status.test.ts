// changeTicketStatus: every outcome of a manager's status request (button or
// command), on a real SQLite database (test/support/domain-harness.ts).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { topicName } from '../../src/domain/people.js';
import { changeTicketStatus } from '../../src/domain/ticket-status.js';
import { relayUserMessage } from '../../src/domain/user-to-topic.js';
import { createDomainHarness, person, userMessage, type DomainHarness } from '../support/domain-harness.js';

const anna = person(7001, 'Anna');
const boris = person(7002, 'Boris');
const mary = person(9001, 'Mary', { username: 'mary_support' });
const bob = person(9002, 'Bob');

describe('changeTicketStatus', () => {
  let h: DomainHarness;
  /** Anna's first ticket. */
  let ticketId: number;

  async function openTicket(user: typeof anna, messageId: number): Promise<number> {
    const r = await relayUserMessage(h.desk, userMessage(user, messageId));
    assert.ok(r.outcome === 'queued');
    await h.topicCreated(user.id, 500 + user.id, topicName('WAITING', user));
    return r.ticketId;
  }
  const ticketRow = (id: number) => h.database.prisma.ticket.findUniqueOrThrow({ where: { id } });
  const changesOf = async (id: number) =>
    (await h.database.prisma.statusChange.findMany({ where: { ticketId: id }, orderBy: { id: 'asc' } })).map((c) => [c.from, c.to, c.actorId, c.at.getTime()]);

  beforeEach(async () => {
    h = await createDomainHarness();
    ticketId = await openTicket(anna, 1);
  });
  afterEach(async () => {
    const calls = h.courierCalls.slice();
    await h.close();
    assert.deepEqual(calls, [], 'the domain never sends directly');
  });

  // Catches: a status change not queueing the rename and the card refresh (the
  // topic would keep showing ❗️), or queueing them outside the topic queue.
  // Tried: removed both `send(...)` calls -> failed.
  test('changed: the ticket moves, the manager becomes the assignee, and syncTopicName and refreshCard are queued in the topic queue', async () => {
    const mark = await h.lastJobId();
    const r = await changeTicketStatus(h.desk, { ticketId, to: 'IN_WORK', manager: mary, userId: anna.id });
    assert.deepEqual(r, { outcome: 'changed', status: 'IN_WORK' });
    const t = await ticketRow(ticketId);
    assert.equal(t.status, 'IN_WORK');
    assert.equal(t.assigneeId, BigInt(mary.id));
    assert.deepEqual(
      (await h.jobs({ after: mark })).map((j) => [j.queue, j.kind, j.payload, j.coalesceKey]),
      [
        [`topic:${anna.id}`, 'syncTopicName', { userId: anna.id }, `name:${anna.id}`],
        [`topic:${anna.id}`, 'refreshCard', { ticketId }, `card:${ticketId}`],
        // Taken: 👀 on Anna's message (id 1 in her chat), a reaction as read receipt.
        [`user:${anna.id}`, 'setReaction', { userId: anna.id, messageId: 1, emoji: '👀' }, null],
      ],
    );
  });

  // Catches: the history losing who changed what (the card's "changed by"
  // line and any report read it), or resolvedAt not following the status.
  // Tried: recorded `actorId: null` in changeStatus's StatusChange -> failed.
  test('every change is recorded in StatusChange with its actor and time; RESOLVED sets resolvedAt and reopening clears it', async () => {
    const t0 = h.desk.now().getTime();
    const t1 = h.clock.advance(1_000);
    await changeTicketStatus(h.desk, { ticketId, to: 'IN_WORK', manager: mary, userId: anna.id });
    const t2 = h.clock.advance(1_000);
    await changeTicketStatus(h.desk, { ticketId, to: 'RESOLVED', manager: bob, userId: anna.id });
    assert.equal((await ticketRow(ticketId)).resolvedAt?.getTime(), t2.getTime());
    const t3 = h.clock.advance(1_000);
    await changeTicketStatus(h.desk, { ticketId, to: 'WAITING', manager: mary, userId: anna.id });

    assert.deepEqual(await changesOf(ticketId), [
      [null, 'WAITING', null, t0],
      ['WAITING', 'IN_WORK', BigInt(mary.id), t1.getTime()],
      ['IN_WORK', 'RESOLVED', BigInt(bob.id), t2.getTime()],
      ['RESOLVED', 'WAITING', BigInt(mary.id), t3.getTime()],
    ]);
    const t = await ticketRow(ticketId);
    assert.equal(t.status, 'WAITING');
    assert.equal(t.resolvedAt, null);
    // Both managers were recorded (the actor is a real row).
    assert.equal(await h.database.prisma.manager.count(), 2);
  });

  // Catches: pressing the button of the current status recording a change
  // (and a rename) that changes nothing.
  // Tried: removed the `latest.status === request.to` check -> failed.
  test('unchanged: asking for the current status changes and queues nothing', async () => {
    const mark = await h.lastJobId();
    const before = await changesOf(ticketId);
    const r = await changeTicketStatus(h.desk, { ticketId, to: 'WAITING', manager: mary, userId: anna.id });
    assert.deepEqual(r, { outcome: 'unchanged', status: 'WAITING' });
    assert.deepEqual(await changesOf(ticketId), before);
    assert.deepEqual(await h.jobs({ after: mark }), []);
  });

  // Catches: a button on an old card (an earlier, resolved ticket) changing
  // that ticket, so the topic's status and the user's current ticket disagree.
  // Tried: removed the `latest?.id !== ticket.id` check -> failed.
  test('old-ticket: a request about an earlier ticket of the user changes nothing', async () => {
    await changeTicketStatus(h.desk, { ticketId, to: 'RESOLVED', manager: mary, userId: anna.id });
    const next = await relayUserMessage(h.desk, userMessage(anna, 2));
    assert.ok(next.outcome === 'queued');
    assert.notEqual(next.ticketId, ticketId);
    const mark = await h.lastJobId();
    const before = await changesOf(ticketId);

    const r = await changeTicketStatus(h.desk, { ticketId, to: 'IN_WORK', manager: mary, userId: anna.id });
    assert.deepEqual(r, { outcome: 'old-ticket' });
    assert.equal((await ticketRow(ticketId)).status, 'RESOLVED');
    assert.equal((await ticketRow(next.ticketId)).status, 'WAITING');
    assert.deepEqual(await changesOf(ticketId), before);
    assert.deepEqual(await h.jobs({ after: mark }), []);
  });

  // Catches: a request naming a ticket that does not exist (a stale or made-up
  // button) crashing the update instead of being answered.
  // Tried: `if (ticket && Number(ticket.userId) !== request.userId)` (no null check) -> failed.
  test('unknown-ticket: a ticket id that does not exist', async () => {
    const mark = await h.lastJobId();
    const r = await changeTicketStatus(h.desk, { ticketId: ticketId + 1000, to: 'IN_WORK', manager: mary, userId: anna.id });
    assert.deepEqual(r, { outcome: 'unknown-ticket' });
    assert.deepEqual(await h.jobs({ after: mark }), []);
    assert.equal(await h.database.prisma.statusChange.count(), 1);
  });

  // Catches: forged callback data. A button's data names a ticket; a manager
  // (or anyone who can send a callback) in Boris's topic could send Anna's
  // ticket id and change Anna's ticket from Boris's topic.
  // Tried: removed `|| Number(ticket.userId) !== request.userId` from the
  // check in changeTicketStatus -> failed.
  test("unknown-ticket: a ticket of ANOTHER user's topic is refused and nothing changes", async () => {
    const borisTicket = await openTicket(boris, 1);
    const mark = await h.lastJobId();
    const before = await changesOf(ticketId);

    // The request comes from Boris's topic, naming Anna's (latest) ticket.
    const r = await changeTicketStatus(h.desk, { ticketId, to: 'RESOLVED', manager: mary, userId: boris.id });
    assert.deepEqual(r, { outcome: 'unknown-ticket' });

    const t = await ticketRow(ticketId);
    assert.equal(t.status, 'WAITING');
    assert.equal(t.resolvedAt, null);
    assert.equal(t.assigneeId, null);
    assert.equal((await ticketRow(borisTicket)).status, 'WAITING');
    assert.deepEqual(await changesOf(ticketId), before);
    assert.deepEqual(await h.jobs({ after: mark }), []);
    assert.equal(await h.database.prisma.manager.count(), 0, 'not even the manager is recorded');
  });
});
