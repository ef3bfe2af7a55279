// A task run every so often while something is on: never two runs at once
// (a slow run delays the next instead of overlapping it), and stop() waits
// for a run in progress, so nothing touches the database after it closed.

export interface Periodic {
  /** Runs the task every `everyMs` from now; calling it again while started changes nothing. */
  start(): void;
  /** No more runs; resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

export function periodic(everyMs: number, task: () => Promise<unknown>, onError: (error: unknown) => void): Periodic {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = task()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  };
  return {
    start() {
      // unref: a pending sweep must not keep the process alive on its own.
      timer ??= setInterval(tick, everyMs).unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
