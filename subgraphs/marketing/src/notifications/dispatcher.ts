import type { Db } from 'mongodb';
import type { Logger } from '@casino/logger';
import { DEFAULT_OUTBOX_MAX_ATTEMPTS, deliveryFailureOf, retryDelayMs } from '@casino/mongo';
import type { ScheduledJob } from '@casino/scheduler';
import { withSpan } from '@casino/telemetry';
import type { MarketingSettings } from '../settings';
import { createChannelAdapters } from './channels';
import type { ChannelAdapters } from './channels';
import { DeliveryError } from './channels/types';
import { NotificationStore } from './notification-store';
import type { NotificationDelivery, NotificationDocument } from './notification-store';

/** How often a notification that cannot be claimed is tried again, and after how many failed rounds it is dead. */
export interface DispatchRetry {
  /** OUTBOX_MAX_ATTEMPTS */
  maxAttempts: number;
  /** Wait before the first retry; doubles with every further failure, up to 32 times this */
  baseMs: number;
  /** Random share of a retry's wait (OUTBOX_RETRY_JITTER); none when absent */
  jitter?: number;
  /** Draws the jitter (tests pin it) */
  random?: () => number;
}

/** The claim (or reading what it returned) failed: no channel has seen the notification. */
class UnclaimedError extends Error {
  constructor(override readonly cause: unknown) {
    super('the notification could not be claimed');
  }
}

/**
 * Sends notifications on their channels. A notification is claimed atomically (pending -> sent) before any
 * channel sees it, so two dispatchers never send it twice; it ends delivered when at least one channel took
 * it, failed when none did, each channel's outcome kept in `deliveries`.
 */
export class NotificationDispatcher {
  constructor(
    private readonly store: NotificationStore,
    private readonly adapters: ChannelAdapters,
    private readonly logger?: Logger,
    private readonly retry: DispatchRetry = { maxAttempts: DEFAULT_OUTBOX_MAX_ATTEMPTS, baseMs: 30_000 },
  ) {}

  /** Dispatches one pending notification now; null when it was not pending (anymore). */
  async dispatch(id: string, now = new Date()): Promise<NotificationDocument | null> {
    let claimed: NotificationDocument | null;
    try {
      claimed = await this.store.claim(id, now);
    } catch (error) {
      throw new UnclaimedError(error);
    }
    if (!claimed) return null;
    const deliveries: NotificationDelivery[] = [];
    for (const channel of claimed.channels) {
      try {
        await this.adapters[channel].deliver(claimed);
        deliveries.push({ channel, status: 'delivered', at: new Date(), error: null });
      } catch (error) {
        const message = error instanceof DeliveryError ? error.message : 'the channel failed unexpectedly';
        if (!(error instanceof DeliveryError)) {
          this.logger?.error({ err: error, notificationId: id, channel }, 'notification channel failed');
        }
        deliveries.push({ channel, status: 'failed', at: new Date(), error: message });
      }
    }
    const outcome = deliveries.some((d) => d.status === 'delivered') ? 'delivered' : 'failed';
    return this.store.finish(id, outcome, deliveries, new Date());
  }

  /** Sends every scheduled (or deferred) notification due at `now`, up to `limit`; returns how many went. */
  async dispatchDue(now: Date, limit: number): Promise<number> {
    let sent = 0;
    for (const id of await this.store.dueIds(now, limit)) {
      try {
        if (await withSpan('deliver notification', {}, () => this.dispatch(id, now))) sent += 1;
      } catch (error) {
        // one notification that cannot be claimed or read must not hold up the rest of the batch
        if (!(error instanceof UnclaimedError)) {
          this.logger?.error({ err: error, notificationId: id }, 'notification dispatch failed');
          continue;
        }
        const failure = deliveryFailureOf(error.cause);
        const dead = await this.store.dispatchFailed(id, failure, {
          maxAttempts: this.retry.maxAttempts,
          retryInMs: (attempts) =>
            retryDelayMs(
              attempts,
              this.retry.baseMs,
              this.retry.baseMs * 32,
              this.retry.jitter,
              this.retry.random,
            ),
          at: now,
        });
        this.logger?.warn(
          { notificationId: id, code: failure.code, dead },
          dead
            ? 'notification set aside as dead after repeated failures'
            : 'notification could not be claimed',
        );
      }
    }
    return sent;
  }
}

/**
 * Sends the notifications due at `now` (scheduled ones and those deferred by quiet hours), at most one batch,
 * with a dispatcher of its own: one pass of the dispatch job at a chosen instant.
 */
export function dispatchDueNotifications(
  db: Db,
  settings: MarketingSettings,
  now = new Date(),
  logger?: Logger,
  maxAttempts = DEFAULT_OUTBOX_MAX_ATTEMPTS,
  jitter?: number,
): Promise<number> {
  const dispatcher = new NotificationDispatcher(
    new NotificationStore(db),
    createChannelAdapters(settings),
    logger,
    { maxAttempts, baseMs: settings.dispatchIntervalMs, jitter },
  );
  return dispatcher.dispatchDue(now, settings.dispatchBatchSize);
}

/** The notification outbox's job in `scheduler_jobs` */
export const NOTIFICATION_DISPATCH_JOB = 'notification-dispatch';

/**
 * The notification outbox's delivery pass, every `dispatchIntervalMs`: one round of due notifications. Each
 * notification is claimed (pending -> sent) before any channel sees it, so replicas never send one twice.
 */
export function notificationDispatchJob(
  dispatcher: NotificationDispatcher,
  settings: Pick<MarketingSettings, 'dispatchIntervalMs' | 'dispatchBatchSize'>,
): ScheduledJob {
  return {
    name: NOTIFICATION_DISPATCH_JOB,
    schedule: { everyMs: settings.dispatchIntervalMs },
    run: () => dispatcher.dispatchDue(new Date(), settings.dispatchBatchSize),
  };
}
