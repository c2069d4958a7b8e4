import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLOCK_TICKS_PER_SECOND = 100;
const ORPHAN_GUARD = path.join(__dirname, 'orphan-guard.ts');

export interface Service {
  name: string;
  pid: number;
  url: string;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  child: ChildProcess;
}

/**
 * Every process the benchmark starts, so that one call stops them all: each runs in a process group of its
 * own (signalled as a group), and a preloaded guard ends it if the benchmark itself dies.
 */
export class ProcessSet {
  private readonly running = new Set<Service>();
  private orphanGuardJs: string | null = null;

  /** `scratchDir`: where files the processes need are written (the orphan guard as JavaScript). */
  constructor(private readonly scratchDir?: string) {}

  /** The orphan guard for processes started without tsx (it has no types to strip). */
  private compiledOrphanGuard(): string {
    if (!this.orphanGuardJs) {
      const dir = this.scratchDir ?? mkdtempSync(path.join(tmpdir(), 'casino-bench-'));
      this.orphanGuardJs = path.join(dir, 'orphan-guard.cjs');
      writeFileSync(this.orphanGuardJs, readFileSync(ORPHAN_GUARD, 'utf8'));
    }
    return this.orphanGuardJs;
  }

  /**
   * Starts `node --import tsx <entry.ts>` from a checkout, or with `compiled` plain `node <entry.js>` from the
   * folder it was deployed to (what production runs), its output appended to `logFile`.
   */
  start(options: {
    name: string;
    checkout: string;
    entry: string;
    env: Record<string, string>;
    url: string;
    logFile: string;
    nodeArgs?: string[];
    compiled?: { cwd: string };
  }): Service {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const loader = options.compiled
      ? ['--require', this.compiledOrphanGuard()]
      : [
          '--import',
          path.join(options.checkout, 'node_modules/tsx/dist/loader.mjs'),
          '--import',
          ORPHAN_GUARD,
        ];
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, options.entry], {
      cwd: options.compiled?.cwd ?? options.checkout,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const service: Service = {
      name: options.name,
      pid: child.pid!,
      url: options.url,
      logFile: options.logFile,
      exited,
      child,
    };
    this.running.add(service);
    void exited.then(() => this.running.delete(service));
    return service;
  }

  /** SIGTERM to each group, SIGKILL to what is still there after `graceMs`. */
  async stopAll(graceMs = 5_000): Promise<void> {
    const services = [...this.running];
    for (const service of services) signalGroup(service.pid, 'SIGTERM');
    await Promise.race([
      Promise.all(services.map((s) => s.exited)),
      new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
    this.killAllNow();
  }

  /** Synchronous last resort (process exit handlers cannot wait). */
  killAllNow(): void {
    for (const service of this.running) signalGroup(service.pid, 'SIGKILL');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Waits until `readyUrl` answers 200 (a service's /ready, or a GraphQL POST of `probe.post`), failing early
 * when the process exits.
 */
export async function waitReady(
  service: Service,
  readyUrl: string,
  probe: { post?: unknown; timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = probe.timeoutMs ?? 90_000;
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw new Error(
        `${service.name} exited (code ${exitCode}) before it was ready; see ${service.logFile}`,
      );
    }
    try {
      const response = await fetch(readyUrl, {
        signal: AbortSignal.timeout(2_000),
        ...(probe.post === undefined
          ? {}
          : {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(probe.post),
            }),
      });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} was not ready within ${timeoutMs} ms; see ${service.logFile}`);
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name may contain spaces: fields are counted after its closing parenthesis
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory of a process in MB (VmRSS), and its peak (VmHWM). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** Direct children of this process whose command line contains `marker` (e.g. the embedded MongoDB's JVM). */
export function childPidsMatching(marker: string): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    const children = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').trim();
    for (const pid of children.split(/\s+/).filter(Boolean).map(Number)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) pids.push(pid);
      } catch {
        // exited meanwhile
      }
    }
  }
  return pids;
}
