import { DEFAULT_PROPERTY_TIME_ZONE, parseEnv, propertyTimeEnv, z } from '@casino/config';

/** Tunable rules of the workforce domain, with their defaults. */
export interface WorkforceSettings {
  /** Months between performance reviews; the first review is due this long after the hire date */
  reviewIntervalMonths: number;
  /** Most levels walked up the reporting chain (cycle checks, reviewer checks) before giving up */
  maxHierarchyDepth: number;
  /** Longest dashboard date range, in days */
  maxDashboardRangeDays: number;
  /**
   * The property's IANA time zone (PROPERTY_TIME_ZONE): review due dates, training expiry and dashboard days
   * follow its calendar
   */
  timeZone: string;
}

export const DEFAULT_WORKFORCE_SETTINGS: WorkforceSettings = {
  reviewIntervalMonths: 12,
  maxHierarchyDepth: 50,
  maxDashboardRangeDays: 366,
  timeZone: DEFAULT_PROPERTY_TIME_ZONE,
};

export const workforceEnv = z.object({
  WORKFORCE_REVIEW_INTERVAL_MONTHS: z.coerce
    .number()
    .int()
    .min(1)
    .max(60)
    .default(DEFAULT_WORKFORCE_SETTINGS.reviewIntervalMonths),
  WORKFORCE_MAX_HIERARCHY_DEPTH: z.coerce
    .number()
    .int()
    .min(2)
    .max(1_000)
    .default(DEFAULT_WORKFORCE_SETTINGS.maxHierarchyDepth),
  WORKFORCE_MAX_DASHBOARD_RANGE_DAYS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3_660)
    .default(DEFAULT_WORKFORCE_SETTINGS.maxDashboardRangeDays),
  ...propertyTimeEnv,
});

/** Reads the workforce settings from the environment (the process's, unless one is given). */
export function parseWorkforceSettings(env?: Record<string, string | undefined>): WorkforceSettings {
  const parsed = parseEnv('workforce', workforceEnv, env);
  return {
    reviewIntervalMonths: parsed.WORKFORCE_REVIEW_INTERVAL_MONTHS,
    maxHierarchyDepth: parsed.WORKFORCE_MAX_HIERARCHY_DEPTH,
    maxDashboardRangeDays: parsed.WORKFORCE_MAX_DASHBOARD_RANGE_DAYS,
    timeZone: parsed.PROPERTY_TIME_ZONE,
  };
}

/** Named limits of the course catalogue. */
export const COURSE_RULES = {
  defaultPassingScore: 70,
  maxDurationHours: 1_000,
  maxValidityMonths: 120,
  maxListEntries: 100,
};

/** Named limits of recording training. */
export const TRAINING_RULES = {
  /** A completion may be dated this far ahead of the server clock (clock skew), not more */
  maxMinutesAhead: 5,
};

/** Named limits of performance reviews. */
export const REVIEW_RULES = {
  maxListEntries: 20,
  maxCommentLength: 2_000,
  /** A review may end this far ahead of the server clock (clock skew), not more */
  maxMinutesAhead: 5,
};

/** Named rules of hiring. */
export const STAFF_RULES = {
  /** A hire may be recorded ahead of the start date, but not further ahead than this */
  maxDaysHiredAhead: 180,
  maxListEntries: 50,
};
