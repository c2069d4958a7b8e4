import type { Db } from 'mongodb';
import type { Logger } from '@casino/logger';
import type { MarketingSettings } from '../settings';
import { createChannelAdapters } from './channels';
import type { ChannelAdapters } from './channels';
import { DeliveryError } from './channels/types';
import { NotificationStore } from './notification-store';
import type { NotificationDelivery, NotificationDocument } from './notification-store';

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
  ) {}

  /** Dispatches one pending notification now; null when it was not pending (anymore). */
  async dispatch(id: string, now = new Date()): Promise<NotificationDocument | null> {
    const claimed = await this.store.claim(id, now);
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
      if (await this.dispatch(id, now)) sent += 1;
    }
    return sent;
  }
}

/**
 * Sends the notifications due at `now` (scheduled ones and those deferred by quiet hours), at most one batch;
 * what the background job runs on each tick.
 */
export function dispatchDueNotifications(
  db: Db,
  settings: MarketingSettings,
  now = new Date(),
  logger?: Logger,
): Promise<number> {
  const dispatcher = new NotificationDispatcher(
    new NotificationStore(db),
    createChannelAdapters(settings),
    logger,
  );
  return dispatcher.dispatchDue(now, settings.dispatchBatchSize);
}

/** The background job: one dispatch round per interval, never two at once; stop waits for the current one. */
export function startNotificationDispatch(
  db: Db,
  settings: MarketingSettings,
  logger: Logger,
): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = dispatchDueNotifications(db, settings, new Date(), logger)
      .catch((error: unknown) => logger.error({ err: error }, 'notification dispatch failed'))
      .finally(() => {
        running = null;
      });
  }, settings.dispatchIntervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
