import { LocalTime } from '@casino/config';
import type { LocalClock } from '@casino/config';

/**
 * Quiet hours as local wall-clock times in the property's time zone: start inclusive, end exclusive; wraps
 * past midnight when start is after end.
 */
export interface QuietHours {
  start: LocalClock | null;
  end: LocalClock | null;
  /** The property's IANA time zone the times are read in */
  timeZone: string;
}

const minutesOf = (clock: LocalClock) => clock.hour * 60 + clock.minute;

/** Whether an instant falls in the quiet hours (never when they are unset or empty). */
export function inQuietHours(at: Date, quiet: QuietHours): boolean {
  const { start, end } = quiet;
  if (start === null || end === null || minutesOf(start) === minutesOf(end)) return false;
  const now = minutesOf(new LocalTime(quiet.timeZone).localClock(at));
  const [from, to] = [minutesOf(start), minutesOf(end)];
  return from < to ? now >= from && now < to : now >= from || now < to;
}

/**
 * When a send due at `at` may go out: at once outside the quiet hours (or for critical priority), else when
 * the local clock next reads the end of the quiet hours (on a daylight-saving night an end inside the
 * skipped hour is the instant after the gap, as LocalTime resolves it).
 */
export function releaseTime(at: Date, quiet: QuietHours, critical: boolean): Date {
  if (critical || !inQuietHours(at, quiet)) return at;
  return new LocalTime(quiet.timeZone).nextAt(at, quiet.end!);
}
