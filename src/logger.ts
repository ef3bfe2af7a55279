// One pino root logger per process; features take children of it.
// Message texts and tokens are never logged: the relay logs ids only, and as
// a last line of defence every secret handed in here is blanked out of each
// line written (a network error's message can carry the request's URL, and
// the Bot API's URLs contain the token).
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  secrets?: string[];
  /** Where lines go (stdout unless given). */
  destination?: NodeJS.WritableStream;
  /**
   * Readable lines instead of JSON: for a person at a terminal (main.ts
   * turns it on when stdout is one). pino's own pretty printer, run in this
   * thread (no worker), so every line is out before the process exits.
   */
  pretty?: boolean;
}

export function createLogger(level: string, opts: LoggerOptions = {}): Logger {
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 8);
  const stream = opts.pretty
    ? pretty({
        sync: true,
        colorize: true,
        translateTime: 'SYS:HH:MM:ss',
        ignore: 'service,pid,hostname',
        ...(opts.destination ? { destination: opts.destination, colorize: false } : {}),
      })
    : (opts.destination as pino.DestinationStream | undefined);
  return pino(
    {
      level,
      base: { service: 'topic' },
      ...(secrets.length ? { hooks: { streamWrite: (line: string) => secrets.reduce((out, secret) => out.split(secret).join('[secret]'), line) } } : {}),
    },
    stream,
  );
}
