import { openVisitKey, visitDay } from './guest-service';

describe("a walk-in visit's day", () => {
  it("is the local date in the property's time zone", () => {
    // +05:30: 18:29 UTC is 23:59 local, 18:30 UTC the next day's 00:00
    expect(visitDay(new Date('2025-06-01T18:29:00Z'), 'Asia/Kolkata')).toBe('2025-06-01');
    expect(visitDay(new Date('2025-06-01T18:30:00Z'), 'Asia/Kolkata')).toBe('2025-06-02');
    // New York on both sides of the spring-forward change: local midnight is 05:00 UTC, then 04:00 UTC
    expect(visitDay(new Date('2025-03-08T04:59:00Z'), 'America/New_York')).toBe('2025-03-07');
    expect(visitDay(new Date('2025-03-08T05:00:00Z'), 'America/New_York')).toBe('2025-03-08');
    expect(visitDay(new Date('2025-03-10T03:59:00Z'), 'America/New_York')).toBe('2025-03-09');
    expect(visitDay(new Date('2025-03-10T04:00:00Z'), 'America/New_York')).toBe('2025-03-10');
    // UTC by default
    expect(visitDay(new Date('2025-06-01T23:59:00Z'))).toBe('2025-06-01');
    expect(openVisitKey('idx', new Date('2025-06-01T18:30:00Z'), 'Asia/Kolkata')).toBe('idx:2025-06-02');
  });
});
