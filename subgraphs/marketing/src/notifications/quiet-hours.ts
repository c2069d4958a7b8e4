/** Quiet hours as UTC hours: start inclusive, end exclusive; wraps past midnight when start > end. */
export interface QuietHours {
  start: number | null;
  end: number | null;
}

const HOUR_MS = 3_600_000;

/** Whether an instant falls in the quiet hours (never when they are unset or empty). */
export function inQuietHours(at: Date, quiet: QuietHours): boolean {
  const { start, end } = quiet;
  if (start === null || end === null || start === end) return false;
  const hour = at.getUTCHours();
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

/**
 * When a send due at `at` may go out: at once outside the quiet hours (or for critical priority), else at
 * the end of the quiet hours it falls in.
 */
export function releaseTime(at: Date, quiet: QuietHours, critical: boolean): Date {
  if (critical || !inQuietHours(at, quiet)) return at;
  const end = quiet.end!;
  const dayStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  const sameDayEnd = dayStart + end * HOUR_MS;
  return new Date(at.getTime() < sameDayEnd ? sameDayEnd : sameDayEnd + 24 * HOUR_MS);
}
