import { ConfigError, parseEnv, z } from './index';
import {
  LocalTime,
  localClockSetting,
  operatingDayExpression,
  parseLocalClock,
  propertyTimeEnv,
} from './local-time';

const HOUR_MS = 3_600_000;
const SIX = { hour: 6, minute: 0 };
const iso = (date: Date) => date.toISOString();

describe('LocalTime', () => {
  const london = new LocalTime('Europe/London');
  const newYork = new LocalTime('America/New_York');
  const kolkata = new LocalTime('Asia/Kolkata');

  it('makes a gaming day over the spring-forward night 23 hours long, and one over fall-back 25 hours', () => {
    // London: clocks go 01:00 GMT -> 02:00 BST on 30 March 2025 and back 02:00 BST -> 01:00 GMT on 26 October
    const spring = london.operatingDayRange('2025-03-29', SIX);
    expect(iso(spring.from)).toBe('2025-03-29T06:00:00.000Z');
    expect(iso(spring.to)).toBe('2025-03-30T05:00:00.000Z');
    expect(spring.to.getTime() - spring.from.getTime()).toBe(23 * HOUR_MS);
    const fall = london.operatingDayRange('2025-10-25', SIX);
    expect(iso(fall.from)).toBe('2025-10-25T05:00:00.000Z');
    expect(iso(fall.to)).toBe('2025-10-26T06:00:00.000Z');
    expect(fall.to.getTime() - fall.from.getTime()).toBe(25 * HOUR_MS);
    // the days either side are 24 hours
    const before = london.operatingDayRange('2025-03-28', SIX);
    expect(before.to.getTime() - before.from.getTime()).toBe(24 * HOUR_MS);
    const after = newYork.operatingDayRange('2025-11-02', SIX);
    expect(after.to.getTime() - after.from.getTime()).toBe(24 * HOUR_MS);
    const nySpring = newYork.operatingDayRange('2025-03-08', SIX);
    expect(nySpring.to.getTime() - nySpring.from.getTime()).toBe(23 * HOUR_MS);
  });

  it('puts 05:59 and 06:01 local in different gaming days on both sides of a change and at +05:30', () => {
    for (const [zone, date] of [
      [newYork, '2025-03-08'], // EST
      [newYork, '2025-03-10'], // EDT
      [london, '2025-10-25'], // BST
      [london, '2025-10-27'], // GMT
      [kolkata, '2025-06-01'],
    ] as const) {
      const early = zone.instantOf(date, { hour: 5, minute: 59 });
      const late = zone.instantOf(date, { hour: 6, minute: 1 });
      expect(late.getTime() - early.getTime()).toBe(2 * 60_000);
      expect(zone.operatingDayOf(early, SIX)).toBe(zone.addDays(date, -1));
      expect(zone.operatingDayOf(late, SIX)).toBe(date);
      expect(zone.operatingDayStart(late, SIX)).toEqual(zone.instantOf(date, SIX));
    }
    expect(iso(kolkata.instantOf('2025-06-01', SIX))).toBe('2025-06-01T00:30:00.000Z');
    expect(kolkata.localDate(new Date('2025-05-31T18:29:00Z'))).toBe('2025-05-31');
    expect(kolkata.localDate(new Date('2025-05-31T18:30:00Z'))).toBe('2025-06-01');
  });

  it('resolves a time in the spring-forward gap forward and one in the fall-back overlap to its first occurrence', () => {
    // New York, 9 March 2025: 02:00 EST -> 03:00 EDT, so 02:30 does not exist
    expect(iso(newYork.instantOf('2025-03-09', { hour: 2, minute: 30 }))).toBe('2025-03-09T07:30:00.000Z');
    // 2 November 2025: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST)
    expect(iso(newYork.instantOf('2025-11-02', { hour: 1, minute: 30 }))).toBe('2025-11-02T05:30:00.000Z');
  });

  it('adds calendar days at the same local time, and finds the local start of a period of months', () => {
    expect(iso(london.plusDays(new Date('2025-03-29T12:00:00Z'), 1))).toBe('2025-03-30T11:00:00.000Z');
    expect(iso(london.plusDays(new Date('2025-10-27T12:00:00Z'), -2))).toBe('2025-10-25T11:00:00.000Z');
    // 01:30 on 2 November 2025 in New York happens twice: a day back from 01:30 EST on the 3rd is the first
    expect(iso(newYork.plusDays(new Date('2025-11-03T06:30:00Z'), -1))).toBe('2025-11-02T05:30:00.000Z');
    expect(iso(newYork.plusDays(new Date('2025-11-01T05:30:00Z'), 1))).toBe('2025-11-02T05:30:00.000Z');
    expect(iso(new LocalTime().plusDays(new Date('2025-03-29T12:00:00Z'), 90))).toBe(
      '2025-06-27T12:00:00.000Z',
    );
    expect(iso(newYork.periodStart(new Date('2025-05-10T12:00:00Z'), 3))).toBe('2025-04-01T04:00:00.000Z');
    expect(iso(newYork.periodStart(new Date('2025-01-01T03:00:00Z'), 3))).toBe('2024-10-01T04:00:00.000Z');
    expect(iso(kolkata.periodStart(new Date('2025-12-31T19:00:00Z'), 12))).toBe('2025-12-31T18:30:00.000Z');
  });

  it('lists the local days of a range, each with its own length', () => {
    const days = london.daysBetween(new Date('2025-03-29T12:00:00Z'), new Date('2025-03-31T12:00:00Z'));
    expect(days.map((d) => d.day)).toEqual(['2025-03-29', '2025-03-30', '2025-03-31']);
    expect(days.map((d) => (d.to.getTime() - d.from.getTime()) / HOUR_MS)).toEqual([24, 23, 24]);
    expect(iso(days[1]!.from)).toBe('2025-03-30T00:00:00.000Z');
    expect(iso(days[2]!.from)).toBe('2025-03-30T23:00:00.000Z');
    const india = kolkata.daysBetween(new Date('2025-06-01T00:00:00Z'), new Date('2025-06-01T20:00:00Z'));
    expect(india.map((d) => [d.day, iso(d.from)])).toEqual([
      ['2025-06-01', '2025-05-31T18:30:00.000Z'],
      ['2025-06-02', '2025-06-01T18:30:00.000Z'],
    ]);
  });

  it('finds the offset changes inside a range and none in UTC or India', () => {
    const segments = newYork.offsetSegments(
      new Date('2025-01-01T00:00:00Z'),
      new Date('2025-12-31T00:00:00Z'),
    );
    expect(segments.map((s) => [s.from && iso(s.from), s.offsetMs / HOUR_MS])).toEqual([
      [null, -5],
      ['2025-03-09T07:00:00.000Z', -4],
      ['2025-11-02T06:00:00.000Z', -5],
    ]);
    expect(new LocalTime().offsetSegments(new Date(0), new Date())).toEqual([{ from: null, offsetMs: 0 }]);
    expect(kolkata.offsetSegments(new Date(0), new Date())).toEqual([
      { from: null, offsetMs: 5.5 * HOUR_MS },
    ]);
  });

  it('adds months by the local calendar on both sides of a change, clamped to the month end', () => {
    // New York, 23:30 EDT on 31 March 2026 is 03:30Z on 1 April: twelve months on is 31 March 2027, not 1 April
    const lateMarch = newYork.plusMonths(new Date('2026-04-01T03:30:00Z'), 12);
    expect(iso(lateMarch)).toBe('2027-04-01T03:30:00.000Z');
    expect(newYork.localDate(lateMarch)).toBe('2027-03-31');
    // noon EST before the March change is noon EDT after it (an hour less in UTC), and back in November
    expect(iso(newYork.plusMonths(new Date('2026-02-10T17:00:00Z'), 1))).toBe('2026-03-10T16:00:00.000Z');
    expect(iso(newYork.plusMonths(new Date('2026-03-10T16:00:00Z'), -1))).toBe('2026-02-10T17:00:00.000Z');
    expect(iso(newYork.plusMonths(new Date('2025-10-15T16:00:00Z'), 1))).toBe('2025-11-15T17:00:00.000Z');
    // 02:30 does not exist on 8 March 2026 (forward by the gap: 03:30 EDT); 01:30 on 2 November 2025 is twice
    expect(iso(newYork.plusMonths(new Date('2026-02-08T07:30:00Z'), 1))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(newYork.plusMonths(new Date('2025-12-02T06:30:00Z'), -1))).toBe('2025-11-02T05:30:00.000Z');
    expect(iso(newYork.plusMonths(new Date('2025-10-02T05:30:00Z'), 1))).toBe('2025-11-02T05:30:00.000Z');
    // London: 00:30 BST on 15 October is still the 14th in UTC; a month on is 00:30 GMT on 15 November
    expect(iso(london.plusMonths(new Date('2025-10-14T23:30:00Z'), 1))).toBe('2025-11-15T00:30:00.000Z');
    expect(iso(london.plusMonths(new Date('2025-03-15T00:30:00Z'), 1))).toBe('2025-04-14T23:30:00.000Z');
    expect(iso(london.plusMonths(new Date('2025-01-31T23:30:00Z'), 1))).toBe('2025-02-28T23:30:00.000Z');
    expect(iso(london.plusMonths(new Date('2024-01-31T23:30:00Z'), 1))).toBe('2024-02-29T23:30:00.000Z');
    // India (+05:30): 03:00 on 31 January is 21:30Z on the 30th; a month on is 03:00 on 28 February
    expect(iso(kolkata.plusMonths(new Date('2026-01-30T21:30:00Z'), 1))).toBe('2026-02-27T21:30:00.000Z');
    expect(iso(kolkata.plusMonths(new Date('2026-03-30T18:45:00Z'), 1))).toBe('2026-04-29T18:45:00.000Z');
    // seconds and milliseconds stay; in UTC it is plain calendar arithmetic
    expect(iso(new LocalTime().plusMonths(new Date('2024-01-31T00:00:01.250Z'), 12))).toBe(
      '2025-01-31T00:00:01.250Z',
    );
    expect(iso(new LocalTime().plusMonths(new Date('2024-03-31T10:00:00Z'), -1))).toBe(
      '2024-02-29T10:00:00.000Z',
    );
  });

  it('counts local calendar days between instants, not 24-hour spans, on both sides of a change', () => {
    const days = (zone: LocalTime, from: string, to: string) =>
      zone.calendarDaysBetween(new Date(from), new Date(to));
    // New York: 23:50 and 00:10 the next local day are a day apart, in EST and in EDT
    expect(days(newYork, '2026-03-07T04:50:00Z', '2026-03-07T05:10:00Z')).toBe(1);
    expect(days(newYork, '2026-03-10T03:50:00Z', '2026-03-10T04:10:00Z')).toBe(1);
    // 23:50 EST on 7 March to 00:10 EDT on 9 March: 47h20m, two local days
    expect(days(newYork, '2026-03-08T04:50:00Z', '2026-03-09T04:10:00Z')).toBe(2);
    // 00:10 EDT to 23:50 EST on 2 November 2025: 24h40m within one local day
    expect(days(newYork, '2025-11-02T04:10:00Z', '2025-11-03T04:50:00Z')).toBe(0);
    expect(days(newYork, '2025-11-02T03:50:00Z', '2025-11-02T04:10:00Z')).toBe(1);
    // London: 23:50 GMT to 00:10 GMT, and 00:10 GMT to 23:50 BST on the spring-forward day
    expect(days(london, '2025-03-29T23:50:00Z', '2025-03-30T00:10:00Z')).toBe(1);
    expect(days(london, '2025-03-30T00:10:00Z', '2025-03-30T22:50:00Z')).toBe(0);
    expect(days(london, '2025-10-25T22:50:00Z', '2025-10-26T23:10:00Z')).toBe(1);
    // India: 23:50 IST to 00:10 IST is a day; 05:30 to 23:59 IST none; earlier to later is negative
    expect(days(kolkata, '2026-06-01T18:20:00Z', '2026-06-01T18:40:00Z')).toBe(1);
    expect(days(kolkata, '2026-06-01T00:00:00Z', '2026-06-01T18:29:00Z')).toBe(0);
    expect(days(kolkata, '2026-06-01T18:40:00Z', '2026-06-01T18:20:00Z')).toBe(-1);
    expect(days(kolkata, '2025-06-01T00:00:00Z', '2026-06-01T00:00:00Z')).toBe(365);
  });

  it('builds a constant-offset day expression where no change falls in the range', () => {
    const segments = kolkata.offsetSegments(
      new Date('2025-06-01T00:00:00Z'),
      new Date('2025-07-01T00:00:00Z'),
    );
    expect(operatingDayExpression('$at', segments, SIX)).toEqual({
      $dateToString: { format: '%Y-%m-%d', date: { $add: ['$at', 5.5 * HOUR_MS - 6 * HOUR_MS] } },
    });
  });
});

