import { inQuietHours, releaseTime } from './quiet-hours';

const quiet = (timeZone: string) => ({
  start: { hour: 22, minute: 0 },
  end: { hour: 8, minute: 30 },
  timeZone,
});
const at = (iso: string) => new Date(iso);

describe('quiet hours 22:00-08:30 local', () => {
  it.each([
    // London in winter (GMT) and in summer (BST), either side of the 30 March 2025 change
    { zone: 'Europe/London', sent: '2025-03-28T23:15:00Z', release: '2025-03-29T08:30:00Z' },
    { zone: 'Europe/London', sent: '2025-03-31T22:15:00Z', release: '2025-04-01T07:30:00Z' },
    // the night of the change itself: 22:15 GMT, released 08:30 BST, 9 h 15 min later on the clock, 8 h 15 real
    { zone: 'Europe/London', sent: '2025-03-29T22:15:00Z', release: '2025-03-30T07:30:00Z' },
    // and of fall-back: 23:00 BST, released 08:30 GMT
    { zone: 'Europe/London', sent: '2025-10-25T22:00:00Z', release: '2025-10-26T08:30:00Z' },
    // after midnight, before the end: the same morning
    { zone: 'America/New_York', sent: '2025-03-09T08:00:00Z', release: '2025-03-09T12:30:00Z' }, // 04:00 EDT
    { zone: 'America/New_York', sent: '2025-03-08T09:00:00Z', release: '2025-03-08T13:30:00Z' }, // 04:00 EST
    // +05:30: 22:00 local is 16:30 UTC, 08:30 local is 03:00 UTC
    { zone: 'Asia/Kolkata', sent: '2025-06-01T16:30:00Z', release: '2025-06-02T03:00:00Z' },
    { zone: 'Asia/Kolkata', sent: '2025-06-01T02:59:00Z', release: '2025-06-01T03:00:00Z' },
  ])('defers a send at $sent in $zone to 08:30 local ($release)', ({ zone, sent, release }) => {
    expect(inQuietHours(at(sent), quiet(zone))).toBe(true);
    expect(releaseTime(at(sent), quiet(zone), false)).toEqual(at(release));
    expect(releaseTime(at(sent), quiet(zone), true)).toEqual(at(sent));
  });

  it.each([
    { zone: 'Europe/London', sent: '2025-03-28T21:59:00Z' }, // 21:59 GMT
    { zone: 'Europe/London', sent: '2025-03-31T20:59:00Z' }, // 21:59 BST
    { zone: 'Europe/London', sent: '2025-03-31T07:30:00Z' }, // 08:30 BST: the end is exclusive
    { zone: 'Asia/Kolkata', sent: '2025-06-01T03:00:00Z' }, // 08:30 IST
    { zone: 'Asia/Kolkata', sent: '2025-06-01T16:29:00Z' }, // 21:59 IST
  ])('lets a send at $sent in $zone go at once', ({ zone, sent }) => {
    expect(inQuietHours(at(sent), quiet(zone))).toBe(false);
    expect(releaseTime(at(sent), quiet(zone), false)).toEqual(at(sent));
  });

  it('has none when unset or empty', () => {
    const none = { start: null, end: null, timeZone: 'UTC' };
    expect(inQuietHours(at('2025-06-01T23:00:00Z'), none)).toBe(false);
    const empty = { start: { hour: 22, minute: 0 }, end: { hour: 22, minute: 0 }, timeZone: 'UTC' };
    expect(inQuietHours(at('2025-06-01T22:00:00Z'), empty)).toBe(false);
  });
});
