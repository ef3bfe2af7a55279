// Entry point: reads the environment (.env too), builds the app, runs it
// until SIGINT/SIGTERM. Wiring only.
// First: an older Node.js stops here with one line.
import './check-node.js';
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

// A person at a terminal reads lines, not JSON; machines (Docker's log, a collector) keep JSON.
const tty = process.stdout.isTTY === true;
const logger = createLogger(config.LOG_LEVEL, { secrets: [config.BOT_TOKEN, databasePassword(config.DATABASE_URL)], pretty: tty });

/**
 * A problem the bot stops on, said once: at a terminal the readable log line
 * is all; otherwise the JSON log has it and stderr gets the plain line.
 */
function fatal(message: string, err?: unknown): void {
  logger.fatal(err === undefined ? {} : { err }, message);
  if (!tty) process.stderr.write(`${message}\n`);
}
const app = createApp(config, logger, {
  onFatal: (message) => {
    fatal(message);
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
  fatal(`unexpected error; exiting: ${error.stack ?? error.message}`);
  void app.stop().finally(() => process.exit(1));
});

let shuttingDown = false;
function shutDown(reason: string): void {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ reason }, 'shutting down');
  app.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => shutDown(signal));

// `npm start` does not pass SIGTERM on (npm 11 just exits): the bot would be
// left polling, an orphan, and the next start would wait for it forever. So
// when npm started us and our parent changes, npm is gone: that is a stop
// too. Only under npm: a bot started directly (`nohup node dist/main.js &`,
// a service manager, Docker, where node is PID 1) may outlive its parent.
const parentAtStart = process.ppid;
if (process.env.npm_lifecycle_event !== undefined && parentAtStart > 1) {
  setInterval(() => {
    if (process.ppid !== parentAtStart) shutDown('the process that started the bot (npm?) has exited');
  }, 500).unref();
}

try {
  await app.start();
} catch (error) {
  if (error instanceof StartupError) fatal(error.message);
  else fatal(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
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
