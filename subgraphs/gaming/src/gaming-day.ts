import { LocalTime, localWallExpression, operatingDayExpression } from '@casino/config';

/** Where a gaming day starts: the local hour in the property's time zone (an IANA name). */
export interface GamingDay {
  dayStartHour: number;
  timeZone: string;
}

const startOf = (gamingDay: GamingDay) => ({ hour: gamingDay.dayStartHour, minute: 0 });

/**
 * The gaming day of a date-valued field as 'YYYY-MM-DD', as a MongoDB expression, for values in `range`. A
 * gaming day starts at `dayStartHour` local time, so play at 02:00 belongs to the day before; the offset of
 * each value is the one in force then, so a gaming day over a daylight-saving change is 23 or 25 hours long.
 */
export function gamingDayExpression(
  field: string,
  gamingDay: GamingDay,
  range: { from: Date; to: Date },
): unknown {
  const segments = new LocalTime(gamingDay.timeZone).offsetSegments(range.from, range.to);
  return operatingDayExpression(field, segments, startOf(gamingDay));
}

/** A date-valued field moved to the property's wall clock, for `$hour` (values in `range`). */
export function localWallClockExpression(
  field: string,
  timeZone: string,
  range: { from: Date; to: Date },
): unknown {
  return localWallExpression(field, new LocalTime(timeZone).offsetSegments(range.from, range.to));
}

/** The same gaming day computed in Node (for tests and for labelling). */
export function gamingDayOf(at: Date, gamingDay: GamingDay): string {
  return new LocalTime(gamingDay.timeZone).operatingDayOf(at, startOf(gamingDay));
}
