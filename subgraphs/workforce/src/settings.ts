import { parseEnv, z } from '@casino/config';

/** Tunable rules of the workforce domain, with their defaults. */
export interface WorkforceSettings {
  /** Months between performance reviews; the first review is due this long after the hire date */
  reviewIntervalMonths: number;
}

export const DEFAULT_WORKFORCE_SETTINGS: WorkforceSettings = {
  reviewIntervalMonths: 12,
};

const workforceEnv = z.object({
  WORKFORCE_REVIEW_INTERVAL_MONTHS: z.coerce
    .number()
    .int()
    .min(1)
    .max(60)
    .default(DEFAULT_WORKFORCE_SETTINGS.reviewIntervalMonths),
});

/** Reads the workforce settings from the environment (the process's, unless one is given). */
export function parseWorkforceSettings(env?: Record<string, string | undefined>): WorkforceSettings {
  const parsed = parseEnv('workforce', workforceEnv, env);
  return { reviewIntervalMonths: parsed.WORKFORCE_REVIEW_INTERVAL_MONTHS };
}
