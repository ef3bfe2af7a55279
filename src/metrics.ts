// Prometheus metrics and a health check, for a real deployment: served on
// METRICS_PORT when it is set (off by default). prom-client is the
// ecosystem's client; a registry of our own (no global default), made once
// per app. The counters are bumped where things happen; gauges are read when
// scraped.
import { createServer, type Server } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  updatesHandled: Counter;
  relayed: Counter<'direction'>;
  telegram429: Counter<'scope'>;
  databaseErrors: Counter;
  /** Gauges read at scrape time: the outbox, the lease, polling. */
  observe(read: { outboxDepth: () => number; oldestJobAgeSeconds: () => Promise<number>; held: () => boolean; polling: () => boolean }): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'topic_' });
  const metrics: Metrics = {
    registry,
    updatesHandled: new Counter({ name: 'topic_updates_handled_total', help: 'Telegram updates handled', registers: [registry] }),
    relayed: new Counter({
      name: 'topic_messages_relayed_total',
      help: "Messages relayed: to_topic (a user's, into their topic), to_user (a manager's reply)",
      labelNames: ['direction'],
      registers: [registry],
    }),
    telegram429: new Counter({
      name: 'topic_telegram_429_total',
      help: "Telegram's 429 (too many requests), by what was limited: group, private or global",
      labelNames: ['scope'],
      registers: [registry],
    }),
    databaseErrors: new Counter({ name: 'topic_database_errors_total', help: 'Database errors waited out (outages)', registers: [registry] }),
    observe(read) {
      new Gauge({
        name: 'topic_outbox_pending_jobs',
        help: 'Messages waiting in the outbox',
        registers: [registry],
        collect() {
          this.set(read.outboxDepth());
        },
      });
      new Gauge({
        name: 'topic_outbox_oldest_job_age_seconds',
        help: 'Age of the oldest message waiting in the outbox (0 when none)',
        registers: [registry],
        async collect() {
          this.set(await read.oldestJobAgeSeconds());
        },
      });
      new Gauge({
        name: 'topic_delivery_held',
        help: '1 while the bot cannot post in a support group (rights lost): messages are held',
        registers: [registry],
        collect() {
          this.set(read.held() ? 1 : 0);
        },
      });
      new Gauge({
        name: 'topic_polling',
        help: '1 while this instance polls Telegram (0: starting, standby, stopping)',
        registers: [registry],
        collect() {
          this.set(read.polling() ? 1 : 0);
        },
      });
    },
  };
  return metrics;
}

/**
 * GET /metrics (Prometheus text) and GET /health: 200 while the bot polls,
 * 503 otherwise (starting, a standby waiting for the leader, stopping), so a
 * container's health check says whether it is doing its job, not merely alive.
 */
export function serveMetrics(metrics: Metrics, port: number, polling: () => boolean): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      const ok = polling();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: ok ? 'polling' : 'not polling' }));
      return;
    }
    if (req.method === 'GET' && req.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
      return;
    }
    res.writeHead(404);
    res.end();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}
