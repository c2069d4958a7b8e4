import { GraphQLError } from 'graphql';
import { checkDateRange } from './date-range';

const day = (d: number) => new Date(Date.UTC(2026, 0, d));

function refusal(run: () => void): { message: string; field: unknown; code: unknown } | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    return { message: error.message, field: error.extensions.field, code: error.extensions.code };
  }
}

describe('checkDateRange', () => {
  it('accepts a range up to the limit', () => {
    expect(refusal(() => checkDateRange({ from: day(1), to: day(31) }, 30))).toBeNull();
  });

  it('refuses a range longer than the limit, naming its end', () => {
    expect(refusal(() => checkDateRange({ from: day(1), to: day(32) }, 30))).toEqual({
      message: 'range.to: the range must not exceed 30 days',
      field: 'range.to',
      code: 'BAD_USER_INPUT',
    });
  });

  it('refuses an empty or reversed range, with the caller’s field names', () => {
    const fields = { from: 'from', to: 'to' };
    expect(refusal(() => checkDateRange({ from: day(2), to: day(2) }, 30, fields))).toEqual({
      message: 'to: must be after from',
      field: 'to',
      code: 'BAD_USER_INPUT',
    });
    expect(refusal(() => checkDateRange({ from: day(3), to: day(2) }, 30))?.message).toBe(
      'range.to: must be after range.from',
    );
    const window = { from: 'window.from', to: 'window.to', name: 'window' };
    expect(refusal(() => checkDateRange({ from: day(1), to: day(9) }, 7, window))?.message).toBe(
      'window.to: the window must not exceed 7 days',
    );
  });

  it("counts the days in the property's time zone, 23 or 25 hours over a daylight-saving change", () => {
    const at = (iso: string) => new Date(iso);
    const london = (from: string, to: string) =>
      refusal(() => checkDateRange({ from: at(from), to: at(to) }, 2, undefined, 'Europe/London'))?.field ??
      null;
    // two local days from midnight BST on 25 October 2025 end at midnight GMT on the 27th: 49 hours
    expect(london('2025-10-24T23:00:00Z', '2025-10-27T00:00:00Z')).toBeNull();
    expect(london('2025-10-24T23:00:00Z', '2025-10-27T00:00:01Z')).toBe('range.to');
    // over spring-forward (30 March) two local days are 47 hours
    expect(london('2025-03-29T00:00:00Z', '2025-03-30T23:00:00Z')).toBeNull();
    expect(london('2025-03-29T00:00:00Z', '2025-03-31T00:00:00Z')).toBe('range.to');
  });
});
