// One pino root logger per process; features take children of it.
// Message texts, tokens and URLs with the token are never logged: pino's
// redaction removes the fields where they could appear by accident.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'topic' },
      redact: { paths: ['token', 'config.BOT_TOKEN', '*.text', '*.caption', 'payload.text'], censor: '[redacted]' },
    },
    destination,
  );
}
