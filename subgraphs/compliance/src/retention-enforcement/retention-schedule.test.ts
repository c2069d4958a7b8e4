import { DEFAULT_COMPLIANCE_SETTINGS, parseComplianceSettings } from '../settings';
import type { RetentionRunner } from './retention-runner';
import { startRetentionSchedule } from './retention-schedule';

describe('retention schedule', () => {
  afterEach(() => jest.useRealTimers());

  it('runs every active policy once per interval; 0 disables it', async () => {
    jest.useFakeTimers();
    const runAllActive = jest.fn().mockResolvedValue([]);
    const runner = { runAllActive } as unknown as RetentionRunner;
    const job = startRetentionSchedule(runner, 24 * 60);
    await jest.advanceTimersByTimeAsync(24 * 3_600_000 - 1);
    expect(runAllActive).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(runAllActive).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(24 * 3_600_000);
    expect(runAllActive).toHaveBeenCalledTimes(2);
    await job.stop();
    await jest.advanceTimersByTimeAsync(48 * 3_600_000);
    expect(runAllActive).toHaveBeenCalledTimes(2);

    const disabled = startRetentionSchedule(runner, 0);
    await jest.advanceTimersByTimeAsync(48 * 3_600_000);
    expect(runAllActive).toHaveBeenCalledTimes(2);
    await disabled.stop();
  });

  it('a failing tick is logged and the next one runs again', async () => {
    jest.useFakeTimers();
    const runAllActive = jest.fn().mockRejectedValueOnce(new Error('boom')).mockResolvedValue([]);
    const error = jest.fn();
    const job = startRetentionSchedule({ runAllActive } as unknown as RetentionRunner, 60, {
      error,
    } as never);
    await jest.advanceTimersByTimeAsync(2 * 3_600_000);
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
});
