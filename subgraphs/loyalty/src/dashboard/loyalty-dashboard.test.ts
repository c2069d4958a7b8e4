import { randomUUID } from 'node:crypto';
import { loyaltySubgraph } from '../index';
import type { LedgerBalance, LedgerEntryType } from '../points/ledger-store';
import { ledgerEntry } from '../points/points-ledger';
import type { MemberDocument } from '../members/member-store';
import { admin, memberDocument, rewardDocument } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { LOYALTY_POINTS_FIGURES } from '../testing/dashboard';

const DASHBOARD = /* GraphQL */ `
  query ($range: DateRangeInput!) {
    loyaltyDashboard(range: $range) {
      from
      to
      ...PointsFigures
    }
  }
  ${LOYALTY_POINTS_FIGURES}
`;

const IN = new Date('2026-03-10T00:00:00Z');
const OUT = new Date('2025-12-10T00:00:00Z');
const RANGE = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

describe('loyaltyDashboard', () => {
  let harness: SubgraphHarness;

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
    const db = harness.db;
    const members: MemberDocument[] = [
      memberDocument({ tier: 'Ruby', registration_date: IN, last_visit: IN, points_balance: 100 }),
      memberDocument({ tier: 'Ruby', registration_date: OUT, last_visit: OUT, points_balance: 50 }),
      memberDocument({ tier: 'Diamond', registration_date: OUT, last_visit: IN, points_balance: 1_000 }),
      memberDocument({ tier: 'VIP', registration_date: IN, last_visit: null, points_balance: 0 }),
    ];
    await db.collection('members').insertMany(members.map((m) => ({ ...m })));
    const entries: [LedgerEntryType, string, number, Date][] = [
      ['earn', 'gaming_session', 400, IN],
      ['earn', 'gaming_session', 600, IN],
      ['earn', 'gaming_session', 9_999, OUT],
      ['redeem', 'redemption', -300, IN],
      ['redeem', 'redemption', -100, IN],
      ['reverse', 'redemption', 100, IN],
      ['expire', 'points_expiry', -70, IN],
      ['adjust', 'manual_adjustment', 25, IN],
      ['adjust', 'manual_adjustment', -5, IN],
    ];
    /** An entry of the first member written in one step (no `applied` flag: it counts as applied) */
    const entry = (balance: LedgerBalance, type: LedgerEntryType, source: string, amount: number, at: Date) =>
      ledgerEntry({
        memberId: members[0]!.id,
        balance,
        type,
        amount,
        source,
        key: `test:${randomUUID()}`,
        at,
      });
    await db
      .collection('points_ledger')
      .insertMany(entries.map(([type, source, amount, at]) => entry('points', type, source, amount, at)));
    // a redemption's debit recorded but never applied (its flow crashed) is not part of the figures
    await db
      .collection('points_ledger')
      .insertOne({ ...entry('points', 'redeem', 'redemption', -900, IN), applied: false });
    // tier credits are not points: they never count as issued
    await db
      .collection('points_ledger')
      .insertOne(entry('tier_credits', 'earn', 'gaming_session', 5_000, IN));
    const dinner = rewardDocument({ name: 'Dinner' });
    const spa = rewardDocument({ name: 'Spa' });
    await db.collection('rewards').insertMany([dinner, spa].map((r) => ({ ...r })));
    const redemption = (rewardId: string, points: number, at: Date, status = 'completed') => ({
      id: randomUUID(),
      member_id: members[0]!.id,
      reward_id: rewardId,
      points_spent: points,
      status,
      redeemed_at: at,
      cancelled_at: null,
    });
    await db
      .collection('reward_redemptions')
      .insertMany([
        redemption(spa.id, 100, IN),
        redemption(dinner.id, 100, IN),
        redemption(dinner.id, 200, IN),
        redemption(dinner.id, 100, IN, 'cancelled'),
        redemption(spa.id, 100, OUT),
        redemption(spa.id, 100, OUT),
      ]);
  });
  afterAll(() => harness.close());

  it('sums the programme in MongoDB for the range', async () => {
    const result = await harness.execute(DASHBOARD, { range: RANGE }, { identity: admin('Manager', 'F&B') });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      loyaltyDashboard: {
        ...RANGE,
        membersByTier: [
          { tier: 'Ruby', count: 2 },
          { tier: 'Sapphire', count: 0 },
          { tier: 'Diamond', count: 1 },
          { tier: 'VIP', count: 1 },
        ],
        newMembers: 2,
        activeMembers: 2,
        pointsIssued: 1_000,
        pointsRedeemed: 300,
        pointsExpired: 70,
        pointsAdjusted: 20,
        outstandingPoints: 1_150,
        topRewards: [
          { reward: { id: expect.any(String), name: 'Dinner' }, redemptions: 2, pointsSpent: 300 },
          { reward: { id: expect.any(String), name: 'Spa' }, redemptions: 1, pointsSpent: 100 },
        ],
      },
    });
    // four aggregations (members, the ledger, redemptions, comps) and one batched reward lookup, never the
    // documents themselves
    expect(result.commands.filter((c) => c === 'aggregate')).toHaveLength(4);
    expect(result.commands.filter((c) => c === 'find')).toHaveLength(1);
  });

  it('refuses an empty, reversed or too long range, naming range.to', async () => {
    for (const range of [
      { from: RANGE.from, to: RANGE.from },
      { from: RANGE.to, to: RANGE.from },
      { from: '2024-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' },
    ]) {
      const result = await harness.execute(DASHBOARD, { range });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'range.to' });
    }
  });

  it('is for Managers and above', async () => {
    const result = await harness.execute(DASHBOARD, { range: RANGE }, { identity: admin('Supervisor') });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
