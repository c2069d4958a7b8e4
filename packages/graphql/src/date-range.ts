import { badUserInput } from '@casino/errors';
import { DAY_MS } from '@casino/config';

/** Where a range's ends sit in the operation's arguments, for the error's `field`. */
export interface RangeFields {
  from: string;
  to: string;
  /** What the refusal calls the range ("range" unless given). */
  name?: string;
}

/**
 * A dashboard's or report's date range: `to` after `from`, and no longer than `maxDays` (the subgraph's
 * `maxDashboardRangeDays`), else BAD_USER_INPUT naming `to`.
 */
export function checkDateRange(
  range: { from: Date; to: Date },
  maxDays: number,
  fields: RangeFields = { from: 'range.from', to: 'range.to' },
): void {
  const span = range.to.getTime() - range.from.getTime();
  if (span <= 0) throw badUserInput(fields.to, `must be after ${fields.from}`);
  if (span > maxDays * DAY_MS)
    throw badUserInput(fields.to, `the ${fields.name ?? 'range'} must not exceed ${maxDays} days`);
}
