// METRICS_PORT: Prometheus metrics and a health check that says whether
// this instance polls (a standby waiting for the leader is not healthy yet).
// Runs the real service as processes, on SQLite.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startProcessDesk, type ProcessDesk } from '../support/bot-process.js';

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function get(port: number, path: string): Promise<{ status: number; body: string } | undefined> {
  try {
    const r = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: r.status, body: await r.text() };
  } catch {
    return undefined;
  }
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    assert.ok(Date.now() < deadline, `timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);

describe('metrics and health', () => {
  let d: ProcessDesk;
  before(async () => {
    d = await startProcessDesk('sqlite');
  });
  after(async () => {
    await d.close();
  });

  // Bugs: /health saying "ok" while the bot does not poll (a standby, or
  // merely alive); counters that never move; gauges that do not reflect the outbox.
  test('/health is 200 only while polling (a standby says 503 until it takes over); /metrics counts what was relayed', { timeout: 120_000 }, async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const a = d.start({ METRICS_PORT: String(portA) });
    await a.ready();
    assert.deepEqual(await get(portA, '/health'), { status: 200, body: '{"status":"polling"}' });

    const b = d.start({ METRICS_PORT: String(portB) });
    const standby = await until('the standby answers', () => get(portB, '/health'));
    assert.deepEqual(standby, { status: 503, body: '{"status":"not polling"}' });

    const manager = d.tg.createUser({ first_name: 'Mary' });
    d.tg.addMember(d.group.id, manager, 'administrator');
    const user = d.tg.createUser({ first_name: 'Ann' });
    d.tg.userSends(user, { text: 'one' });
    d.tg.userSends(user, { text: 'two' });
    const topic = await until('the topic', async () => d.tg.topics(d.group.id)[0]);
    await until('both copies', async () =>
      d.tg.messages(d.group.id, topic.message_thread_id).filter((m) => 'text' in m && /^(one|two)$/.test(m.text ?? '')).length === 2 ? true : undefined,
    );
    d.tg.managerSends(d.group.id, manager, { text: 'hello' }, { threadId: topic.message_thread_id });
    await until('the reply', async () => (d.tg.messages(user.id).some((m) => 'text' in m && m.text === 'hello') ? true : undefined));

    const text = await until('the counters', async () => {
      const r = await get(portA, '/metrics');
      return r && metric(r.body, 'topic_messages_relayed_total{direction="to_user"}') === 1 && metric(r.body, 'topic_outbox_pending_jobs') === 0
        ? r.body
        : undefined;
    });
    assert.equal(metric(text, 'topic_messages_relayed_total{direction="to_topic"}'), 2);
    assert.ok(metric(text, 'topic_updates_handled_total') >= 3, 'updates handled');
    assert.equal(metric(text, 'topic_polling'), 1);
    assert.equal(metric(text, 'topic_delivery_held'), 0);
    assert.equal(metric(text, 'topic_outbox_oldest_job_age_seconds'), 0);
    assert.ok(metric(text, 'topic_process_resident_memory_bytes') > 0, "the process's own figures too");

    await a.stop();
    await until('the standby took over', async () => ((await get(portB, '/health'))?.status === 200 ? true : undefined), 30_000);
    await b.stop();
  });
});
