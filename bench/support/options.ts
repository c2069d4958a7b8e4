import path from 'node:path';

/**
 * The parsing of command-line values the benchmarks share; every error ends with the bench's `usage`.
 */
export function optionParsers(usage: string) {
  /** A comma-separated list, blanks dropped. */
  const list = (value: string) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return {
    /** `--<name>` as an integer of at least `min`. */
    integer(name: string, value: string, min = 1): number {
      const n = Number(value);
      if (!Number.isInteger(n) || n < min)
        throw new Error(`--${name} must be an integer >= ${min}\n${usage}`);
      return n;
    },
    list,
    /** A comma-separated list whose every item is one of `allowed` ("unknown <what> <item>" otherwise). */
    listOf<K extends string>(what: string, value: string, allowed: readonly K[]): K[] {
      const items = list(value);
      for (const item of items) {
        if (!(allowed as readonly string[]).includes(item))
          throw new Error(`unknown ${what} ${item}\n${usage}`);
      }
      return items as K[];
    },
  };
}

/** Where a run's results go: `--out`, or `<dir>/results/<the time now>.json`. */
export const resultsFile = (dir: string, out: string | undefined) =>
  path.resolve(out ?? path.join(dir, 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`));

/**
 * The options both stack benchmarks take (parseArgs): warm-up runs, a baseline ref, the results file, the demo
 * user, kept logs, help.
 */
export const RUN_OPTIONS = {
  warmup: { type: 'string', default: '2' },
  baseline: { type: 'string' },
  out: { type: 'string' },
  user: { type: 'string', default: 'superadmin' },
  'keep-logs': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;
