import { DEFAULT_PROPERTY_TIME_ZONE, localClockSetting, parseEnv, propertyTimeEnv, z } from '@casino/config';
import type { LocalClock } from '@casino/config';

/** Tunable rules of the marketing domain, with their defaults. */
export interface MarketingSettings {
  /** The SMTP server email notifications go through */
  smtpHost: string;
  smtpPort: number;
  /** Implicit TLS (port 465 style) instead of a plain connection */
  smtpSecure: boolean;
  /**
   * On a plain connection, refuse to go on unless the server offers STARTTLS (submission on port 587).
   * Without it STARTTLS is still used whenever the server offers it.
   */
  smtpRequireTls: boolean;
  /** SMTP AUTH user; null sends without authenticating (a relay that trusts the casino's network) */
  smtpUser: string | null;
  /** SMTP AUTH password; never logged nor stored with a delivery error */
  smtpPassword: string | null;
  /** A PEM file of the CA(s) that sign the SMTP server's certificate (a private CA); null: the system CAs */
  smtpTlsCaFile: string | null;
  /** The envelope and header sender of email notifications */
  smtpFrom: string;
  /** Give up on connecting, on the greeting and on any silent SMTP reply after this long */
  smtpTimeoutMs: number;
  /** Where SMS notifications are POSTed as JSON; null disables the channel (sends on it fail) */
  smsWebhookUrl: string | null;
  /** Where push notifications are POSTed as JSON; null disables the channel (sends on it fail) */
  pushWebhookUrl: string | null;
  /** How long an SMS or push webhook call may take before the send fails */
  webhookTimeoutMs: number;
  /**
   * Quiet hours (local times in the property's time zone, start inclusive, end exclusive; may wrap past
   * midnight): non-critical sends that fall in them are deferred to their end. Both null (or equal) means no
   * quiet hours.
   */
  quietHoursStart: LocalClock | null;
  quietHoursEnd: LocalClock | null;
  /** The property's IANA time zone (PROPERTY_TIME_ZONE): quiet hours and dashboard days are local to it */
  timeZone: string;
  /** How often the dispatcher looks for scheduled notifications that are due */
  dispatchIntervalMs: number;
  /** At most this many due notifications per dispatcher round */
  dispatchBatchSize: number;
  /** The longest date range a dashboard accepts, in days */
  maxDashboardRangeDays: number;
  /** How many members an audience preview shows */
  audienceSampleSize: number;
  /** An audience's candidates are checked with loyalty (consent, self-exclusion, active) this many ids per call */
  audienceCheckBatchSize: number;
  analytics: AnalyticsSettings;
}

/**
 * The customer analytics job (src/analytics/recompute-job.ts): how it walks the members, the window it
 * looks at, the risk score's weights and the marketing segments' rules.
 */
export interface AnalyticsSettings {
  /** How often the job recomputes every member's analytics; 0 disables the schedule (on demand only) */
  intervalMs: number;
  /** Members per batch: one gaming call and one loyalty call each */
  batchSize: number;
  /** The play the analytics describe: the sessions started in the last this many days */
  windowDays: number;
  /** A run not heard of (no batch finished) for this long counts as crashed and no longer blocks a new one */
  runStaleMs: number;
  /** How many favourite games to keep per member */
  favoriteGames: number;
  /** A session at least this long counts as long (a risk indicator) */
  longSessionMinutes: number;
  /**
   * risk_score = 100 x (wChase x chase + wLong x long + wFreq x freq + wLoss x loss) / (sum of the weights),
   * each indicator from 0 to 1: chase = loss-chasing days / visits, long = long sessions / settled sessions,
   * freq = min(visits per 30 days / riskFrequencyCeiling, 1), loss = min(losses / buy-in, 1).
   */
  riskWeightLossChasing: number;
  riskWeightLongSessions: number;
  riskWeightFrequency: number;
  riskWeightLossRatio: number;
  /** Visits per 30 days at which the frequency indicator is at its maximum */
  riskFrequencyCeiling: number;
  /** high_roller: average buy-in per visit at least this */
  highRollerMinSpendPerVisit: number;
  /** frequent_visitor: at least this many visits per 30 days */
  frequentVisitorMinVisits: number;
  /** lapsed: the last visit is at least this many days old */
  lapsedAfterDays: number;
  /** new_member: registered less than this many days ago */
  newMemberDays: number;
  /** at_risk: a risk score at least this */
  atRiskMinScore: number;
  /** points_collector: a reward points balance at least this */
  pointsCollectorMinBalance: number;
}

