import { randomUUID } from 'node:crypto';
import { toMoney } from '@casino/mongo';
import { createGamingSubgraph } from '../index';
import { DEFAULT_GAMING_SETTINGS } from '../settings';
import { insertGameTypes, insertSessions, sessionFixture, standardGameTypes } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ComplianceAmlCashDocument } from '../__generated__/operations';

const DASHBOARD = /* GraphQL */ `
  query Dashboard($range: DateRangeInput!) {
    gamingDashboard(range: $range) {
      byDay {
        day
        performance {
          sessionCount
        }
      }
    }
  }
`;

/**
 * Gaming days in the property's time zone: New York changes to daylight time on 9 March 2025 (02:00 EST ->
 * 03:00 EDT) and back on 2 November (02:00 EDT -> 01:00 EST); Kolkata is +05:30 all year.
 */
describe.each([
  {
    zone: 'America/New_York',
    // 05:59 and 06:01 local on each side of both changes, with the change inside one queried range
    pairs: [
      { day: '2025-03-08', early: '2025-03-08T10:59:00Z', late: '2025-03-08T11:01:00Z' }, // EST
      { day: '2025-03-10', early: '2025-03-10T09:59:00Z', late: '2025-03-10T10:01:00Z' }, // EDT
      { day: '2025-11-01', early: '2025-11-01T09:59:00Z', late: '2025-11-01T10:01:00Z' }, // EDT
      { day: '2025-11-03', early: '2025-11-03T10:59:00Z', late: '2025-11-03T11:01:00Z' }, // EST
    ],
    ranges: [
      { from: '2025-03-07T00:00:00.000Z', to: '2025-03-12T00:00:00.000Z' },
      { from: '2025-10-31T00:00:00.000Z', to: '2025-11-05T00:00:00.000Z' },
    ],
  },
  {
    zone: 'Asia/Kolkata',
    pairs: [{ day: '2025-06-01', early: '2025-06-01T00:29:00Z', late: '2025-06-01T00:31:00Z' }],
    ranges: [{ from: '2025-05-31T00:00:00.000Z', to: '2025-06-02T00:00:00.000Z' }],
  },
])('gaming days in $zone', ({ zone, pairs, ranges }) => {
  let harness: SubgraphHarness;
  const types = standardGameTypes();
  const members = pairs.map(() => randomUUID());
  const previousDay = (day: string) =>
    new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    harness = await startSubgraphHarness(
      createGamingSubgraph({ ...DEFAULT_GAMING_SETTINGS, gamingDayStartHour: 6, timeZone: zone }),
    );
    await insertGameTypes(harness.db, Object.values(types));
    await insertSessions(
      harness.db,
      pairs.flatMap((pair, i) =>
        [pair.early, pair.late].map((at) =>
          sessionFixture(types.baccarat, {
            member_id: members[i]!,
            session_start: new Date(at),
            session_end: null,
            buy_in_amount: toMoney('100.00'),
            cash_out_amount: null,
            net_result: null,
            theo: null,
            status: 'active',
          }),
        ),
      ),
    );
  });
  afterAll(() => harness.close());

  it('assigns a 05:59 and a 06:01 local cash-in to different gaming days', async () => {
    const days: { memberId: string; gamingDay: string; transactions: { at: string }[] }[] = [];
    for (const range of ranges) {
      const result = await harness.execute(ComplianceAmlCashDocument, { ...range, dayStartHour: 6 });
      expect(result.errors).toBeUndefined();
      days.push(...(result.data!.amlCashSummary as typeof days));
    }
    const expected = pairs.flatMap((pair, i) => [
      { memberId: members[i], gamingDay: previousDay(pair.day), at: new Date(pair.early).toISOString() },
      { memberId: members[i], gamingDay: pair.day, at: new Date(pair.late).toISOString() },
    ]);
    expect(
      days.map((d) => ({ memberId: d.memberId, gamingDay: d.gamingDay, at: d.transactions[0]!.at })),
    ).toEqual(expect.arrayContaining(expected));
    expect(days).toHaveLength(expected.length);
  });

  it("labels a dashboard range's days as local gaming days", async () => {
    for (const range of ranges) {
      const result = await harness.execute(DASHBOARD, { range });
      expect(result.errors).toBeUndefined();
      const inRange = pairs.filter((p) => p.early >= range.from && p.late < range.to);
      const byDay = (result.data!.gamingDashboard as { byDay: { day: string }[] }).byDay;
      expect(byDay.map((d) => d.day)).toEqual(inRange.flatMap((p) => [previousDay(p.day), p.day]).sort());
    }
  });
});