describe('settings', () => {
  it('reads local clock times as HH:MM or a whole hour', () => {
    expect(parseLocalClock('22:00')).toEqual({ hour: 22, minute: 0 });
    expect(parseLocalClock('8:30')).toEqual({ hour: 8, minute: 30 });
    expect(parseLocalClock('6')).toEqual({ hour: 6, minute: 0 });
    for (const bad of ['24', '12:60', '1230', 'noon', '']) expect(parseLocalClock(bad)).toBeNull();
    const schema = z.object({ AT: localClockSetting() });
    expect(() => parseEnv('svc', schema, { AT: '25:00' })).toThrow(/AT: must be a local time HH:MM/);
  });

  it('defaults the property time zone to UTC and refuses an unknown zone with a clear message', () => {
    const schema = z.object(propertyTimeEnv);
    expect(parseEnv('gaming', schema, {}).PROPERTY_TIME_ZONE).toBe('UTC');
    expect(parseEnv('gaming', schema, { PROPERTY_TIME_ZONE: 'Asia/Kolkata' }).PROPERTY_TIME_ZONE).toBe(
      'Asia/Kolkata',
    );
    let caught: unknown;
    try {
      parseEnv('gaming', schema, { PROPERTY_TIME_ZONE: 'Europe/Londn' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      'PROPERTY_TIME_ZONE: must be an IANA time zone name such as Europe/London, America/New_York or UTC',
    ]);
  });
});
