import { randomUUID } from 'node:crypto';
import { memberIdOf } from '@casino/audit';
import { createLoyaltySubgraph } from '../index';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import type { MemberDocument } from '../members/member-store';
import type { RewardDocument } from '../rewards/reward-store';
import { admin, insertMemberWithPoints, insertReward } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const REDEEM = /* GraphQL */ `
  mutation Redeem($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      id
      pointsSpent
      status
      member {
        id
        pointsBalance
      }
      reward {
        id
        stockQuantity
      }
    }
  }
`;

const CANCEL = /* GraphQL */ `
  mutation Cancel($id: ID!) {
    cancelRedemption(id: $id) {
      id
      status
      cancelledAt
    }
  }
`;

const ADJUST = /* GraphQL */ `
  mutation Adjust($input: AdjustPointsInput!) {
    adjustPoints(input: $input) {
      id
      type
      amount
      source
      reason
      member {
        id
        pointsBalance
      }
    }
  }
`;

describe('redemptions and adjustments', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>('members');
  const rewards = () => harness.db.collection<RewardDocument>('rewards');
  const ledger = () => harness.db.collection('points_ledger');

  /** A member whose balance is backed by a ledger entry, as every balance must be. */
  const memberWith = (points: number, overrides: Partial<MemberDocument> = {}) =>
    insertMemberWithPoints(harness.db, points, overrides);
  const reward = (overrides: Partial<RewardDocument> = {}) => insertReward(harness.db, overrides);
  async function ledgerSum(memberId: string) {
    const [row] = await ledger()
      .aggregate<{ sum: number }>([
        { $match: { member_id: memberId, balance: 'points' } },
        { $group: { _id: null, sum: { $sum: '$amount' } } },
      ])
      .toArray();
    return row?.sum ?? 0;
  }
  const redeem = (memberId: string, rewardId: string, identity = admin('Supervisor')) =>
    harness.execute<{ redeemReward: { id: string; member: { pointsBalance: number } } }>(
      REDEEM,
      { input: { memberId, rewardId } },
      { identity },
    );

  beforeAll(async () => {
    harness = await startSubgraphHarness(
      createLoyaltySubgraph({ ...DEFAULT_LOYALTY_SETTINGS, managerAdjustmentLimit: 1_000 }),
    );
  });
  afterAll(() => harness.close());

  describe('redeemReward', () => {
    it('spends the points, takes a unit of stock and records the ledger entry', async () => {
      const member = await memberWith(500);
      const dinner = await reward({ points_required: 200, stock_quantity: 2 });
      const result = await redeem(member.id, dinner.id);
      expect(result.errors).toBeUndefined();
      expect(result.data!.redeemReward).toMatchObject({
        pointsSpent: 200,
        status: 'completed',
        member: { id: member.id, pointsBalance: 300 },
        reward: { id: dinner.id, stockQuantity: 1 },
      });
      const entry = await ledger().findOne({ source_id: result.data!.redeemReward.id });
      expect(entry).toMatchObject({ type: 'redeem', amount: -200, source: 'redemption' });
      expect(await ledgerSum(member.id)).toBe(300);
    });

    it('lets exactly the covered redemptions through under concurrency', async () => {
      const member = await memberWith(500);
      const scarce = await reward({ points_required: 100, stock_quantity: 3 });
      const results = await Promise.all(Array.from({ length: 50 }, () => redeem(member.id, scarce.id)));
      const succeeded = results.filter((r) => !r.errors);
      expect(succeeded).toHaveLength(3);
      expect(
        results.filter((r) => r.errors).every((r) => r.errors![0]!.extensions!.code === 'CONFLICT'),
      ).toBe(true);
      const stored = await members().findOne({ id: member.id });
      expect(stored!.points_balance).toBe(200);
      expect((await rewards().findOne({ id: scarce.id }))!.stock_quantity).toBe(0);
      expect(await ledgerSum(member.id)).toBe(200);
      expect(await harness.db.collection('reward_redemptions').countDocuments({ reward_id: scarce.id })).toBe(
        3,
      );
    });

    it('never overdraws the balance under concurrency, giving the stock back', async () => {
      const member = await memberWith(500);
      const plenty = await reward({ points_required: 100, stock_quantity: 40 });
      const results = await Promise.all(Array.from({ length: 50 }, () => redeem(member.id, plenty.id)));
      expect(results.filter((r) => !r.errors)).toHaveLength(5);
      expect((await members().findOne({ id: member.id }))!.points_balance).toBe(0);
      expect((await rewards().findOne({ id: plenty.id }))!.stock_quantity).toBe(35);
      expect(await ledgerSum(member.id)).toBe(0);
    });

    it('tells a member who cannot afford it so, not that the stock ran out, under concurrency', async () => {
      const member = await memberWith(200);
      const scarce = await reward({ points_required: 100, stock_quantity: 8 });
      const results = await Promise.all(Array.from({ length: 50 }, () => redeem(member.id, scarce.id)));
      expect(results.filter((r) => !r.errors)).toHaveLength(2);
      const messages = results.filter((r) => r.errors).map((r) => r.errors![0]!.message);
      expect(messages).toHaveLength(48);
      expect(messages.filter((m) => m === 'Not enough points: the reward costs 100')).toHaveLength(48);
      expect(messages.some((m) => /out of stock/.test(m))).toBe(false);
      expect((await members().findOne({ id: member.id }))!.points_balance).toBe(0);
      expect((await rewards().findOne({ id: scarce.id }))!.stock_quantity).toBe(6);
      expect(await ledgerSum(member.id)).toBe(0);
    });

    it('says out of stock only to a member who could have paid', async () => {
      const rich = await memberWith(1_000);
      const lastOne = await reward({ points_required: 100, stock_quantity: 1 });
      const results = await Promise.all(Array.from({ length: 10 }, () => redeem(rich.id, lastOne.id)));
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      const refusals = results.filter((r) => r.errors).map((r) => r.errors![0]!);
      expect(refusals).toHaveLength(9);
      for (const refusal of refusals) {
        expect(refusal).toMatchObject({
          message: 'This reward is out of stock',
          extensions: { code: 'CONFLICT' },
        });
      }
      // sold out and unaffordable: the points are the reason
      const poor = await memberWith(50);
      const soldOut = await reward({ points_required: 100, stock_quantity: 0 });
      expect((await redeem(poor.id, soldOut.id)).errors?.[0]).toMatchObject({
        message: 'Not enough points: the reward costs 100',
        extensions: { code: 'CONFLICT' },
      });
      expect((await redeem(rich.id, soldOut.id)).errors?.[0]?.message).toBe('This reward is out of stock');
      expect((await members().findOne({ id: rich.id }))!.points_balance).toBe(900);
      expect((await members().findOne({ id: poor.id }))!.points_balance).toBe(50);
    });

    it('names the tier and the exclusion when they are the reason', async () => {
      const ruby = await memberWith(1_000);
      const vipOnly = await reward({ tier_access: ['VIP'], stock_quantity: 0 });
      expect((await redeem(ruby.id, vipOnly.id)).errors?.[0]).toMatchObject({
        message: 'This reward is not available to Ruby members',
        extensions: { code: 'FORBIDDEN' },
      });
      const excluded = await memberWith(10, { self_excluded: true });
      const freePlay = await reward({ category: 'gaming', points_required: 100, stock_quantity: 0 });
      expect((await redeem(excluded.id, freePlay.id)).errors?.[0]).toMatchObject({
        message: 'A self-excluded member cannot redeem gaming rewards',
        extensions: { code: 'FORBIDDEN' },
      });
    });

    it('treats a null stock as unlimited', async () => {
      const member = await memberWith(300);
      const unlimited = await reward({ points_required: 100, stock_quantity: null });
      for (let i = 0; i < 3; i++) expect((await redeem(member.id, unlimited.id)).errors).toBeUndefined();
      expect((await redeem(member.id, unlimited.id)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect((await rewards().findOne({ id: unlimited.id }))!.stock_quantity).toBeNull();
    });

    it('enforces tier access, the active flag and self-exclusion for gaming rewards', async () => {
      const ruby = await memberWith(1_000);
      const vipOnly = await reward({ tier_access: ['VIP'] });
      expect((await redeem(ruby.id, vipOnly.id)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const retired = await reward({ is_active: false });
      expect((await redeem(ruby.id, retired.id)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
      const excluded = await memberWith(1_000, { self_excluded: true });
      const freePlay = await reward({ category: 'gaming', stock_quantity: 5 });
      expect((await redeem(excluded.id, freePlay.id)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const dinner = await reward({ category: 'dining' });
      expect((await redeem(excluded.id, dinner.id)).errors).toBeUndefined();
      expect((await rewards().findOne({ id: freePlay.id }))!.stock_quantity).toBe(5);
      const unknown = await redeem(ruby.id, randomUUID());
      expect(unknown.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.rewardId',
      });
      expect((await members().findOne({ id: ruby.id }))!.points_balance).toBe(1_000);
    });
  });

  describe('cancelRedemption', () => {
    it('gives back the points and the stock exactly once', async () => {
      const member = await memberWith(300);
      const item = await reward({ points_required: 120, stock_quantity: 1 });
      const redeemed = await redeem(member.id, item.id);
      const id = redeemed.data!.redeemReward.id;
      const manager = admin('Manager');
      const results = await Promise.all(
        Array.from({ length: 5 }, () => harness.execute(CANCEL, { id }, { identity: manager })),
      );
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(4);
      expect((await members().findOne({ id: member.id }))!.points_balance).toBe(300);
      expect((await rewards().findOne({ id: item.id }))!.stock_quantity).toBe(1);
      expect(await ledgerSum(member.id)).toBe(300);
      const reversal = await ledger().findOne({ idempotency_key: `redemption:${id}:reverse` });
      expect(reversal).toMatchObject({ type: 'reverse', amount: 120 });
    });

    it('is for Managers and above, and answers NOT_FOUND for an unknown redemption', async () => {
      const member = await memberWith(300);
      const item = await reward();
      const id = (await redeem(member.id, item.id)).data!.redeemReward.id;
      const supervisor = await harness.execute(CANCEL, { id }, { identity: admin('Supervisor') });
      expect(supervisor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const unknown = await harness.execute(CANCEL, { id: randomUUID() }, { identity: admin('Manager') });
      expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    });

    it("keeps a refused cancellation in the member's history: denied, or the redemption already cancelled", async () => {
      const member = await memberWith(300);
      const id = (await redeem(member.id, (await reward()).id)).data!.redeemReward.id;
      const from = harness.auditEvents.length;
      expect((await harness.execute(CANCEL, { id }, { identity: admin('Supervisor') })).errors).toBeDefined();
      expect((await harness.execute(CANCEL, { id }, { identity: admin('Manager') })).errors).toBeUndefined();
      const again = await harness.execute(CANCEL, { id }, { identity: admin('Manager') });
      expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');
      await harness.execute(CANCEL, { id: randomUUID() }, { identity: admin('Manager') });
      const events = harness.auditEvents.slice(from).filter((e) => e.action === 'cancelRedemption');
      // the member compliance keeps beside the target, which auditLogs(filter: { targetId }) matches
      expect(events.map((e) => [e.outcome, e.targetId, memberIdOf(e)])).toEqual([
        ['denied', id, member.id],
        ['allowed', id, member.id],
        ['failed', id, member.id],
        ['failed', expect.any(String), null],
      ]);
      expect(events[0]!.changes).toEqual({ before: null, after: { id, memberId: member.id } });
    });
  });

  describe('adjustPoints', () => {
    const adjust = (memberId: string, amount: number, identity = admin('SuperAdmin', null)) =>
      harness.execute<{ adjustPoints: { amount: number; member: { pointsBalance: number } } }>(
        ADJUST,
        { input: { memberId, amount, reason: 'goodwill gesture' } },
        { identity },
      );

    it('lets GeneralAdmin and above adjust without limit, recorded in the ledger and audited', async () => {
      const member = await memberWith(0);
      const from = harness.auditEvents.length;
      const result = await adjust(member.id, 50_000, admin('GeneralAdmin', 'Management'));
      expect(result.errors).toBeUndefined();
      expect(result.data!.adjustPoints).toMatchObject({
        type: 'adjust',
        amount: 50_000,
        source: 'manual_adjustment',
        reason: 'goodwill gesture',
        member: { pointsBalance: 50_000 },
      });
      const event = harness.auditEvents.slice(from).find((e) => e.action === 'adjustPoints');
      expect(event).toMatchObject({
        outcome: 'allowed',
        changes: { before: { pointsBalance: 0 }, after: { pointsBalance: 50_000 } },
      });
      expect(await ledgerSum(member.id)).toBe(50_000);
    });

    it('limits a Manager to the configured amount per adjustment and refuses Supervisors', async () => {
      const member = await memberWith(2_000);
      expect((await adjust(member.id, 1_000, admin('Manager'))).errors).toBeUndefined();
      expect((await adjust(member.id, -1_000, admin('Manager'))).errors).toBeUndefined();
      expect((await adjust(member.id, 1_001, admin('Manager'))).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await adjust(member.id, -1_001, admin('Manager'))).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await adjust(member.id, 1, admin('Supervisor'))).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await members().findOne({ id: member.id }))!.points_balance).toBe(2_000);
      expect(await ledgerSum(member.id)).toBe(2_000);
    });

    it('never takes the balance below zero', async () => {
      const member = await memberWith(100);
      const result = await adjust(member.id, -101);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.amount' });
      expect((await adjust(member.id, -100)).data!.adjustPoints.member.pointsBalance).toBe(0);
      expect(await ledgerSum(member.id)).toBe(0);
      const zero = await adjust(member.id, 0);
      expect(zero.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });
    });
  });
});
