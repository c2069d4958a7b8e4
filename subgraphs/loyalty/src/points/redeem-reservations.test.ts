import { randomUUID } from 'node:crypto';
import { createStores } from '../context';
import { createLoyaltySubgraph } from '../index';
import type { PointsLedgerDocument } from './ledger-store';
import type { MemberDocument } from '../members/member-store';
import type { RewardRedemptionDocument } from '../redemptions/redemption-store';
import type { RewardDocument } from '../rewards/reward-store';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import { Crash, crashOnce } from '../testing/crash';
import { admin, insertMemberWithPoints, insertReward } from '../testing/fixtures';
import { PointsLedger } from './points-ledger';
import type { PostingHooks } from './points-ledger';
import { PointsService } from './points-service';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const REDEEM = /* GraphQL */ `
  mutation Redeem($input: RedeemRewardInput!) {
    redeemReward(input: $input) {
      id
      pointsSpent
      reward {
        id
        stockQuantity
      }
    }
  }
`;

const ADJUST = /* GraphQL */ `
  mutation Adjust($input: AdjustPointsInput!) {
    adjustPoints(input: $input) {
      id
      amount
      member {
        pointsBalance
      }
    }
  }
`;

describe('redemption stock reservations and client idempotency keys', () => {
  let harness: SubgraphHarness;
  const settings = DEFAULT_LOYALTY_SETTINGS;
  const members = () => harness.db.collection<MemberDocument>('members');
  const rewards = () => harness.db.collection<RewardDocument>('rewards');
  const ledger = () => harness.db.collection<PointsLedgerDocument>('points_ledger');
  const redemptions = () => harness.db.collection<RewardRedemptionDocument>('reward_redemptions');
  const service = (hooks: PostingHooks = {}) => new PointsService(createStores(harness.db), settings, hooks);
  /** The sweep as the jobs run it, for entries of any age. */
  const sweep = () => service().settleInterrupted(new Date(Date.now() + 60_000));

  const memberWith = (points: number) => insertMemberWithPoints(harness.db, points);
  const reward = (overrides: Partial<RewardDocument> = {}) => insertReward(harness.db, overrides);
  const stockOf = async (rewardId: string) => (await rewards().findOne({ id: rewardId }))!;
  const balanceOf = async (memberId: string) => (await members().findOne({ id: memberId }))!.points_balance;
  async function expectConsistent(memberId: string) {
    expect(await ledger().countDocuments({ member_id: memberId, applied: false })).toBe(0);
    expect((await new PointsLedger(createStores(harness.db), settings).check(memberId)).consistent).toBe(
      true,
    );
  }

  const redeemCall = (memberId: string, rewardId: string, idempotencyKey?: string) =>
    harness.execute<{ redeemReward: { id: string; pointsSpent: number } }>(
      REDEEM,
      { input: { memberId, rewardId, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) } },
      { identity: admin('Supervisor') },
    );
  const adjustCall = (memberId: string, amount: number, idempotencyKey?: string, reason = 'goodwill') =>
    harness.execute<{ adjustPoints: { id: string; amount: number; member: { pointsBalance: number } } }>(
      ADJUST,
      { input: { memberId, amount, reason, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) } },
      { identity: admin('SuperAdmin', null) },
    );

  beforeAll(async () => {
    harness = await startSubgraphHarness(createLoyaltySubgraph(settings));
  });
  afterAll(() => harness.close());

  describe('a crash inside a redemption', () => {
    it.each(['twice in a row', 'five at once'] as const)(
      'after the reservation, before the points move: the sweep gives the unit back once (run %s)',
      async (runs) => {
        const member = await memberWith(500);
        const item = await reward({ points_required: 200, stock_quantity: 3 });
        await expect(
          service(crashOnce('afterPrepare')).redeem({ memberId: member.id, rewardId: item.id }),
        ).rejects.toBeInstanceOf(Crash);
        const [entry] = await ledger().find({ member_id: member.id, type: 'redeem' }).toArray();
        expect(entry).toMatchObject({ applied: false, reward_id: item.id, reserves_stock: true });
        expect(await stockOf(item.id)).toMatchObject({ stock_quantity: 2, reserved_for: [entry!.id] });

        if (runs === 'twice in a row') {
          expect(await sweep()).toEqual({ finished: 0, undone: 1 });
          expect(await sweep()).toEqual({ finished: 0, undone: 0 });
        } else {
          const results = await Promise.all(Array.from({ length: 5 }, () => sweep()));
          expect(results.every((r) => r.finished === 0)).toBe(true);
          expect(results.reduce((n, r) => n + r.undone, 0)).toBeGreaterThanOrEqual(1);
        }
        expect(await stockOf(item.id)).toMatchObject({ stock_quantity: 3, reserved_for: [] });
        expect(await balanceOf(member.id)).toBe(500);
        expect(await ledger().countDocuments({ member_id: member.id, type: 'redeem' })).toBe(0);
        expect(await redemptions().countDocuments({ member_id: member.id })).toBe(0);
        expect(await sweep()).toEqual({ finished: 0, undone: 0 });
        expect((await stockOf(item.id)).stock_quantity).toBe(3);
        await expectConsistent(member.id);
      },
    );

    it.each(['twice in a row', 'five at once'] as const)(
      'after the points moved, before the redemption is stored: the sweep finishes it, stock stays taken (run %s)',
      async (runs) => {
        const member = await memberWith(500);
        const item = await reward({ points_required: 200, stock_quantity: 3 });
        await expect(
          service(crashOnce('afterApply')).redeem({ memberId: member.id, rewardId: item.id }),
        ).rejects.toBeInstanceOf(Crash);
        const [entry] = await ledger().find({ member_id: member.id, type: 'redeem' }).toArray();
        expect(await redemptions().findOne({ id: entry!.source_id! })).toBeNull();

        if (runs === 'twice in a row') {
          expect(await sweep()).toEqual({ finished: 1, undone: 0 });
          expect(await sweep()).toEqual({ finished: 0, undone: 0 });
        } else {
          const results = await Promise.all(Array.from({ length: 5 }, () => sweep()));
          expect(results.every((r) => r.undone === 0)).toBe(true);
        }
        expect(await redemptions().findOne({ id: entry!.source_id! })).toMatchObject({
          member_id: member.id,
          reward_id: item.id,
          points_spent: 200,
          status: 'completed',
        });
        expect(await redemptions().countDocuments({ member_id: member.id })).toBe(1);
        expect((await stockOf(item.id)).stock_quantity).toBe(2);
        expect(await balanceOf(member.id)).toBe(300);
        expect(await ledger().findOne({ id: entry!.id })).toMatchObject({ applied: true });
        await expectConsistent(member.id);
      },
    );

    it('after recording, before the reservation: the sweep voids the entry and leaves the stock alone', async () => {
      const member = await memberWith(500);
      const item = await reward({ points_required: 200, stock_quantity: 3 });
      await expect(
        service(crashOnce('afterRecord')).redeem({ memberId: member.id, rewardId: item.id }),
      ).rejects.toBeInstanceOf(Crash);
      expect((await stockOf(item.id)).stock_quantity).toBe(3);
      // someone else takes the units meanwhile: the sweep must not give back a unit this entry never had
      await rewards().updateOne({ id: item.id }, { $set: { stock_quantity: 0 } });
      expect(await sweep()).toEqual({ finished: 0, undone: 1 });
      expect((await stockOf(item.id)).stock_quantity).toBe(0);
      expect(await ledger().countDocuments({ member_id: member.id, type: 'redeem' })).toBe(0);
      expect(await balanceOf(member.id)).toBe(500);
      await expectConsistent(member.id);
    });

    it('a retry with the same key resumes it, taking the unit once (the reservation guard)', async () => {
      // without `reserved_for: { $ne: entryId }` in the reservation update the resume takes a second unit
      const member = await memberWith(500);
      const item = await reward({ points_required: 200, stock_quantity: 3 });
      const key = randomUUID();
      await expect(
        service(crashOnce('afterPrepare')).redeem({
          memberId: member.id,
          rewardId: item.id,
          idempotencyKey: key,
        }),
      ).rejects.toBeInstanceOf(Crash);
      const [first, second] = await Promise.all([
        service().redeem({ memberId: member.id, rewardId: item.id, idempotencyKey: key }),
        service().redeem({ memberId: member.id, rewardId: item.id, idempotencyKey: key }),
      ]);
      expect(second!.id).toBe(first!.id);
      expect((await stockOf(item.id)).stock_quantity).toBe(2);
      expect(await balanceOf(member.id)).toBe(300);
      expect(await sweep()).toEqual({ finished: 0, undone: 0 });
      expect((await stockOf(item.id)).stock_quantity).toBe(2);
      await expectConsistent(member.id);
    });
  });

  describe('redeemReward with an idempotency key', () => {
    it('10 concurrent calls with one key make one redemption, one debit, one unit of stock', async () => {
      const member = await memberWith(1_000);
      const item = await reward({ points_required: 150, stock_quantity: 5 });
      const key = `app-${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 10 }, () => redeemCall(member.id, item.id, key)),
      );
      for (const result of results) expect(result.errors).toBeUndefined();
      const ids = new Set(results.map((r) => r.data!.redeemReward.id));
      expect(ids.size).toBe(1);
      expect(await redemptions().countDocuments({ member_id: member.id })).toBe(1);
      expect(await redemptions().findOne({ id: [...ids][0] })).toMatchObject({ points_spent: 150 });
      expect(await ledger().countDocuments({ member_id: member.id, type: 'redeem' })).toBe(1);
      expect(await balanceOf(member.id)).toBe(850);
      expect((await stockOf(item.id)).stock_quantity).toBe(4);
      // and later retries still answer with it
      const later = await redeemCall(member.id, item.id, key);
      expect(later.data!.redeemReward.id).toBe([...ids][0]);
      expect(await balanceOf(member.id)).toBe(850);
      await expectConsistent(member.id);
    });

    it('answers with the original redemption even when the stock ran out since', async () => {
      const member = await memberWith(1_000);
      const item = await reward({ points_required: 100, stock_quantity: 1 });
      const key = randomUUID();
      const first = await redeemCall(member.id, item.id, key);
      expect(first.errors).toBeUndefined();
      expect((await stockOf(item.id)).stock_quantity).toBe(0);
      const again = await redeemCall(member.id, item.id, key);
      expect(again.errors).toBeUndefined();
      expect(again.data!.redeemReward.id).toBe(first.data!.redeemReward.id);
      expect((await redeemCall(member.id, item.id, randomUUID())).errors?.[0]?.extensions?.code).toBe(
        'CONFLICT',
      );
    });

    it('refuses the same key for another reward with CONFLICT on input.idempotencyKey', async () => {
      const member = await memberWith(1_000);
      const dinner = await reward({ points_required: 100, stock_quantity: 5 });
      const spa = await reward({ points_required: 100, stock_quantity: 5 });
      const key = randomUUID();
      expect((await redeemCall(member.id, dinner.id, key)).errors).toBeUndefined();
      const other = await redeemCall(member.id, spa.id, key);
      expect(other.errors?.[0]?.extensions).toMatchObject({
        code: 'CONFLICT',
        field: 'input.idempotencyKey',
      });
      expect((await stockOf(spa.id)).stock_quantity).toBe(5);
      expect(await balanceOf(member.id)).toBe(900);
      // the key is per member: another member may use the same one
      const someoneElse = await memberWith(1_000);
      expect((await redeemCall(someoneElse.id, spa.id, key)).errors).toBeUndefined();
    });

    it('validates the key', async () => {
      const member = await memberWith(1_000);
      const item = await reward();
      for (const key of ['x'.repeat(101), '   ']) {
        expect((await redeemCall(member.id, item.id, key)).errors?.[0]?.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'input.idempotencyKey',
        });
      }
      expect((await redeemCall(member.id, item.id, 'k'.repeat(100))).errors).toBeUndefined();
      expect(await balanceOf(member.id)).toBe(900);
    });

    it('keeps unlimited rewards unlimited, with or without a key', async () => {
      const member = await memberWith(1_000);
      const unlimited = await reward({ points_required: 100, stock_quantity: null });
      const key = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => redeemCall(member.id, unlimited.id, key)),
      );
      expect(new Set(results.map((r) => r.data?.redeemReward.id)).size).toBe(1);
      expect((await redeemCall(member.id, unlimited.id)).errors).toBeUndefined();
      const stored = await stockOf(unlimited.id);
      expect(stored.stock_quantity).toBeNull();
      expect(stored.reserved_for).toBeUndefined();
      expect(await balanceOf(member.id)).toBe(800);
      await expectConsistent(member.id);
    });

    it('a key whose redemption was refused (not enough points) may be retried once the points are there', async () => {
      const member = await memberWith(50);
      const item = await reward({ points_required: 100, stock_quantity: 2 });
      const key = randomUUID();
      expect((await redeemCall(member.id, item.id, key)).errors?.[0]?.extensions?.code).toBe('CONFLICT');
      expect((await stockOf(item.id)).stock_quantity).toBe(2);
      expect((await adjustCall(member.id, 50)).errors).toBeUndefined();
      expect((await redeemCall(member.id, item.id, key)).errors).toBeUndefined();
      expect((await stockOf(item.id)).stock_quantity).toBe(1);
      expect(await balanceOf(member.id)).toBe(0);
      await expectConsistent(member.id);
    });
  });

  describe('adjustPoints with an idempotency key', () => {
    it('applies once however often (and however concurrently) it is retried', async () => {
      const member = await memberWith(100);
      const key = randomUUID();
      const first = await adjustCall(member.id, 40, key);
      expect(first.errors).toBeUndefined();
      expect(first.data!.adjustPoints.member.pointsBalance).toBe(140);
      const again = await Promise.all(Array.from({ length: 5 }, () => adjustCall(member.id, 40, key)));
      for (const result of again) {
        expect(result.errors).toBeUndefined();
        expect(result.data!.adjustPoints.id).toBe(first.data!.adjustPoints.id);
      }
      expect(await ledger().countDocuments({ member_id: member.id, type: 'adjust' })).toBe(1);
      expect(await balanceOf(member.id)).toBe(140);
      // without a key every call is a new adjustment, as before
      await adjustCall(member.id, 40);
      await adjustCall(member.id, 40);
      expect(await balanceOf(member.id)).toBe(220);
      await expectConsistent(member.id);
    });

    it('refuses the same key with another amount or reason with CONFLICT on input.idempotencyKey', async () => {
      const member = await memberWith(100);
      const key = randomUUID();
      expect((await adjustCall(member.id, 40, key)).errors).toBeUndefined();
      for (const other of [
        adjustCall(member.id, 41, key),
        adjustCall(member.id, 40, key, 'another reason'),
      ]) {
        expect((await other).errors?.[0]?.extensions).toMatchObject({
          code: 'CONFLICT',
          field: 'input.idempotencyKey',
        });
      }
      expect(await balanceOf(member.id)).toBe(140);
      const tooLong = await adjustCall(member.id, 40, 'k'.repeat(101));
      expect(tooLong.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.idempotencyKey',
      });
    });
  });
});
