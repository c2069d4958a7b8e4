/**
 * What the benchmarks that start a stack share around the measuring itself: the checkouts they compare (the
 * working tree and, with --baseline, a git worktree of a ref) and a run that stops everything it started and
 * removes its worktree whichever way it ends (success, error, SIGINT / SIGTERM / SIGHUP).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ProcessSet } from '../gateway/processes';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

export interface Checkout {
  /** `work` for the working tree, the ref for a baseline. */
  label: string;
  root: string;
  commit: string;
  dirty: boolean;
}

export const describeCheckout = (label: string, root: string): Checkout => ({
  label,
  root,
  commit: git(root, 'rev-parse', 'HEAD'),
  dirty: git(root, 'status', '--porcelain', '--untracked-files=no').length > 0,
});

/** Removes a worktree made by addBaselineWorktree (its folder at least, when git refuses). */
export function removeWorktree(dir: string): void {
  try {
    git(REPO_ROOT, 'worktree', 'remove', '--force', dir);
  } catch {
    rmSync(dir, { recursive: true, force: true });
    git(REPO_ROOT, 'worktree', 'prune');
  }
}

/**
 * A detached git worktree of `ref` in a new temporary folder named from `prefix`, its dependencies installed from
 * the pnpm store (offline). `created` learns the folder as soon as it exists, so that the run's cleanup removes it
 * even when the install fails.
 */
export function addBaselineWorktree(
  ref: string,
  prefix: string,
  log: (line: string) => void,
  created: (dir: string) => void,
): Checkout {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  rmSync(dir, { recursive: true, force: true });
  log(`baseline: git worktree of ${ref} in ${dir}`);
  git(REPO_ROOT, 'worktree', 'add', '--detach', dir, ref);
  created(dir);
  log('baseline: pnpm install --offline --frozen-lockfile');
  execFileSync('pnpm', ['install', '--offline', '--frozen-lockfile'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return describeCheckout(ref, dir);
}

/**
 * Runs `body`, then stops `processes` and calls `cleanup(failed)` (once, however many ways the run ends). A first
 * SIGINT / SIGTERM / SIGHUP cleans up and exits 130; a second one during the cleanup kills the processes at once.
 * The processes never outlive this one: `exit` kills whatever is left.
 */
export async function guardRun(
  options: {
    processes: ProcessSet;
    log: (line: string) => void;
    /** What the run holds besides its processes (stores, worktree, logs); `failed` after an error or a signal. */
    cleanup: (failed: boolean) => Promise<void> | void;
  },
  body: () => Promise<void>,
): Promise<void> {
  const { processes, log } = options;
  let failed = false;
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await processes.stopAll().catch(() => processes.killAllNow());
      await options.cleanup(failed);
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    if (cleaning) {
      processes.killAllNow();
      process.exit(130);
    }
    log(`${signal}: stopping everything this benchmark started`);
    failed = true;
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  // the stack processes end with this one whichever way it ends (the JVMs end when their stdin closes)
  process.on('exit', () => processes.killAllNow());

  try {
    await body();
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    await cleanup();
  }
}
