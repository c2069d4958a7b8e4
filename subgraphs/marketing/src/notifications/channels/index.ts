import { readFileSync } from 'node:fs';
import type { MarketingSettings } from '../../settings';
import type { NotificationChannel } from '../notification-store';
import { emailAdapter } from './email';
import { inAppAdapter } from './in-app';
import type { ChannelAdapter } from './types';
import { webhookAdapter } from './webhook';

export type ChannelAdapters = Record<NotificationChannel, ChannelAdapter>;

/** One adapter per channel, configured by the settings. */
export function createChannelAdapters(settings: MarketingSettings): ChannelAdapters {
  return {
    in_app: inAppAdapter,
    email: emailAdapter({
      host: settings.smtpHost,
      port: settings.smtpPort,
      secure: settings.smtpSecure,
      requireTls: settings.smtpRequireTls,
      auth:
        settings.smtpUser && settings.smtpPassword
          ? { user: settings.smtpUser, password: settings.smtpPassword }
          : null,
      // read once at start: a missing or unreadable CA file stops the service instead of every send failing
      ca: settings.smtpTlsCaFile ? readFileSync(settings.smtpTlsCaFile) : null,
      timeoutMs: settings.smtpTimeoutMs,
      from: settings.smtpFrom,
    }),
    sms: webhookAdapter('sms', settings.smsWebhookUrl, settings.webhookTimeoutMs),
    push: webhookAdapter('push', settings.pushWebhookUrl, settings.webhookTimeoutMs),
  };
}

export type { ChannelAdapter } from './types';
export { DeliveryError } from './types';
