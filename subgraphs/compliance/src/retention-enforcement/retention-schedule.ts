import type { BackgroundJobs } from '@casino/server';
import type { Logger } from '@casino/logger';
import type { RetentionRunner } from './retention-runner';

/**
 * Runs every active retention policy every `intervalMinutes` (0 disables the schedule). A run that fails
 * (owner down) is recorded as failed and simply happens again at the next tick.
 */
export function startRetentionSchedule(
  runner: RetentionRunner,
  intervalMinutes: number,
  log?: Logger,
): BackgroundJobs {
  if (intervalMinutes <= 0) return { stop: async () => {} };
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = runner
      .runAllActive()
      .catch((error: unknown) => log?.error({ err: error }, 'scheduled retention runs failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMinutes * 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
