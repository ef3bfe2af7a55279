// One pino root logger per process; features take children of it.
// Message texts and tokens are never logged: the relay logs ids only, and as
// a last line of defence every secret handed in here is blanked out of each
// line written (a network error's message can carry the request's URL, and
// the Bot API's URLs contain the token).
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, opts: { secrets?: string[]; destination?: pino.DestinationStream } = {}): Logger {
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 8);
  return pino(
    {
      level,
      base: { service: 'topic' },
      ...(secrets.length ? { hooks: { streamWrite: (line: string) => secrets.reduce((out, secret) => out.split(secret).join('[secret]'), line) } } : {}),
    },
    opts.destination,
  );
}
