import { badUserInput } from '@casino/errors';
import { LocalTime } from '@casino/config';

/** Where a range's ends sit in the operation's arguments, for the error's `field`. */
export interface RangeFields {
  from: string;
  to: string;
  /** What the refusal calls the range ("range" unless given). */
  name?: string;
}

/**
 * A dashboard's or report's date range: `to` after `from`, and no longer than `maxDays` (the subgraph's
 * `maxDashboardRangeDays`) local calendar days in `timeZone` (the property's; a day over a daylight-saving
 * change is 23 or 25 hours), else BAD_USER_INPUT naming `to`.
 */
export function checkDateRange(
  range: { from: Date; to: Date },
  maxDays: number,
  fields: RangeFields = { from: 'range.from', to: 'range.to' },
  timeZone = 'UTC',
): void {
  const span = range.to.getTime() - range.from.getTime();
  if (span <= 0) throw badUserInput(fields.to, `must be after ${fields.from}`);
  if (range.to.getTime() > new LocalTime(timeZone).plusDays(range.from, maxDays).getTime())
    throw badUserInput(fields.to, `the ${fields.name ?? 'range'} must not exceed ${maxDays} days`);
}

/** What a dashboard's range is checked against: every subgraph's settings carry both. */
export interface DashboardRangeSettings {
  /** The longest range a dashboard covers, in local calendar days */
  maxDashboardRangeDays: number;
  /** The property's time zone, in which those days are counted */
  timeZone: string;
}

/** A dashboard's `range` argument, checked by checkDateRange against the subgraph's settings. */
export function checkDashboardRange(range: { from: Date; to: Date }, settings: DashboardRangeSettings): void {
  checkDateRange(range, settings.maxDashboardRangeDays, undefined, settings.timeZone);
}
