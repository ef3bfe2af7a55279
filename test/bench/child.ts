// A bot under benchmark, run as a child process (`node --import tsx <script>`),
// so that its memory is its own: the peak RSS is read from /proc/<pid>/status
// (VmHWM, the kernel's high-water mark), sampled while it runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BotProcess {
  readonly pid: number;
  /** Resolves with the exit code (or the signal) once the process is gone. */
  readonly exited: Promise<string>;
  /** Whether `needle` appeared on the child's stdout or stderr. */
  printed(needle: string): boolean;
  /** Peak resident set size seen so far, in MiB (0 if never read). */
  peakRssMb(): number;
  /** CPU time (user + system) the process has used so far, in ms; NaN once it is gone. */
  cpuMs(): number;
  /** Lines the child logged at warn level or above, and stderr lines (first few kept), and their count. */
  complaints(): { count: number; first: string[] };
  /** SIGTERM, then SIGKILL after graceMs (by default Docker's 10 s, within which the service bounds its stop). Safe to call twice. */
  stop(graceMs?: number): Promise<string>;
}

const SAMPLE_MS = 200;
const KEEP_COMPLAINTS = 8;
const OUTPUT_TAIL = 64 * 1024;

/** Variables the service reads; cleared from the inherited environment so only what the bench sets counts. */
const SERVICE_VARIABLES = [
  'BOT_TOKEN',
  'SUPPORT_CHAT_ID',
  'DATABASE_URL',
  'TELEGRAM_API_ROOT',
  'LOG_LEVEL',
  'MANAGER_LANGUAGE',
  'GREETING_RU',
  'GREETING_EN',
  'LIMIT_PRIVATE_CHAT_PER_SECOND',
  'LIMIT_GROUP_PER_MINUTE',
  'LIMIT_GLOBAL_PER_SECOND',
  'LIMIT_PRIVATE_CHAT',
  'LIMIT_GROUP',
  'LIMIT_GLOBAL',
];

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux

export function startBotProcess(script: string, env: Record<string, string>, cwd: string, nodeArgs: string[] = []): BotProcess {
  const base: Record<string, string | undefined> = { ...process.env };
  for (const name of SERVICE_VARIABLES) delete base[name];
  // A built script (.js) runs as it would in production: plain node, no tsx.
  const loader = script.endsWith('.js') ? [] : ['--import', 'tsx'];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...loader, script], {
    cwd,
    env: { ...base, DOTENV_CONFIG_PATH: '/nonexistent/.env', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  const pid = child.pid;

  let output = '';
  let complaintCount = 0;
  const firstComplaints: string[] = [];
  const complain = (line: string) => {
    complaintCount++;
    if (firstComplaints.length < KEEP_COMPLAINTS) firstComplaints.push(line.slice(0, 400));
  };
  const lines = (stream: NodeJS.ReadableStream | null, isStderr: boolean) => {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      output = (output + chunk).slice(-OUTPUT_TAIL);
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (!line.trim()) continue;
        if (isStderr) complain(`stderr: ${line}`);
        else if (/"level":\s*(4\d|5\d|60)/.test(line)) complain(line);
      }
    });
  };
  lines(child.stdout, false);
  lines(child.stderr, true);

  let peakKb = 0;
  let alive = true;
  const sample = () => {
    if (!alive) return;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
      const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
      peakKb = Math.max(peakKb, Number(hwm?.[1] ?? 0), Number(rss?.[1] ?? 0));
    } catch {
      // gone already
    }
  };
  sample();
  const sampler = setInterval(sample, SAMPLE_MS);

  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false;
      clearInterval(sampler);
      resolve(signal ? `signal ${signal}` : `code ${code}`);
    });
  });

  let stopping: Promise<string> | undefined;
  return {
    pid,
    exited,
    printed: (needle) => output.includes(needle),
    peakRssMb: () => peakKb / 1024,
    cpuMs() {
      try {
        // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
      } catch {
        return Number.NaN;
      }
    },
    complaints: () => ({ count: complaintCount, first: [...firstComplaints] }),
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        sample();
        if (!alive) return exited;
        child.kill('SIGTERM');
        const timer = setTimeout(() => {
          if (alive) child.kill('SIGKILL');
        }, graceMs);
        const how = await exited;
        clearTimeout(timer);
        return how;
      })();
      return stopping;
    },
  };
}

/** package.json's start script, taken apart: `VAR=value node <flags> <script>`: the service as `npm start` runs it. */
export function productionLaunch(root: string): { env: Record<string, string>; nodeArgs: string[]; script: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const words = pkg.scripts.start.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0]?.includes('=')) {
    const [k, v] = words.shift()!.split('=');
    env[k!] = v ?? '';
  }
  if (words.shift() !== 'node') throw new Error(`the start script does not run node: ${pkg.scripts.start}`);
  const script = words.pop()!;
  return { env, nodeArgs: words, script };
}