export const DEFAULT_ANALYTICS_SETTINGS: AnalyticsSettings = {
  intervalMs: 6 * 3_600_000,
  batchSize: 500,
  windowDays: 90,
  runStaleMs: 3_600_000,
  favoriteGames: 3,
  longSessionMinutes: 240,
  riskWeightLossChasing: 40,
  riskWeightLongSessions: 25,
  riskWeightFrequency: 15,
  riskWeightLossRatio: 20,
  riskFrequencyCeiling: 20,
  highRollerMinSpendPerVisit: 5_000,
  frequentVisitorMinVisits: 8,
  lapsedAfterDays: 60,
  newMemberDays: 30,
  atRiskMinScore: 50,
  pointsCollectorMinBalance: 10_000,
};

export const DEFAULT_MARKETING_SETTINGS: MarketingSettings = {
  smtpHost: 'localhost',
  smtpPort: 25,
  smtpSecure: false,
  smtpRequireTls: false,
  smtpUser: null,
  smtpPassword: null,
  smtpTlsCaFile: null,
  smtpFrom: 'notifications@casino.local',
  smtpTimeoutMs: 10_000,
  smsWebhookUrl: null,
  pushWebhookUrl: null,
  webhookTimeoutMs: 5_000,
  quietHoursStart: null,
  quietHoursEnd: null,
  timeZone: DEFAULT_PROPERTY_TIME_ZONE,
  dispatchIntervalMs: 30_000,
  dispatchBatchSize: 100,
  maxDashboardRangeDays: 366,
  audienceSampleSize: 10,
  audienceCheckBatchSize: 500,
  analytics: DEFAULT_ANALYTICS_SETTINGS,
};

const flag = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined));

/** A local time HH:MM; a whole hour (`22`) still reads as `22:00`. */
const localTime = localClockSetting().optional();
const optionalUrl = z
  .string()
  .optional()
  .transform((v) => (v ? v : undefined))
  .pipe(z.url().optional());

const A = DEFAULT_ANALYTICS_SETTINGS;
const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const number = (min: number, max: number, fallback: number) =>
  z.coerce.number().min(min).max(max).default(fallback);

const analyticsEnv = {
  ANALYTICS_INTERVAL_MS: int(0, 7 * 86_400_000, A.intervalMs),
  ANALYTICS_BATCH_SIZE: int(1, 1_000, A.batchSize),
  ANALYTICS_WINDOW_DAYS: int(1, 366, A.windowDays),
  ANALYTICS_RUN_STALE_MS: int(1_000, 86_400_000, A.runStaleMs),
  ANALYTICS_FAVORITE_GAMES: int(0, 20, A.favoriteGames),
  ANALYTICS_LONG_SESSION_MINUTES: int(1, 1_440, A.longSessionMinutes),
  ANALYTICS_RISK_WEIGHT_LOSS_CHASING: number(0, 1_000, A.riskWeightLossChasing),
  ANALYTICS_RISK_WEIGHT_LONG_SESSIONS: number(0, 1_000, A.riskWeightLongSessions),
  ANALYTICS_RISK_WEIGHT_FREQUENCY: number(0, 1_000, A.riskWeightFrequency),
  ANALYTICS_RISK_WEIGHT_LOSS_RATIO: number(0, 1_000, A.riskWeightLossRatio),
  ANALYTICS_RISK_FREQUENCY_CEILING: number(0.01, 1_000, A.riskFrequencyCeiling),
  SEGMENT_HIGH_ROLLER_MIN_SPEND_PER_VISIT: number(0, 1e12, A.highRollerMinSpendPerVisit),
  SEGMENT_FREQUENT_VISITOR_MIN_VISITS: number(0, 1_000, A.frequentVisitorMinVisits),
  SEGMENT_LAPSED_AFTER_DAYS: int(1, 3_660, A.lapsedAfterDays),
  SEGMENT_NEW_MEMBER_DAYS: int(1, 3_660, A.newMemberDays),
  SEGMENT_AT_RISK_MIN_SCORE: number(0, 100, A.atRiskMinScore),
  SEGMENT_POINTS_COLLECTOR_MIN_BALANCE: int(0, 1e12, A.pointsCollectorMinBalance),
};

