import type { Db, IndexDescription } from 'mongodb';
import type { IndexPlan } from './client';
import { ensureIndexes, existingIndexNames } from './client';

export interface IndexCheck {
  /** Runs one check now (and recreates what is missing); resolves with the indexes that were missing. */
  runOnce(): Promise<string[]>;
  /** Stops the schedule; a check in progress finishes first. */
  stop(): Promise<void>;
}

interface IndexCheckLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** The name MongoDB gives an index declared without one: `field_1_other_-1`. */
export function indexNameOf(index: IndexDescription): string {
  if (index.name) return index.name;
  return Object.entries(index.key as Record<string, unknown>)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_');
}

/** Declared indexes (`collection.name`) the database does not have; a missing collection lacks them all. */
export async function missingIndexes(db: Db, plan: IndexPlan): Promise<string[]> {
  const missing: string[] = [];
  for (const [collection, declared] of Object.entries(plan)) {
    if (declared.length === 0) continue;
    const existing = await existingIndexNames(db, collection);
    for (const index of declared) {
      const name = indexNameOf(index);
      if (!existing.has(name)) missing.push(`${collection}.${name}`);
    }
  }
  return missing;
}

/**
 * Keeps the declared indexes in place while the service runs: a database that lost them (a dropped collection,
 * a restore without indexes) gets them back within one interval, without a restart; a unique index is what
 * refuses duplicates, so running without it is not an option. The check is `listIndexes` per collection; the
 * idempotent `ensureIndexes` runs only when something is missing.
 */
export function startIndexCheck(
  db: Db,
  plan: IndexPlan,
  options: { intervalMs: number; log: IndexCheckLog },
): IndexCheck {
  let running: Promise<string[]> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const runOnce = () => {
    running ??= (async () => {
      const missing = await missingIndexes(db, plan);
      if (missing.length > 0) {
        options.log.warn({ missing }, 'declared indexes are missing: recreating them');
        await ensureIndexes(db, plan);
      }
      return missing;
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => options.log.error({ err: error }, 'index check failed'))
        .finally(schedule);
    }, options.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
