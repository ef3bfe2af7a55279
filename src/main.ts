// Entry point: reads the environment (.env too), builds the app, runs it
// until SIGINT/SIGTERM. Wiring only.
import { config as loadDotenv } from 'dotenv';
import { ConfigError, parseConfig, type Config } from './config.js';
import { createApp, StartupError } from './app.js';
import { isTransientDbError } from './db/errors.js';
import { createLogger } from './logger.js';

// .env (or the file DOTENV_CONFIG_PATH names, dotenv's own convention) fills
// what the environment does not set. Quiet, because dotenv would otherwise
// print a banner on stdout, which is the log stream.
loadDotenv({ quiet: true, path: process.env.DOTENV_CONFIG_PATH ?? '.env' });

let config: Config;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

const logger = createLogger(config.LOG_LEVEL, { secrets: [config.BOT_TOKEN, databasePassword(config.DATABASE_URL)] });
const app = createApp(config, logger, {
  onFatal: (message) => {
    logger.fatal(message);
    process.stderr.write(`${message}\n`);
    void app.stop().finally(() => process.exit(1));
  },
});

// A database connection that fails outside any query (the server restarted,
// the session was terminated) reports it as an 'error' event. The clients we
// open handle theirs; should a driver's own connection still raise one, it is
// an outage like any other, waited out where the queries fail, and must not
// end the process. Anything else unexpected is a bug: log it and exit.
process.on('uncaughtException', (error) => {
  if (isTransientDbError(error)) {
    logger.warn({ err: error.message }, 'a database connection failed outside a query; carrying on');
    return;
  }
  logger.fatal({ err: error }, 'unexpected error; exiting');
  process.stderr.write(`${error.stack ?? error.message}\n`);
  void app.stop().finally(() => process.exit(1));
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

try {
  await app.start();
} catch (error) {
  if (error instanceof StartupError) {
    logger.fatal(error.message);
    process.stderr.write(`${error.message}\n`);
  } else {
    logger.fatal({ err: error }, 'start-up failed');
  }
  await app.stop().catch(() => undefined);
  process.exit(1);
}

function databasePassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return '';
  }
}