export const marketingEnv = z
  .object({
    SMTP_HOST: z.string().min(1).default(DEFAULT_MARKETING_SETTINGS.smtpHost),
    SMTP_PORT: z.coerce.number().int().min(1).max(65_535).default(DEFAULT_MARKETING_SETTINGS.smtpPort),
    SMTP_SECURE: flag,
    SMTP_REQUIRE_TLS: flag.describe(
      'on a plain connection, fail the send unless the server upgrades with STARTTLS (port 587); required with SMTP_USER in production unless SMTP_SECURE',
    ),
    SMTP_USER: optionalText.describe(
      'SMTP AUTH user (with SMTP_PASSWORD); unset sends without authenticating',
    ),
    SMTP_PASSWORD: optionalText.describe('SMTP AUTH password; never logged nor stored with a delivery error'),
    SMTP_TLS_CA_FILE: optionalText.describe(
      "PEM file of the CA(s) that sign the SMTP server's certificate (a private CA), read at start; unset: the system CAs",
    ),
    SMTP_FROM: z.email().default(DEFAULT_MARKETING_SETTINGS.smtpFrom),
    SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(DEFAULT_MARKETING_SETTINGS.smtpTimeoutMs),
    SMS_WEBHOOK_URL: optionalUrl,
    PUSH_WEBHOOK_URL: optionalUrl,
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(DEFAULT_MARKETING_SETTINGS.webhookTimeoutMs),
    QUIET_HOURS_START: localTime.describe(
      'Start of the quiet hours, a local time HH:MM in PROPERTY_TIME_ZONE (a whole hour such as `22` reads as ' +
        '22:00): non-critical sends from then are deferred to QUIET_HOURS_END; unset (or equal to the end): none',
    ),
    QUIET_HOURS_END: localTime.describe(
      'End of the quiet hours (exclusive), a local time HH:MM in PROPERTY_TIME_ZONE such as `08:30`; may be ' +
        'before the start (quiet hours over midnight)',
    ),
    ...propertyTimeEnv,
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
      .default(DEFAULT_MARKETING_SETTINGS.maxDashboardRangeDays),
    CAMPAIGN_AUDIENCE_SAMPLE_SIZE: z.coerce
      .number()
      .int()
      .min(0)
      .max(100)
      .default(DEFAULT_MARKETING_SETTINGS.audienceSampleSize),
    CAMPAIGN_AUDIENCE_CHECK_BATCH_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(5_000)
      .default(DEFAULT_MARKETING_SETTINGS.audienceCheckBatchSize),
    ...analyticsEnv,
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.SMTP_USER ? 'SMTP_PASSWORD' : 'SMTP_USER'],
        message: 'SMTP_USER and SMTP_PASSWORD go together',
      });
    }
    // the password would cross the network in the clear if the server offered no STARTTLS
    if (env.NODE_ENV === 'production' && env.SMTP_USER && !env.SMTP_SECURE && !env.SMTP_REQUIRE_TLS) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMTP_REQUIRE_TLS'],
        message:
          'in production SMTP AUTH needs TLS: set SMTP_SECURE=true (port 465) or SMTP_REQUIRE_TLS=true',
      });
    }
  });

