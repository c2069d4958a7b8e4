import type { NotificationChannel, NotificationDocument } from '../notification-store';

/** Delivers a rendered notification on one channel; throws when the channel did not take it. */
export interface ChannelAdapter {
  readonly channel: NotificationChannel;
  deliver(notification: NotificationDocument): Promise<void>;
}

/** A delivery failure whose message is safe to store and show (no secrets, no recipient data). */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
}
