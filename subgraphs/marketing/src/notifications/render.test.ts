import { checkVariables, render } from './render';
import { inQuietHours, releaseTime } from './quiet-hours';

describe('template variables', () => {
  it('needs every declared variable and renders them as text', () => {
    const values = checkVariables(['name', 'points', 'vip'], { name: 'Ayesha', points: 1500, vip: true });
    expect(values).toEqual({ name: 'Ayesha', points: '1500', vip: 'true' });
    expect(render('Hi {name}, {points} points ({vip}); {other} stays', values)).toBe(
      'Hi Ayesha, 1500 points (true); {other} stays',
    );
  });

  it('refuses missing, unknown and non-scalar variables on input.variables, naming them', () => {
    const problem = (given: unknown) => {
      try {
        checkVariables(['name'], given);
        return null;
      } catch (error) {
        return { ...(error as { extensions: object }).extensions, message: (error as Error).message };
      }
    };
    expect(problem({})).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.variables' });
    expect(problem({})!.message).toContain('{name}');
    expect(problem({ name: 'a', tier: 'VIP' })!.message).toContain('{tier}');
    expect(problem({ name: { nested: true } })!.message).toContain('{name}');
    expect(problem([1])).toMatchObject({ field: 'input.variables' });
    expect(checkVariables([], undefined)).toEqual({});
  });
});

describe('quiet hours', () => {
  const at = (hour: number, minute = 0) => new Date(Date.UTC(2026, 5, 10, hour, minute));

  const hours = (start: number | null, end: number | null) => ({
    start: start === null ? null : { hour: start, minute: 0 },
    end: end === null ? null : { hour: end, minute: 0 },
    timeZone: 'UTC',
  });
  it('wrap past midnight and defer to their end, the next day when needed', () => {
    const quiet = hours(22, 6);
    expect(inQuietHours(at(21, 59), quiet)).toBe(false);
    expect(inQuietHours(at(22), quiet)).toBe(true);
    expect(inQuietHours(at(5, 59), quiet)).toBe(true);
    expect(inQuietHours(at(6), quiet)).toBe(false);
    expect(releaseTime(at(23, 30), quiet, false)).toEqual(new Date(Date.UTC(2026, 5, 11, 6)));
    expect(releaseTime(at(2), quiet, false)).toEqual(at(6));
    expect(releaseTime(at(12), quiet, false)).toEqual(at(12));
  });

  it('within one day, and never for critical priority or when unset', () => {
    expect(releaseTime(at(13), hours(12, 14), false)).toEqual(at(14));
    expect(releaseTime(at(13), hours(12, 14), true)).toEqual(at(13));
    expect(releaseTime(at(13), hours(null, null), false)).toEqual(at(13));
    expect(releaseTime(at(13), hours(5, 5), false)).toEqual(at(13));
  });
});