/** Reads the marketing settings from the environment (the process's, unless one is given). */
export function parseMarketingSettings(env?: Record<string, string | undefined>): MarketingSettings {
  const parsed = parseEnv('marketing', marketingEnv, env);
  return {
    smtpHost: parsed.SMTP_HOST,
    smtpPort: parsed.SMTP_PORT,
    smtpSecure: parsed.SMTP_SECURE,
    smtpRequireTls: parsed.SMTP_REQUIRE_TLS,
    smtpUser: parsed.SMTP_USER ?? null,
    smtpPassword: parsed.SMTP_PASSWORD ?? null,
    smtpTlsCaFile: parsed.SMTP_TLS_CA_FILE ?? null,
    smtpFrom: parsed.SMTP_FROM,
    smtpTimeoutMs: parsed.SMTP_TIMEOUT_MS,
    smsWebhookUrl: parsed.SMS_WEBHOOK_URL ?? null,
    pushWebhookUrl: parsed.PUSH_WEBHOOK_URL ?? null,
    webhookTimeoutMs: parsed.WEBHOOK_TIMEOUT_MS,
    quietHoursStart: parsed.QUIET_HOURS_START ?? null,
    quietHoursEnd: parsed.QUIET_HOURS_END ?? null,
    timeZone: parsed.PROPERTY_TIME_ZONE,
    dispatchIntervalMs: parsed.NOTIFICATION_DISPATCH_INTERVAL_MS,
    dispatchBatchSize: parsed.NOTIFICATION_DISPATCH_BATCH_SIZE,
    maxDashboardRangeDays: parsed.MARKETING_DASHBOARD_MAX_RANGE_DAYS,
    audienceSampleSize: parsed.CAMPAIGN_AUDIENCE_SAMPLE_SIZE,
    audienceCheckBatchSize: parsed.CAMPAIGN_AUDIENCE_CHECK_BATCH_SIZE,
    analytics: {
      intervalMs: parsed.ANALYTICS_INTERVAL_MS,
      batchSize: parsed.ANALYTICS_BATCH_SIZE,
      windowDays: parsed.ANALYTICS_WINDOW_DAYS,
      runStaleMs: parsed.ANALYTICS_RUN_STALE_MS,
      favoriteGames: parsed.ANALYTICS_FAVORITE_GAMES,
      longSessionMinutes: parsed.ANALYTICS_LONG_SESSION_MINUTES,
      riskWeightLossChasing: parsed.ANALYTICS_RISK_WEIGHT_LOSS_CHASING,
      riskWeightLongSessions: parsed.ANALYTICS_RISK_WEIGHT_LONG_SESSIONS,
      riskWeightFrequency: parsed.ANALYTICS_RISK_WEIGHT_FREQUENCY,
      riskWeightLossRatio: parsed.ANALYTICS_RISK_WEIGHT_LOSS_RATIO,
      riskFrequencyCeiling: parsed.ANALYTICS_RISK_FREQUENCY_CEILING,
      highRollerMinSpendPerVisit: parsed.SEGMENT_HIGH_ROLLER_MIN_SPEND_PER_VISIT,
      frequentVisitorMinVisits: parsed.SEGMENT_FREQUENT_VISITOR_MIN_VISITS,
      lapsedAfterDays: parsed.SEGMENT_LAPSED_AFTER_DAYS,
      newMemberDays: parsed.SEGMENT_NEW_MEMBER_DAYS,
      atRiskMinScore: parsed.SEGMENT_AT_RISK_MIN_SCORE,
      pointsCollectorMinBalance: parsed.SEGMENT_POINTS_COLLECTOR_MIN_BALANCE,
    },
  };
}

/** Named limits of a template definition. */
export const TEMPLATE_RULES = {
  nameMaxLength: 100,
  titleMaxLength: 200,
  contentMaxLength: 2_000,
  maxVariables: 30,
};

/** Named limits of a campaign definition. */
export const CAMPAIGN_RULES = {
  nameMaxLength: 100,
  descriptionMaxLength: 2_000,
  campaignTypeMaxLength: 60,
  maxAudienceSegments: 20,
  segmentMaxLength: 60,
};

/** Named rules of guest registration. */
export const WALK_IN_RULES = {
  nameMaxLength: 100,
  notesMaxLength: 1_000,
  /** Games or services listed on one visit */
  maxVisitItems: 50,
  visitItemMaxLength: 60,
};
