import type { NotificationChannel } from '../notification-store';
import type { ChannelAdapter } from './types';
import { DeliveryError } from './types';

/**
 * A channel delivered by a provider's webhook (SMS gateway, push service): the rendered notification is
 * POSTed as JSON to the channel's URL, and any 2xx answer means the provider took it. Without a URL the
 * channel is not configured and every delivery on it fails.
 */
export function webhookAdapter(
  channel: NotificationChannel,
  url: string | null,
  timeoutMs: number,
): ChannelAdapter {
  return {
    channel,
    async deliver(notification) {
      if (!url) throw new DeliveryError(`the ${channel} channel is not configured`);
      if (channel === 'sms' && !notification.recipient_phone) {
        throw new DeliveryError('no recipient phone');
      }
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            notificationId: notification.id,
            channel,
            recipientType: notification.recipient_type,
            recipientId: notification.recipient_id,
            phone: notification.recipient_phone,
            title: notification.title,
            content: notification.content,
            category: notification.category,
            priority: notification.priority,
          }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new DeliveryError(`${channel} webhook unreachable: ${(error as Error).name}`);
      }
      await response.body?.cancel().catch(() => {});
      if (!response.ok) throw new DeliveryError(`${channel} webhook answered ${response.status}`);
    },
  };
}
