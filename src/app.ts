// Assembles the service from a parsed config: database (migrated), outbox,
// desk, bot, start-up checks and durable long polling; and takes it apart
// again in the safe order.
import type { RunnerHandle } from '@grammyjs/runner';
import { Api, GrammyError, HttpError } from 'grammy';
import type { Config } from './config.js';
import { createBot } from './bot/create-bot.js';
import { groupProblem, groupProblemText } from './bot/group-check.js';
import { createDurableRunner } from './bot/durable-updates.js';
import { createDb, type Database } from './db/client.js';
import { isTransientDbError } from './db/errors.js';
import { createDbHealth } from './db/health.js';
import { createInstanceLock } from './db/instance-lock.js';
import { checkDatabase, DatabaseStartupError } from './db/startup-check.js';
import { createLease } from './db/lease.js';
import { migrateDatabase, readMigrations, upToDate } from './db/migrate.js';
import { createBoardTimer } from './delivery/board-timer.js';
import { createBroadcastSender } from './delivery/broadcast-sender.js';
import { createJobHandlers, outboxLanes } from './delivery/jobs/index.js';
import { GROUP_QUEUE } from './delivery/jobs/notice.js';
import { Outbox } from './delivery/outbox.js';
import { RateLimiter } from './delivery/rate-limiter.js';
import { createTelegramCourier } from './delivery/telegram-courier.js';
import { createTopicThreads } from './delivery/topic-threads.js';
import { createStore } from './db/queries/index.js';
import { alertGroup } from './domain/answers.js';
import type { Desk } from './domain/desk.js';
import { refreshBoard } from './domain/queue-board.js';
import { closeSilentTickets } from './domain/auto-close.js';
import { postWeeklyReportIfDue } from './domain/weekly-report.js';
import { createDeskSettings } from './domain/settings.js';
import { applyRetention } from './domain/transcript.js';
import { createFloodGuard } from './domain/flood.js';
import { textsFor } from './i18n/index.js';
import { periodic } from './lib/periodic.js';
import { sleep } from './lib/sleep.js';
import type { Logger } from './logger.js';
import { createMetrics, serveMetrics } from './metrics.js';
import type { Server } from 'node:http';

/** A problem an admin must fix before the bot can serve; the message says how. */
export class StartupError extends Error {}

export interface App {
  readonly db: Database;
  /** True while this instance polls Telegram (the health check's answer). */
  polling(): boolean;
  start(): Promise<void>;
  /** Stops polling, lets in-flight work finish (bounded), closes the database. */
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Called when the service cannot go on (another instance polls the same token, the token was revoked). */
  onFatal?: (message: string) => void;
}

// message_reaction: managers' reactions on users' messages, mirrored to the users (domain/reactions.ts).
const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query', 'my_chat_member', 'message_reaction'] as const;
/** The first item of an album waits this long for the others, then the album goes out as one. */
const ALBUM_WAIT_MS = 700;
const RETENTION_SWEEP_MS = 3_600_000;

