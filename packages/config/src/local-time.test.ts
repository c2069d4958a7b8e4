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
