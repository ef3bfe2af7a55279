// Whether the database answers, as the log tells an operator: one line when
// it stops answering (naming DATABASE_URL, password blanked) and one when it
// is back, however many queries failed in between. Every place that meets a
// transient database error reports it here; every success after one clears it.
import type { Logger } from '../logger.js';

export interface DbHealth {
  /** A transient database error: logged once per outage. */
  failed(error: unknown): void;
  /** A query succeeded: ends an outage, if there was one. */
  ok(): void;
  readonly down: boolean;
}

/** The URL as it may be logged: without its password. */
export function blankPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

export function createDbHealth(logger: Logger, url: string, onError: () => void = () => {}, onRecovered: () => void = () => {}): DbHealth {
  let downSince: number | undefined;
  return {
    failed(error) {
      onError();
      if (downSince !== undefined) return;
      downSince = Date.now();
      const reason = error instanceof Error ? error.message.split('\n').filter(Boolean).pop() : String(error);
      logger.error(
        { database_url: blankPassword(url), reason },
        'database unreachable: waiting for it. Updates stay with Telegram, sends wait in the outbox; nothing is lost.',
      );
    },
    ok() {
      if (downSince === undefined) return;
      const downMs = Date.now() - downSince;
      downSince = undefined;
      logger.info({ database_url: blankPassword(url), down_ms: downMs }, 'database reachable again; catching up');
      onRecovered();
    },
    get down() {
      return downSince !== undefined;
    },
  };
}
