import {
  ConfigError,
  DEFAULT_GAMING_DAY_START_HOUR,
  DEFAULT_PROPERTY_TIME_ZONE,
  gamingDayEnv,
  parseEnv,
  readProcessEnv,
  z,
} from '@casino/config';

/** Tunable rules of the gaming domain, with their defaults. */
export interface GamingSettings {
  /** How often the credit dispatcher looks for ended sessions whose points loyalty has not yet credited */
  creditDispatchIntervalMs: number;
  /** Sessions sent to loyalty per dispatcher pass (each is its own call) */
  creditBatchSize: number;
  /** Wait before the first retry of a failed credit; doubles with every further failure */
  creditRetryBaseMs: number;
  /** Longest wait between two retries of one session's credit */
  creditRetryMaxMs: number;
  /** Local hour (0-23) at which the property's gaming day starts: play before it counts for the previous day */
  gamingDayStartHour: number;
  /** The property's IANA time zone (PROPERTY_TIME_ZONE): gaming days and visit times are local to it */
  timeZone: string;
  /** Longest look-back accepted by Member.averageDailyTheo(days) */
  maxAdtDays: number;
  /** Longest date range a dashboard accepts */
  maxDashboardRangeDays: number;
  /** How many players the dashboard ranks by theo */
  dashboardTopPlayers: number;
}

export const DEFAULT_GAMING_SETTINGS: GamingSettings = {
  creditDispatchIntervalMs: 2_000,
  creditBatchSize: 50,
  creditRetryBaseMs: 1_000,
  creditRetryMaxMs: 300_000,
  gamingDayStartHour: DEFAULT_GAMING_DAY_START_HOUR,
  timeZone: DEFAULT_PROPERTY_TIME_ZONE,
  maxAdtDays: 3_650,
  maxDashboardRangeDays: 366,
  dashboardTopPlayers: 10,
};

export const gamingEnv = z.object({
  GAMING_CREDIT_DISPATCH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .max(3_600_000)
    .default(DEFAULT_GAMING_SETTINGS.creditDispatchIntervalMs),
  GAMING_CREDIT_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(DEFAULT_GAMING_SETTINGS.creditBatchSize),
  GAMING_CREDIT_RETRY_BASE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(DEFAULT_GAMING_SETTINGS.creditRetryBaseMs),
  GAMING_CREDIT_RETRY_MAX_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(86_400_000)
    .default(DEFAULT_GAMING_SETTINGS.creditRetryMaxMs),
  ...gamingDayEnv,
  GAMING_MAX_ADT_DAYS: z.coerce.number().int().min(1).max(36_500).default(DEFAULT_GAMING_SETTINGS.maxAdtDays),
  GAMING_DASHBOARD_MAX_RANGE_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3_660)
    .default(DEFAULT_GAMING_SETTINGS.maxDashboardRangeDays),
  GAMING_DASHBOARD_TOP_PLAYERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000)
    .default(DEFAULT_GAMING_SETTINGS.dashboardTopPlayers),
});

/** Reads the gaming settings from the environment (the process's, unless one is given). */
export function parseGamingSettings(env?: Record<string, string | undefined>): GamingSettings {
  const source = env ?? readProcessEnv();
  if (source.GAMING_LOCAL_UTC_OFFSET_MINUTES !== undefined) {
    // a fixed offset cannot follow daylight saving: the zone replaces it, and a silent fallback would shift days
    throw new ConfigError('gaming', [
      'GAMING_LOCAL_UTC_OFFSET_MINUTES: no longer read; set PROPERTY_TIME_ZONE to the IANA time zone of the ' +
        'property (e.g. Asia/Kolkata for +05:30) instead',
    ]);
  }
  const parsed = parseEnv('gaming', gamingEnv, source);
  return {
    creditDispatchIntervalMs: parsed.GAMING_CREDIT_DISPATCH_INTERVAL_MS,
    creditBatchSize: parsed.GAMING_CREDIT_BATCH_SIZE,
    creditRetryBaseMs: parsed.GAMING_CREDIT_RETRY_BASE_MS,
    creditRetryMaxMs: parsed.GAMING_CREDIT_RETRY_MAX_MS,
    gamingDayStartHour: parsed.GAMING_DAY_START_HOUR,
    timeZone: parsed.PROPERTY_TIME_ZONE,
    maxAdtDays: parsed.GAMING_MAX_ADT_DAYS,
    maxDashboardRangeDays: parsed.GAMING_DASHBOARD_MAX_RANGE_DAYS,
    dashboardTopPlayers: parsed.GAMING_DASHBOARD_TOP_PLAYERS,
  };
}

/** Named rules for opening a session; pass other values to the service to tune them. */
export const SESSION_RULES = {
  /** Largest buy-in accepted at session start, in the casino currency */
  maxBuyInAmount: '1000000.00',
  /** Highest seat number at any table */
  maxSeatNumber: 14,
  /** How far back a session start may be recorded (a floor supervisor catching up) */
  maxBackdateHours: 24,
  /** Tolerance for a client clock slightly ahead of ours */
  clockSkewMinutes: 5,
  /** Largest cash-out, average bet or coin-in accepted when a session ends */
  maxEndAmount: '100000000.00',
};
