import type { ScheduledJob } from '@casino/scheduler';
import type { ComplianceSettings } from '../settings';
import type { RetentionRunner } from './retention-runner';

/** The retention schedule's job in `scheduler_jobs` */
export const RETENTION_JOB = 'retention-policies';

/**
 * Every active retention policy, on wall-clock slots: every `retentionRunIntervalMinutes` counted from
 * `retentionRunAt` UTC (daily at 03:00 by default), none when the interval is 0. The next slot is kept in
 * `scheduler_jobs`, so a restart neither repeats nor skips a day, and one replica runs each slot. A run that
 * fails (an owner down) is recorded as failed and happens again at the next slot.
 */
export function retentionJobs(
  runner: Pick<RetentionRunner, 'runAllActive'>,
  settings: Pick<ComplianceSettings, 'retentionRunIntervalMinutes' | 'retentionRunAt'>,
): ScheduledJob[] {
  if (settings.retentionRunIntervalMinutes <= 0) return [];
  return [
    {
      name: RETENTION_JOB,
      schedule: { everyMs: settings.retentionRunIntervalMinutes * 60_000, at: settings.retentionRunAt },
      run: () => runner.runAllActive(),
    },
  ];
}
