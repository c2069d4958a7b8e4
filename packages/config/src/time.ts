/** One day in milliseconds: day counts in settings and ranges become instants with it (UTC days, no DST). */
export const DAY_MS = 86_400_000;

/**
 * The same UTC calendar day `months` later (or earlier, when negative), clamped to the last day of a shorter month
 * (31 January + 1 month is 28 or 29 February, not 2 or 3 March).
 */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}
