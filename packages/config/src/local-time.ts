import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * The property's local time: every day boundary (gaming day, quiet hours, dashboard days, report periods,
 * expiry dates) is a wall-clock time in one IANA zone, correct across daylight-saving changes.
 *
 * Luxon reads the zone rules from the runtime's Intl data (the full IANA database in Node), so no offset table
 * is kept here. Two resolutions are this module's own and hold everywhere:
 * - a local time that does not exist (the spring-forward gap) names the instant as far after the gap's start
 *   as the time is after the last valid time: 02:30 on a night the clocks jump 02:00 to 03:00 is 03:30;
 * - a local time that happens twice (the fall-back overlap) names its first occurrence (the earlier instant).
 */

/** A wall-clock time of day, local to the property. */
export interface LocalClock {
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_SPAN_MS = 86_400_000;
/** Offsets change at most twice a year; a step of a week never jumps over two changes. */
const SCAN_STEP_MS = 7 * DAY_SPAN_MS;

/** Whether `name` is a time zone the runtime knows (IANA names such as `Europe/London`, and `UTC`). */
export function isValidTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

/** `HH:MM` (or a whole hour `H`, read as `H:00`), each part in range; null for anything else. */
export function parseLocalClock(text: string): LocalClock | null {
  const match = /^(\d{1,2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  if (hour > 23 || minute > 59) return null;
  return { hour, minute };
}

/** `HH:MM` of a clock time. */
export function formatLocalClock(clock: LocalClock): string {
  return `${String(clock.hour).padStart(2, '0')}:${String(clock.minute).padStart(2, '0')}`;
}

/** A zod setting of a local clock time: `HH:MM`, or a whole hour (`22` reads as `22:00`). */
export function localClockSetting() {
  return z.string().transform((value, ctx) => {
    const clock = parseLocalClock(value);
    if (!clock) {
      ctx.addIssue({ code: 'custom', message: `must be a local time HH:MM (00:00-23:59) or an hour 0-23` });
      return z.NEVER;
    }
    return clock;
  });
}

/** Where the property's time zone is UTC unless PROPERTY_TIME_ZONE names another. */
export const DEFAULT_PROPERTY_TIME_ZONE = 'UTC';

/** The property's time zone, shared by every service that computes a day boundary. */
export const propertyTimeEnv = {
  PROPERTY_TIME_ZONE: z
    .string()
    .default(DEFAULT_PROPERTY_TIME_ZONE)
    .refine(isValidTimeZone, {
      message: 'must be an IANA time zone name such as Europe/London, America/New_York or UTC',
    })
    .describe(
      "The property's IANA time zone (e.g. `Europe/London`, `America/New_York`, `Asia/Kolkata`): gaming days, " +
        'notification quiet hours, dashboard days, report periods and expiry dates are local to it, across ' +
        'daylight-saving changes',
    ),
};

/** A span of the property's offset from UTC: from `from` (inclusive; null from the start of time) on. */
export interface OffsetSegment {
  from: Date | null;
  offsetMs: number;
}

/** One local day: its date and the instants it spans, [from, to). */
export interface LocalDay {
  day: string;
  from: Date;
  to: Date;
}

/** Local-day arithmetic in one time zone. Immutable; build one per process from the settings. */
export class LocalTime {
  private readonly zone: IANAZone;

  constructor(readonly timeZone: string = DEFAULT_PROPERTY_TIME_ZONE) {
    if (!isValidTimeZone(timeZone)) throw new Error(`unknown time zone: ${timeZone}`);
    this.zone = IANAZone.create(timeZone);
  }

  private at(instant: Date): DateTime {
    return DateTime.fromMillis(instant.getTime(), { zone: this.zone });
  }

  /** The offset from UTC in force at an instant, in milliseconds (positive east of Greenwich). */
  offsetMs(instant: Date): number {
    return this.zone.offset(instant.getTime()) * MINUTE_MS;
  }

  /** The local calendar date of an instant, `YYYY-MM-DD`. */
  localDate(instant: Date): string {
    return this.at(instant).toISODate()!;
  }

  /** The local wall-clock time of an instant. */
  localClock(instant: Date): LocalClock {
    const local = this.at(instant);
    return { hour: local.hour, minute: local.minute };
  }

  /**
   * The instant at the same local wall-clock time `days` calendar days later (earlier when negative): across a
   * daylight-saving change that is 23 or 25 hours per day crossed, not 24. A time that does not exist on the
   * target day moves forward by the gap's length, one that happens twice names its first occurrence.
   */
  plusDays(instant: Date, days: number): Date {
    return this.resolve(this.at(instant).plus({ days }));
  }

  /**
   * The instant at the same local wall-clock time on the same local calendar date `months` later (earlier when
   * negative), clamped to the last day of a shorter month (31 January + 1 month is 28 or 29 February): an expiry
   * or due date N months after an instant, by the property's calendar. A time that does not exist on the target
   * date moves forward by the gap's length, one that happens twice names its first occurrence.
   */
  plusMonths(instant: Date, months: number): Date {
    const target = this.at(instant).plus({ months });
    return this.resolve(target);
  }

  /**
   * Local calendar days from the day of `from` to the day of `to` (negative when `to` is on an earlier day): a
   * visit at 23:50 local and now at 00:10 the next local day are 1 day apart, 24 hours within one local day 0 or
   * 1 whatever the daylight-saving changes between.
   */
  calendarDaysBetween(from: Date, to: Date): number {
    const start = DateTime.fromISO(this.localDate(from), { zone: 'UTC' });
    const end = DateTime.fromISO(this.localDate(to), { zone: 'UTC' });
    return Math.round(end.diff(start, 'days').days);
  }

  /** The first instant of the local month of an instant whose month counted from January is a multiple of `months`. */
  periodStart(instant: Date, months: number): Date {
    const local = this.at(instant);
    const month = local.month - ((local.month - 1) % months);
    return this.instantOf(`${String(local.year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`);
  }

  /** The date `days` calendar days after (or before) a `YYYY-MM-DD` date. */
  addDays(date: string, days: number): string {
    return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;
  }

  /**
   * The instant a local date and wall-clock time name. A time in a spring-forward gap resolves forward (by the
   * gap's length), a time in a fall-back overlap to its first occurrence.
   */
  instantOf(date: string, clock: LocalClock = { hour: 0, minute: 0 }): Date {
    const [year, month, day] = date.split('-').map(Number);
    const local = DateTime.fromObject(
      { year, month, day, hour: clock.hour, minute: clock.minute },
      { zone: this.zone },
    );
    if (!local.isValid) throw new Error(`not a local date: ${date}`);
    return this.resolve(local);
  }

  /**
   * The instant a local wall-clock reading names: the first of two in a fall-back overlap; in a spring-forward
   * gap Luxon's own reading, forward by the gap's length.
   */
  private resolve(local: DateTime): Date {
    const candidates = local.getPossibleOffsets();
    const first = candidates.length > 0 ? Math.min(...candidates.map((c) => c.toMillis())) : local.toMillis();
    return new Date(first);
  }

  /** The instant a local day starts (local midnight, or the first instant after a midnight gap). */
  startOfDay(date: string): Date {
    return this.instantOf(date);
  }

  /**
   * The operating day an instant belongs to, `YYYY-MM-DD`: a day that starts at the local time `dayStart`
   * (a gaming day starting at 06:00: play at 02:00 local belongs to the day before). Decided by the local wall
   * clock, as operatingDayExpression decides in MongoDB; a day start inside the hour a fall-back repeats (say
   * 01:30 where clocks go back at 02:00) would put the repeated minutes before it in the day before, so keep
   * the start outside the changeover hours (zones change between 00:00 and 03:00 local).
   */
  operatingDayOf(instant: Date, dayStart: LocalClock): string {
    const local = this.at(instant);
    const date = local.toISODate()!;
    const beforeStart =
      local.hour < dayStart.hour || (local.hour === dayStart.hour && local.minute < dayStart.minute);
    return beforeStart ? this.addDays(date, -1) : date;
  }

  /** The instants an operating day spans, [from, to): 23 hours over a spring-forward night, 25 over fall-back. */
  operatingDayRange(day: string, dayStart: LocalClock): { from: Date; to: Date } {
    return { from: this.instantOf(day, dayStart), to: this.instantOf(this.addDays(day, 1), dayStart) };
  }

  /** The instant the operating day containing `instant` started. */
  operatingDayStart(instant: Date, dayStart: LocalClock): Date {
    return this.instantOf(this.operatingDayOf(instant, dayStart), dayStart);
  }

  /**
   * The operating days [from, to) touches, in order, each with the instants it spans (the first and last ones
   * whole, even where the range starts or ends inside them).
   */
  daysBetween(from: Date, to: Date, dayStart: LocalClock = { hour: 0, minute: 0 }): LocalDay[] {
    const days: LocalDay[] = [];
    if (to.getTime() <= from.getTime()) return days;
    let day = this.operatingDayOf(from, dayStart);
    let start = this.instantOf(day, dayStart);
    while (start.getTime() < to.getTime()) {
      const next = this.addDays(day, 1);
      const end = this.instantOf(next, dayStart);
      days.push({ day, from: start, to: end });
      day = next;
      start = end;
    }
    return days;
  }

  /**
   * The first instant at or after `instant` whose local wall-clock time is `clock` (today's if it has not
   * passed yet, else tomorrow's), resolved as instantOf resolves gaps and overlaps.
   */
  nextAt(instant: Date, clock: LocalClock): Date {
    const today = this.instantOf(this.localDate(instant), clock);
    if (today.getTime() >= instant.getTime()) return today;
    return this.instantOf(this.addDays(this.localDate(instant), 1), clock);
  }

  /**
   * The offsets in force over [from, to], each from the instant it took effect: one segment where no change
   * falls in the range (always so in UTC or a zone without daylight saving). The last segment goes on past
   * `to`, the first one back before `from`.
   */
  offsetSegments(from: Date, to: Date): OffsetSegment[] {
    const segments: OffsetSegment[] = [{ from: null, offsetMs: this.offsetMs(from) }];
    const [start, end] = [from.getTime(), Math.max(from.getTime(), to.getTime())];
    const lastYear = new Date(end).getUTCFullYear();
    for (let year = new Date(start).getUTCFullYear(); year <= lastYear; year++) {
      for (const change of this.changesIn(year)) {
        if (change.at > start && change.at <= end) {
          segments.push({ from: new Date(change.at), offsetMs: change.offsetMinutes * MINUTE_MS });
        }
      }
    }
    return segments;
  }

  /**
   * The offset changes in a UTC calendar year, each the first millisecond of its new offset. Found once per
   * zone and year (Intl answers an offset in tens of microseconds, and a scan of a year asks about a hundred
   * times), then kept for the process: zone rules do not change while it runs.
   */
  private changesIn(year: number): readonly { at: number; offsetMinutes: number }[] {
    const key = `${this.timeZone}:${year}`;
    const known = CHANGES_BY_ZONE_YEAR.get(key);
    if (known) return known;
    const changes: { at: number; offsetMinutes: number }[] = [];
    const yearEnd = Date.UTC(year + 1, 0, 1);
    let at = Date.UTC(year, 0, 1);
    while (at < yearEnd) {
      const next = Math.min(at + SCAN_STEP_MS, yearEnd);
      let before = at;
      let after = next;
      const offsetBefore = this.zone.offset(before);
      if (offsetBefore !== this.zone.offset(after)) {
        // the change lies in (before, after]: halve to the millisecond
        while (after - before > 1) {
          const mid = Math.floor((before + after) / 2);
          if (this.zone.offset(mid) === offsetBefore) before = mid;
          else after = mid;
        }
        changes.push({ at: after, offsetMinutes: this.zone.offset(after) });
        at = after;
      } else {
        at = next;
      }
    }
    CHANGES_BY_ZONE_YEAR.set(key, changes);
    return changes;
  }
}

const CHANGES_BY_ZONE_YEAR = new Map<string, readonly { at: number; offsetMinutes: number }[]>();

/** The offset in force at a date-valued MongoDB expression, from the segments of a range (milliseconds). */
export function offsetExpression(field: unknown, segments: readonly OffsetSegment[]): unknown {
  let expression: unknown = segments[segments.length - 1]!.offsetMs;
  for (let i = segments.length - 1; i > 0; i--) {
    expression = { $cond: [{ $lt: [field, segments[i]!.from] }, segments[i - 1]!.offsetMs, expression] };
  }
  return expression;
}

/**
 * A date-valued MongoDB expression moved to the property's wall clock (minus `shiftMs`), for `$dateToString`
 * and `$hour` in UTC: the offset is the one in force at each value, so a daylight-saving change inside the
 * range is honoured. A `timezone` option would not do: mongo-java-server (the embedded store) reads it on
 * `$dateToString` and `$hour` but has no `$dateTrunc`, and a gaming day starting at 06:00 is the local date
 * of the wall clock six hours back, which no operator's `timezone` expresses (subtracting six real hours
 * first puts 06:30 on a spring-forward morning in the day before).
 */
export function localWallExpression(
  field: unknown,
  segments: readonly OffsetSegment[],
  shiftMs = 0,
): unknown {
  const offset = offsetExpression(field, segments);
  return typeof offset === 'number'
    ? { $add: [field, offset - shiftMs] }
    : { $add: shiftMs === 0 ? [field, offset] : [field, offset, -shiftMs] };
}

/**
 * The operating day (`YYYY-MM-DD`) of a date-valued MongoDB expression, a day starting at the local time
 * `dayStart`, for values in the range the segments cover.
 */
export function operatingDayExpression(
  field: unknown,
  segments: readonly OffsetSegment[],
  dayStart: LocalClock,
): unknown {
  const shiftMs = (dayStart.hour * 60 + dayStart.minute) * MINUTE_MS;
  return { $dateToString: { format: '%Y-%m-%d', date: localWallExpression(field, segments, shiftMs) } };
}
