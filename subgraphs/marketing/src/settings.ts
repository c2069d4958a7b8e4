import { parseEnv, z } from '@casino/config';

/** Tunable rules of the marketing domain, with their defaults. */
export interface MarketingSettings {
  /** The SMTP server email notifications go through */
  smtpHost: string;
  smtpPort: number;
  /** Implicit TLS (port 465 style) instead of a plain connection */
  smtpSecure: boolean;
  /** The envelope and header sender of email notifications */
  smtpFrom: string;
  /** Give up on an SMTP exchange after this long */
  smtpTimeoutMs: number;
  /** Where SMS notifications are POSTed as JSON; null disables the channel (sends on it fail) */
  smsWebhookUrl: string | null;
  /** Where push notifications are POSTed as JSON; null disables the channel (sends on it fail) */
  pushWebhookUrl: string | null;
  webhookTimeoutMs: number;
  /**
   * Quiet hours (UTC hours, start inclusive, end exclusive; may wrap past midnight): non-critical sends that
   * fall in them are deferred to their end. Both null (or equal) means no quiet hours.
   */
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
  /** How often the dispatcher looks for scheduled notifications that are due */
  dispatchIntervalMs: number;
  /** At most this many due notifications per dispatcher round */
  dispatchBatchSize: number;
  /** The longest date range a dashboard accepts, in days */
  dashboardMaxRangeDays: number;
  /** How many members an audience preview shows */
  audienceSampleSize: number;
}

export const DEFAULT_MARKETING_SETTINGS: MarketingSettings = {
  smtpHost: 'localhost',
  smtpPort: 25,
  smtpSecure: false,
  smtpFrom: 'notifications@casino.local',
  smtpTimeoutMs: 10_000,
  smsWebhookUrl: null,
  pushWebhookUrl: null,
  webhookTimeoutMs: 5_000,
  quietHoursStart: null,
  quietHoursEnd: null,
  dispatchIntervalMs: 30_000,
  dispatchBatchSize: 100,
  dashboardMaxRangeDays: 366,
  audienceSampleSize: 10,
};

const hour = z.coerce.number().int().min(0).max(23).optional();
const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(z.url().optional());

const marketingEnv = z.object({
  SMTP_HOST: z.string().min(1).default(DEFAULT_MARKETING_SETTINGS.smtpHost),
  SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(DEFAULT_MARKETING_SETTINGS.smtpPort),
  SMTP_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  SMTP_FROM: z.email().default(DEFAULT_MARKETING_SETTINGS.smtpFrom),
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(DEFAULT_MARKETING_SETTINGS.smtpTimeoutMs),
  SMS_WEBHOOK_URL: optionalUrl,
  PUSH_WEBHOOK_URL: optionalUrl,
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(DEFAULT_MARKETING_SETTINGS.webhookTimeoutMs),
  QUIET_HOURS_START: hour,
  QUIET_HOURS_END: hour,
  NOTIFICATION_DISPATCH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(DEFAULT_MARKETING_SETTINGS.dispatchIntervalMs),
  NOTIFICATION_DISPATCH_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(DEFAULT_MARKETING_SETTINGS.dispatchBatchSize),
  MARKETING_DASHBOARD_MAX_RANGE_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3_660)
    .default(DEFAULT_MARKETING_SETTINGS.dashboardMaxRangeDays),
  CAMPAIGN_AUDIENCE_SAMPLE_SIZE: z.coerce
    .number()
    .int()
    .min(0)
    .max(100)
    .default(DEFAULT_MARKETING_SETTINGS.audienceSampleSize),
});

/** Reads the marketing settings from the environment (the process's, unless one is given). */
export function parseMarketingSettings(env?: Record<string, string | undefined>): MarketingSettings {
  const parsed = parseEnv('marketing', marketingEnv, env);
  return {
    smtpHost: parsed.SMTP_HOST,
    smtpPort: parsed.SMTP_PORT,
    smtpSecure: parsed.SMTP_SECURE,
    smtpFrom: parsed.SMTP_FROM,
    smtpTimeoutMs: parsed.SMTP_TIMEOUT_MS,
    smsWebhookUrl: parsed.SMS_WEBHOOK_URL ?? null,
    pushWebhookUrl: parsed.PUSH_WEBHOOK_URL ?? null,
    webhookTimeoutMs: parsed.WEBHOOK_TIMEOUT_MS,
    quietHoursStart: parsed.QUIET_HOURS_START ?? null,
    quietHoursEnd: parsed.QUIET_HOURS_END ?? null,
    dispatchIntervalMs: parsed.NOTIFICATION_DISPATCH_INTERVAL_MS,
    dispatchBatchSize: parsed.NOTIFICATION_DISPATCH_BATCH_SIZE,
    dashboardMaxRangeDays: parsed.MARKETING_DASHBOARD_MAX_RANGE_DAYS,
    audienceSampleSize: parsed.CAMPAIGN_AUDIENCE_SAMPLE_SIZE,
  };
}
