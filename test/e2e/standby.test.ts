// A standby beside the leader, as an admin runs one for safety: the leader
// is killed (SIGKILL: no chance to say goodbye) while users and a manager
// write; the standby takes over at once, without waiting out a lease, and
// every message arrives. On SQLite and PostgreSQL, the bots as processes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pause } from '../support/actions.js';
import { startProcessDesk } from '../support/bot-process.js';
import { dbKinds } from '../support/databases.js';
import { logTail, openConversations, startTraffic, waitAllDelivered } from '../support/outage.js';

for (const kind of dbKinds) {
  describe(`a standby on ${kind}`, () => {
    // Bugs: a standby that waits out the whole lease after the leader died
    // (the leader not vouching for its death with its presence lock, or the
    // standby not looking), or never takes over; messages written around
    // the kill lost.
    test('the leader is SIGKILLed mid-traffic: the standby sees it gone, takes over at once, and everything arrives', { timeout: 180_000 }, async () => {
      const desk = await startProcessDesk(kind);
      try {
        const a = desk.start();
        await a.ready();
        const b = desk.start();
        await desk.tg.waitFor(() => b.stdout().includes('Another instance of this bot is running on the same database'), { timeoutMs: 30_000 });
        const writers = await openConversations(desk, 'St');
        const traffic = startTraffic(writers, 200);
        await pause(1_500);
        await a.kill();
        await b.ready(20_000);
        await pause(1_500);
        await traffic.stop();
        // Where the lock can lapse (PostgreSQL), the quick path: the old leader's every session ended, so it is dead.
        const said = kind === 'postgresql' ? 'the other instance is gone; taking over' : 'the other instance stopped; taking over';
        assert.ok(b.stdout().includes(said), `the standby says «${said}»; its log ends:\n  ${logTail(b, 12)}`);
        assert.ok(!b.stdout().includes('"level":50'), `no errors; its log ends:\n  ${logTail(b, 12)}`);
        assert.ok(
          await waitAllDelivered(desk.tg, writers, 60_000),
          `everything arrived: ${writers.map((w) => `${w.name}: ${w.delivered().length}/${w.sent.length}`).join(', ')}`,
        );
      } finally {
        await desk.close();
      }
    });
  });
}