export function createApp(config: Config, logger: Logger, options: AppOptions = {}): App {
  const db = createDb(config.DATABASE_URL);
  // The relay's own Api: no auto-retry here, the courier obeys 429s per target itself.
  const relayApi = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT });
  const metrics = createMetrics();
  let metricsServer: Server | undefined;
  const limiter = new RateLimiter({
    privateChat: config.LIMIT_PRIVATE_CHAT,
    group: config.LIMIT_GROUP,
    global: config.LIMIT_GLOBAL,
    lowPriority: { limit: config.BROADCAST_RATE, windowMs: 1000 },
  });
  const courier = createTelegramCourier({
    api: relayApi,
    supportChatId: config.SUPPORT_CHAT_ID,
    limiter,
    logger,
    on429: (scope) => metrics.telegram429.inc({ scope }),
  });
  // Broadcasts' own courier: the same limiter, asked with low priority, so the relay's traffic always goes first.
  const broadcastCourier = createTelegramCourier({
    api: relayApi,
    supportChatId: config.SUPPORT_CHAT_ID,
    limiter,
    logger,
    on429: (scope) => metrics.telegram429.inc({ scope }),
    priority: 'low',
  });
  const settings = createDeskSettings(
    { managerLanguage: config.MANAGER_LANGUAGE, greetings: { ru: config.GREETING_RU, en: config.GREETING_EN }, floodLimit: config.FLOOD_LIMIT },
    logger,
  );
  // The admins may switch the managers' language in /settings at any time.
  const managerTexts = () => textsFor(settings.get('managerLanguage'));
  // Through the outbox like every other send; the log has it either way.
  const tellGeneral = (text: string) =>
    void alertGroup(desk, text).catch((error: unknown) => logger.error({ err: String(error) }, 'could not queue a notice to General'));
  // After an outage, look for outbox jobs this process does not know: a
  // decision whose COMMIT reached the database as the connection died is
  // recorded there, though here it looked failed (and its retry found it done).
  const health = createDbHealth(
    logger,
    config.DATABASE_URL,
    () => metrics.databaseErrors.inc(),
    () => sweepForStrays(),
  );
  const outbox = new Outbox(db.prisma, logger, {
    health,
    lanes: outboxLanes(),
    onFailed: (job) => {
      // A notice to General that itself fails would only announce itself again.
      if (job.queue !== GROUP_QUEUE) tellGeneral(managerTexts().internalError(job.id));
    },
    heldRetryMs: config.HELD_RETRY_SECONDS * 1000,
    // It goes out once the bot may post again (or at once, if only topic management was lost).
    onHeld: (error) => tellGeneral(managerTexts().deliveryHeld(error.description)),
  });
  const desk: Desk = {
    db: db.prisma,
    store: createStore(db.prisma),
    outbox,
    courier,
    supportChatId: config.SUPPORT_CHAT_ID,
    get managerTexts() {
      return managerTexts();
    },
    settings,
    logger,
    now: () => new Date(),
    albumWaitMs: ALBUM_WAIT_MS,
    boardPeriodMs: config.QUEUE_BOARD_SECONDS * 1000,
    queueChanged: () => boardTimer.nudge(),
    flood: createFloodGuard(config.FLOOD_WINDOW_SECONDS),
    broadcasts: { progressPeriodMs: config.BROADCAST_PROGRESS_SECONDS * 1000, changed: () => broadcasts.wake() },
    // The lease is made below; this is only asked once the desk decides anything.
    mayCommit: () => lease.held,
  };
  // Like the board, it sends only while this instance serves. Each send waits
  // on Telegram and on two small writes: at high rates 8 in flight left the
  // pace short on PostgreSQL (npm run bench), 32 keep up; the limiter sets the pace.
  const broadcasts = createBroadcastSender({ desk, courier: broadcastCourier, logger, concurrency: Math.min(32, config.BROADCAST_RATE) });
  // Runs only while this instance serves: a standby, or one that lost its lease, sends nothing.
  const boardTimer = createBoardTimer({ periodMs: desk.boardPeriodMs, look: () => refreshBoard(desk), logger });
  const threads = createTopicThreads(desk);
  // The handlers send what the desk decided; they need the desk, the desk needs the outbox.
  outbox.setHandlers(createJobHandlers({ desk, topics: threads, relayed: (direction, count) => metrics.relayed.inc({ direction }, count) }));
  let stopping: Promise<void> | undefined;
  const isStopping = () => stopping !== undefined;
  const bot = createBot(config, { logger, desk, threads, health, isStopping, onHandled: () => metrics.updatesHandled.inc() });
  const updates = createDurableRunner(bot, db.prisma, logger, { allowedUpdates: ALLOWED_UPDATES, concurrency: 64, health });
  const lease = createLease({ lock: createInstanceLock(config.DATABASE_URL), logger, health, canLapse: db.provider === 'postgresql' });
  // Auto-close's sweep: only while this instance serves (it holds the lease and polls).
  const autoClose = periodic(
    config.AUTO_CLOSE_SWEEP_SECONDS * 1000,
    () => closeSilentTickets(desk, () => serving && !isStopping() && lease.held),
    (error) => logger.warn({ err: String(error) }, 'auto-close sweep failed; the next one tries again'),
  );
  // The weekly report: looked for every few minutes while this instance serves.
  const weekly = periodic(
    config.WEEKLY_REPORT_CHECK_SECONDS * 1000,
    async () => {
      if (serving && !isStopping() && lease.held) await postWeeklyReportIfDue(desk);
    },
    (error) => logger.warn({ err: String(error) }, 'weekly report: the check failed; the next one tries again'),
  );
  let runner: RunnerHandle | undefined;
  let outboxStarted = false;
  let serving = false;
  let startedUp = false;

  // Serving starts and stops in turn, never two of those at once.
  let transition: Promise<void> = Promise.resolve();
  const inTurn = (step: () => Promise<void>) => {
    const next = transition.then(step);
    transition = next.catch(() => undefined);
    return next;
  };

  async function warmUp(): Promise<void> {
    try {
      await upToDate(db, readMigrations(db.provider));
      await desk.store.allSettings();
      await db.prisma.outboxJob.findFirst({ where: { state: 'PENDING' }, select: { id: true } });
    } catch {
      // Only a head start: everything is read again once the lock is held.
    }
  }

  /** Polls and sends, from the state the database holds now (another instance may have served meanwhile). */
  const serve = () =>
    inTurn(async () => {
      // Before start-up has checked Telegram, start() itself serves.
      if (!startedUp) return;
      outbox.pause();
      for (let attempt = 1; ; attempt++) {
        try {
          await settings.load(desk.store);
          await threads.load();
          if (outboxStarted) await outbox.reload();
          else await outbox.start();
          outboxStarted = true;
          const replayed = await updates.replay();
          if (replayed) logger.info({ updates: replayed }, 'handled updates stored before the last stop');
          break;
        } catch (error) {
          if (!isTransientDbError(error) || isStopping()) throw error;
          health.failed(error);
          await sleep(Math.min(2000, 100 * 2 ** attempt));
        }
      }
      // The lease may have lapsed while the state was read: then it is not ours to serve.
      if (isStopping() || !lease.held) return;
      outbox.unpause();
      startPolling();
      sweepForStrays();
      void eraseExpired();
      boardTimer.start();
      autoClose.start();
      weekly.start();
      broadcasts.start();
    });

  // Conversations older than the admins' retention period are erased every
  // hour while this instance serves (and at once when the period changes,
  // see /settings). A failure waits for the next hour.
  const eraseExpired = async () => {
    if (!serving || isStopping() || !lease.held) return;
    try {
      const erased = await applyRetention(desk);
      if (erased) logger.info({ erased }, 'conversations past the retention period erased');
    } catch (error) {
      logger.warn({ err: String(error) }, 'retention: erasing failed; trying again in an hour');
    }
  };
  const retentionTimer = setInterval(() => void eraseExpired(), RETENTION_SWEEP_MS).unref();

  // The instance that served before may commit its last decisions (and
  // their outbox jobs) for a moment after this one read the table: look
  // again a few times, so they go out now rather than at the next restart.
  let strayTimers: NodeJS.Timeout[] = [];
  function sweepForStrays(): void {
    for (const t of strayTimers) clearTimeout(t);
    strayTimers = [1_000, 3_000, 7_000, 15_000, 30_000].map((ms) =>
      setTimeout(() => {
        if (!serving || isStopping() || !lease.held) return;
        void outbox.adoptStrays().catch((error: unknown) => logger.debug({ err: String(error) }, 'outbox: stray sweep failed; the next one tries again'));
      }, ms).unref(),
    );
  }

  function startPolling(): void {
    if (runner?.isRunning()) return;
    serving = true;
    const current = updates.start();
    runner = current;
    void current.task()?.catch((error: unknown) => {
      // A poll that failed after this instance stopped serving (it lost its lease) is expected.
      if (runner !== current || !serving || isStopping()) return;
      if (error instanceof GrammyError && error.error_code === 409) {
        options.onFatal?.(`Another instance is polling this bot's updates (Telegram: "${error.description}"). Stopping: run only one instance per bot token.`);
      } else if (error instanceof GrammyError && error.error_code === 401) {
        options.onFatal?.('Telegram does not accept BOT_TOKEN (401 Unauthorized): check it with @BotFather.');
      } else {
        options.onFatal?.(`Polling stopped: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    logger.info({ bot: bot.botInfo.username, support_chat_id: config.SUPPORT_CHAT_ID }, 'polling for updates');
  }

  /**
   * A category's own group the bot cannot work in (removed, demoted) does not
   * stop the desk: the admins hear of it in General, and what goes there
   * waits in the outbox until the rights are back.
   */
  async function checkCategoryGroups(botId: number): Promise<void> {
    for (const chatId of settings.categoryGroups()) {
      const problem = await groupProblem(relayApi, chatId, botId).catch((error: unknown) => ({ kind: 'unreachable' as const, description: String(error) }));
      if (!problem) continue;
      const names = settings
        .allCategories()
        .filter((c) => c.chatId === chatId)
        .map((c) => `${c.emoji} ${c.name}`)
        .join(', ');
      logger.warn({ chat_id: chatId, problem: problem.kind }, "a category's group is not usable");
      tellGeneral(managerTexts().categoryGroupProblem(names, chatId, groupProblemText(managerTexts(), problem)));
    }
  }

  /** The lease lapsed: another instance may take over now, so this one neither polls nor sends. */
  const stopServing = async () => {
    // At once, not in turn: a serve() in progress sees the lapsed lease before it starts anything.
    serving = false;
    boardTimer.stop();
    outbox.pause();
    void autoClose.stop();
    void weekly.stop();
    void broadcasts.stop();
    await inTurn(async () => {
      if (runner?.isRunning()) await runner.stop().catch(() => undefined);
      logger.warn('stopped polling and sending');
    });
  };

  const polling = () => serving && runner?.isRunning() === true && !isStopping();
  metrics.observe({
    outboxDepth: () => outbox.size,
    oldestJobAgeSeconds: async () => {
      const oldest = await db.prisma.outboxJob.findFirst({ where: { state: 'PENDING' }, orderBy: { id: 'asc' }, select: { createdAt: true } });
      return oldest ? Math.max(0, (Date.now() - oldest.createdAt.getTime()) / 1000) : 0;
    },
    held: () => outbox.holding,
    polling,
  });

  return {
    db,
    polling,
    async start() {
      // First, so that a health check sees "not polling" while the bot starts or waits as a standby.
      if (config.METRICS_PORT !== undefined) {
        metricsServer = await serveMetrics(metrics, config.METRICS_PORT, polling).catch((error: unknown) => {
          throw new StartupError(`METRICS_PORT ${config.METRICS_PORT}: cannot listen there (${error instanceof Error ? error.message : String(error)}).`);
        });
        logger.info({ port: config.METRICS_PORT }, 'serving /metrics and /health');
      }
      // A database that cannot be used at all is a setting to fix: one line, and stop.
      try {
        await checkDatabase(config.DATABASE_URL);
      } catch (error) {
        if (error instanceof DatabaseStartupError) throw new StartupError(error.message);
        throw error;
      }
      // Checked with the relay's Api (no retries), so a wrong address or token
      // fails fast and clearly; before the lock, so a standby has done it by
      // the time it takes over (it only reads).
      bot.botInfo = await reachTelegram(relayApi, config.TELEGRAM_API_ROOT);
      await checkSupportChat(relayApi, config.SUPPORT_CHAT_ID, bot.botInfo.id);
      // Read once before the lock (errors do not matter: a new database has no
      // tables yet): the database client and its query compiler are then
      // warm, so a standby taking over goes straight to reading the state afresh.
      await warmUp();
      // Before anything is sent or polled: one instance per database.
      if (!(await lease.acquire(isStopping))) throw new StartupError('Stopped while waiting for another instance to stop.');
      // The lease runs from now: should it lapse during start-up, serve() does not start.
      lease.watch({ onLost: stopServing, onHeld: serve });
      const applied = await migrateDatabase(db);
      // From here on a successor must wait out this instance's lease, unless it stops cleanly.
      await lease.serving();
      await db.tune();
      logger.info({ provider: db.provider, applied }, 'database ready');
      startedUp = true;
      await serve();
      await checkCategoryGroups(bot.botInfo.id);
    },
    stop() {
      stopping ??= (async () => {
        serving = false;
        clearInterval(retentionTimer);
        boardTimer.stop();
        const sweepDone = Promise.all([autoClose.stop(), weekly.stop()]);
        // Its sends in flight finish and are recorded before the database closes.
        const broadcastsDone = broadcasts.stop(4_000);
        if (runner?.isRunning()) await runner.stop().catch(() => undefined);
        // runner.stop() does not wait for middleware still running. The waits
        // are bounded (about 8 s in all) to finish within Docker's 10 s grace.
        const idle = await updates.idle(4_000);
        if (!idle) logger.warn({ in_flight: updates.active }, 'stopped with updates still being handled');
        await updates.close();
        await sweepDone;
        await outbox.stop(4_000);
        await broadcastsDone;
        await db.close();
        await lease.release();
        await new Promise<void>((resolve) => (metricsServer ? metricsServer.close(() => resolve()) : resolve()));
        logger.info({ pending_jobs: outbox.size }, 'stopped');
      })();
      return stopping;
    },
  };
}

async function reachTelegram(api: Api, apiRoot: string) {
  try {
    return await api.getMe();
  } catch (error) {
    if (error instanceof GrammyError && error.error_code === 401) {
      throw new StartupError('Telegram does not accept BOT_TOKEN (401 Unauthorized): check it with @BotFather.');
    }
    if (error instanceof HttpError) {
      throw new StartupError(`Cannot reach the Bot API at ${apiRoot} (TELEGRAM_API_ROOT): ${error.message}`);
    }
    throw error;
  }
}

/** The supergroup must be a forum, and the bot an admin who may manage topics. */
async function checkSupportChat(api: Api, chatId: number, botId: number): Promise<void> {
  const problem = await groupProblem(api, chatId, botId);
  if (problem?.kind === 'unreachable') {
    throw new StartupError(`SUPPORT_CHAT_ID ${chatId}: Telegram says "${problem.description}". Add the bot to the supergroup and check the id.`);
  }
  if (problem?.kind === 'not-forum') {
    throw new StartupError(`SUPPORT_CHAT_ID ${chatId} is not a forum supergroup: turn on Topics in the group's settings.`);
  }
  if (problem?.kind === 'no-rights') {
    throw new StartupError(`The bot is not an administrator with the "Manage topics" right in SUPPORT_CHAT_ID ${chatId}: promote it in the group's settings.`);
  }
}
