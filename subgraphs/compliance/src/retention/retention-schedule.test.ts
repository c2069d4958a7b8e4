import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { Scheduler } from '@casino/scheduler';
import type { ScheduledJob } from '@casino/scheduler';
import { DEFAULT_COMPLIANCE_SETTINGS, parseComplianceSettings } from '../settings';
import type { RetentionRunner } from './retention-runner';
import { retentionJobs } from './retention-schedule';

describe('retention schedule', () => {
  let client: MongoClient;
  let db: Db;
  // a slot of the default schedule (daily at 03:00 UTC): the next one is exactly a day later
  let now: Date;
  beforeAll(async () => {
    client = await MongoClient.connect(readProcessEnv().MONGODB_URI!);
  });
  beforeEach(() => {
    db = client.db(`tretention_${randomUUID().slice(0, 8)}`);
    now = new Date('2026-03-02T03:00:00.000Z');
  });
  afterEach(async () => {
    await db.dropDatabase();
  });
  afterAll(async () => {
    await client.close();
  });

  /** A replica's scheduler on the test's clock; `advanceBy` moves the clock a minute at a time, polling. */
  async function startSchedule(jobs: ScheduledJob[], log?: object) {
    const scheduler = new Scheduler({ db, jobs, now: () => now, log: log as never });
    await scheduler.register();
    return {
      async advanceBy(ms: number) {
        const end = now.getTime() + ms;
        while (now.getTime() < end) {
          now = new Date(Math.min(now.getTime() + 60_000, end));
          await scheduler.runDue();
        }
      },
      stop: () => scheduler.stop(),
    };
  }

  it('runs every active policy once per interval; 0 disables it', async () => {
    const runAllActive = jest.fn().mockResolvedValue([]);
    const runner = { runAllActive } as unknown as RetentionRunner;
    const job = await startSchedule(retentionJobs(runner, { ...DEFAULT_COMPLIANCE_SETTINGS }));
    await job.advanceBy(24 * 3_600_000 - 1);
    expect(runAllActive).not.toHaveBeenCalled();
    await job.advanceBy(1);
    expect(runAllActive).toHaveBeenCalledTimes(1);
    await job.advanceBy(24 * 3_600_000);
    expect(runAllActive).toHaveBeenCalledTimes(2);
    await job.stop();
    await job.advanceBy(48 * 3_600_000);
    expect(runAllActive).toHaveBeenCalledTimes(2);

    const disabled = await startSchedule(
      retentionJobs(runner, { ...DEFAULT_COMPLIANCE_SETTINGS, retentionRunIntervalMinutes: 0 }),
    );
    await disabled.advanceBy(48 * 3_600_000);
    expect(runAllActive).toHaveBeenCalledTimes(2);
    await disabled.stop();
  });

  it('a failing tick is logged and the next one runs again', async () => {
    const runAllActive = jest.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue([]);
    const error = jest.fn();
    const job = await startSchedule(
      retentionJobs({ runAllActive } as unknown as RetentionRunner, {
        retentionRunIntervalMinutes: 60,
        retentionRunAt: '03:00',
      }),
      { error, warn: jest.fn(), info: jest.fn() },
    );
    await job.advanceBy(2 * 3_600_000);
    expect(runAllActive).toHaveBeenCalledTimes(2);
    expect(error).toHaveBeenCalledTimes(1);
    await job.stop();
  });

  it('settings: daily by default, batches of 500, read from the environment', () => {
    expect(DEFAULT_COMPLIANCE_SETTINGS).toMatchObject({
      retentionRunIntervalMinutes: 1440,
      retentionBatchSize: 500,
      retentionMaxBatches: 100,
      retentionRunStaleMinutes: 120,
    });
    expect(
      parseComplianceSettings({
        RETENTION_RUN_INTERVAL_MINUTES: '0',
        RETENTION_BATCH_SIZE: '50',
        RETENTION_MAX_BATCHES: '7',
        RETENTION_RUN_STALE_MINUTES: '30',
      }),
    ).toMatchObject({
      retentionRunIntervalMinutes: 0,
      retentionBatchSize: 50,
      retentionMaxBatches: 7,
      retentionRunStaleMinutes: 30,
    });
    expect(() => parseComplianceSettings({ RETENTION_BATCH_SIZE: '0' })).toThrow(/RETENTION_BATCH_SIZE/);
  });

  it('settings: the daily slot is a UTC time of day (RETENTION_RUN_AT, 03:00 by default)', () => {
    expect(DEFAULT_COMPLIANCE_SETTINGS.retentionRunAt).toBe('03:00');
    expect(parseComplianceSettings({ RETENTION_RUN_AT: '23:30' }).retentionRunAt).toBe('23:30');
    expect(() => parseComplianceSettings({ RETENTION_RUN_AT: '3am' })).toThrow(/RETENTION_RUN_AT/);
  });
});
