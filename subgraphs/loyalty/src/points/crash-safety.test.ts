import { randomUUID } from 'node:crypto';
import { Decimal128 } from 'mongodb';
import { createStores } from '../context';
import { loyaltySubgraph } from '../index';
import { LoyaltyJobs } from '../jobs/loyalty-jobs';
import type { LedgerBalance, PointsLedgerDocument } from '../ledger/ledger-store';
import type { MemberDocument } from '../members/member-store';
import type { RewardRedemptionDocument } from '../redemptions/redemption-store';
import type { RewardDocument } from '../rewards/reward-store';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import type { LoyaltySettings } from '../settings';
import { admin, memberDocument, rewardDocument } from '../testing/fixtures';
import { ledgerEntry, PointsLedger, voidMarker } from './points-ledger';
import type { PostingHooks } from './points-ledger';
import { PointsService } from './points-service';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

type Step = 'afterRecord' | 'afterApply';
const STEPS: [string, Step][] = [
  ['after recording the entry (step a)', 'afterRecord'],
  ['after moving the balance (step b)', 'afterApply'],
];

class Crash extends Error {}

/** Hooks that make the first posting die at `step`, like a process killed there. */
function crashOnce(step: Step): PostingHooks {
  let armed = true;
  return {
    [step]: () => {
      if (!armed) return;
      armed = false;
      throw new Crash(`crashed ${step}`);
    },
  };
}

const DAY = 86_400_000;
const NOW = new Date('2026-06-15T03:00:00.000Z');

describe('every balance change survives a crash between its steps', () => {
  let harness: SubgraphHarness;
  const settings: LoyaltySettings = DEFAULT_LOYALTY_SETTINGS;
  const members = () => harness.db.collection<MemberDocument & { applied_entries?: string[] }>('members');
  const rewards = () => harness.db.collection<RewardDocument>('rewards');
  const ledger = () => harness.db.collection<PointsLedgerDocument>('points_ledger');
  const redemptions = () => harness.db.collection<RewardRedemptionDocument>('reward_redemptions');
  const service = (hooks: PostingHooks = {}) => new PointsService(createStores(harness.db), settings, hooks);
  /** The sweep as the jobs run it, for entries of any age. */
  const sweep = () => service().settleInterrupted(new Date(Date.now() + 60_000));

  async function memberWith(points: number, credits = 0, overrides: Partial<MemberDocument> = {}) {
    const member = memberDocument({
      points_balance: points,
      tier_credits: credits,
      total_points_earned: points,
      ...overrides,
    });
    await members().insertOne({ ...member });
    for (const [balance, amount] of [
      ['points', points],
      ['tier_credits', credits],
    ] as [LedgerBalance, number][]) {
      if (amount === 0) continue;
      await ledger().insertOne({
        id: randomUUID(),
        member_id: member.id,
        balance,
        type: 'earn',
        amount,
        source: 'test',
        source_id: null,
        reason: null,
        idempotency_key: `test:${balance}:${member.id}`,
        created_at: new Date('2025-06-01T00:00:00Z'),
      });
    }
    return member;
  }

  async function reward(overrides: Partial<RewardDocument> = {}) {
    const doc = rewardDocument(overrides);
    await rewards().insertOne({ ...doc });
    return doc;
  }

  /** memberLedgerCheck, the way the API answers it. */
  async function check(memberId: string) {
    return new PointsLedger(createStores(harness.db), settings).check(memberId);
  }

  /**
   * After the rerun: no entry left half-done, each entry applied once (its id once in the member's list while
   * it is kept there), the balances equal to the sums of ALL the member's entries, and the check agreeing.
   */
  async function expectSettled(memberId: string, expected: { points: number; credits?: number }) {
    const stored = (await members().findOne({ id: memberId }))!;
    const entries = await ledger().find({ member_id: memberId }).toArray();
    expect(entries.filter((e) => e.applied === false)).toEqual([]);
    const sum = (balance: LedgerBalance) =>
      entries.filter((e) => e.balance === balance).reduce((total, e) => total + e.amount, 0);
    expect({ points: stored.points_balance, credits: stored.tier_credits }).toEqual({
      points: expected.points,
      credits: expected.credits ?? stored.tier_credits,
    });
    expect(sum('points')).toBe(stored.points_balance);
    expect(sum('tier_credits')).toBe(stored.tier_credits);
    const list = stored.applied_entries ?? [];
    for (const entry of entries) expect(list.filter((id) => id === entry.id).length).toBeLessThanOrEqual(1);
    expect(new Set(list).size).toBe(list.length);
    expect((await check(memberId)).consistent).toBe(true);
  }

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  describe.each(STEPS)('a crash %s', (_, step) => {
    it('gaming credit: the retry finishes it, applied once', async () => {
      const member = await memberWith(0);
      const sessionId = randomUUID();
      const credit = (hooks: PostingHooks = {}) =>
        service(hooks).creditGamingSession({
          memberId: member.id,
          sessionId,
          theo: Decimal128.fromString('250.00'),
          pointsRate: 1,
          endedAt: new Date('2026-03-01T22:00:00Z'),
        });
      await expect(credit(crashOnce(step))).rejects.toBeInstanceOf(Crash);
      expect((await check(member.id)).consistent).toBe(true);
      expect((await members().findOne({ id: member.id }))!.points_balance).toBe(
        step === 'afterApply' ? 250 : 0,
      );
      const retried = await Promise.all([credit(), credit()]);
      expect(retried.map((r) => r.points)).toEqual([250, 250]);
      expect(await credit()).toMatchObject({ points: 250, tierCredits: 250, duplicate: true });
      await expectSettled(member.id, { points: 250, credits: 250 });
      expect(await members().findOne({ id: member.id })).toMatchObject({ total_points_earned: 250 });
    });

    it('redemption: the sweep undoes it (stock back) or finishes it (redemption stored)', async () => {
      const member = await memberWith(500);
      const item = await reward({ points_required: 200, stock_quantity: 3 });
      const redeem = (hooks: PostingHooks = {}) =>
        service(hooks).redeem({ memberId: member.id, rewardId: item.id });
      await expect(redeem(crashOnce(step))).rejects.toBeInstanceOf(Crash);
      expect((await check(member.id)).consistent).toBe(true);
      const [entry] = await ledger().find({ member_id: member.id, type: 'redeem' }).toArray();
      expect(entry).toMatchObject({ applied: false, amount: -200, reward_id: item.id });

      expect(await sweep()).toEqual(
        step === 'afterApply' ? { finished: 1, undone: 0 } : { finished: 0, undone: 1 },
      );
      expect(await sweep()).toEqual({ finished: 0, undone: 0 });
      if (step === 'afterApply') {
        await expectSettled(member.id, { points: 300 });
        expect((await rewards().findOne({ id: item.id }))!.stock_quantity).toBe(2);
        expect(await redemptions().findOne({ id: entry!.source_id! })).toMatchObject({
          member_id: member.id,
          reward_id: item.id,
          points_spent: 200,
          status: 'completed',
        });
      } else {
        await expectSettled(member.id, { points: 500 });
        expect(await ledger().countDocuments({ member_id: member.id, type: 'redeem' })).toBe(0);
        expect((await rewards().findOne({ id: item.id }))!.stock_quantity).toBe(3);
        expect(await redemptions().countDocuments({ member_id: member.id })).toBe(0);
      }
      // and the member can redeem again normally
      await redeem();
      await expectSettled(member.id, { points: step === 'afterApply' ? 100 : 300 });
    });

    it('adjustment: the sweep undoes it if the points never moved, marks it if they did', async () => {
      const member = await memberWith(400);
      const adjust = (hooks: PostingHooks = {}) =>
        service(hooks).adjust(
          { memberId: member.id, amount: -150, reason: 'correction' },
          admin('SuperAdmin', null),
        );
      await expect(adjust(crashOnce(step))).rejects.toBeInstanceOf(Crash);
      expect((await check(member.id)).consistent).toBe(true);
      await sweep();
      await expectSettled(member.id, { points: step === 'afterApply' ? 250 : 400 });
      const result = await adjust();
      expect(result.after - result.before).toBe(-150);
      await expectSettled(member.id, { points: step === 'afterApply' ? 100 : 250 });
    });

    it('cancellation: a rerun (or the sweep) gives points and stock back exactly once', async () => {
      for (const rerun of ['cancel again', 'sweep'] as const) {
        const member = await memberWith(300);
        const item = await reward({ points_required: 120, stock_quantity: 1 });
        const redemption = await service().redeem({ memberId: member.id, rewardId: item.id });
        await expect(service(crashOnce(step)).cancelRedemption(redemption.id)).rejects.toBeInstanceOf(Crash);
        expect((await check(member.id)).consistent).toBe(true);
        expect((await redemptions().findOne({ id: redemption.id }))!.status).toBe('cancelled');
        if (rerun === 'sweep') {
          expect(await sweep()).toEqual({ finished: 1, undone: 0 });
        } else {
          const again = await Promise.allSettled(
            [1, 2, 3].map(() => service().cancelRedemption(redemption.id)),
          );
          for (const result of again) {
            expect(result.status).toBe('rejected');
            expect((result as PromiseRejectedResult).reason.extensions?.code).toBe('CONFLICT');
          }
        }
        await expect(service().cancelRedemption(redemption.id)).rejects.toMatchObject({
          extensions: { code: 'CONFLICT' },
        });
        await expectSettled(member.id, { points: 300 });
        expect((await rewards().findOne({ id: item.id }))!.stock_quantity).toBe(1);
        expect(await ledger().countDocuments({ source_id: redemption.id, type: 'reverse' })).toBe(1);
      }
    });
  });

  it('refuses a debit the balance does not cover without a trace, and a refused entry never applies', async () => {
    const member = await memberWith(100);
    const points = new PointsLedger(createStores(harness.db), settings);
    const debit = ledgerEntry({
      memberId: member.id,
      balance: 'points',
      type: 'adjust',
      amount: -150,
      source: 'manual_adjustment',
      key: `adjust:${randomUUID()}`,
      at: new Date(),
    });
    const refused = await points.post([debit]);
    expect(refused).toMatchObject({ status: 'refused', voidedHere: true });
    expect(await ledger().countDocuments({ idempotency_key: debit.idempotency_key })).toBe(0);
    expect((await members().findOne({ id: member.id }))!.applied_entries).toContain(voidMarker(debit.id));
    // a late attempt at the very same recorded entry (say a slow retry that read it before the refusal),
    // even once the balance would cover it, cannot apply it: the void marker blocks the guarded update
    await members().updateOne({ id: member.id }, { $inc: { points_balance: 100 } });
    await ledger().insertOne({ ...debit, applied: false });
    const late = await points.post([debit]);
    expect(late).toMatchObject({ status: 'refused', voidedHere: false });
    expect((await members().findOne({ id: member.id }))!.points_balance).toBe(200);
    expect(await ledger().countDocuments({ idempotency_key: debit.idempotency_key })).toBe(0);
  });

  it('marks the entries whose ids leave the kept window, so a later resume cannot apply them again', async () => {
    const small = { ...settings, appliedEntriesKept: 3 };
    const member = await memberWith(0);
    const crashing = new PointsLedger(createStores(harness.db), small, crashOnce('afterApply'));
    const credit = (n: number) =>
      ledgerEntry({
        memberId: member.id,
        balance: 'points',
        type: 'earn',
        amount: 10,
        source: 'test',
        key: `window:${member.id}:${n}`,
        at: new Date(),
      });
    const first = credit(0);
    await expect(crashing.post([first])).rejects.toBeInstanceOf(Crash);
    const points = new PointsLedger(createStores(harness.db), small);
    for (let n = 1; n <= 4; n++) await points.post([credit(n)]);
    expect((await members().findOne({ id: member.id }))!.applied_entries).not.toContain(first.id);
    expect(await ledger().findOne({ idempotency_key: first.idempotency_key })).toMatchObject({
      applied: true,
    });
    await points.post([first]);
    await expectSettled(member.id, { points: 50 });
  });
});

describe('the jobs survive a crash between the steps of a posting', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument & { applied_entries?: string[] }>('members');
  const ledger = () => harness.db.collection<PointsLedgerDocument>('points_ledger');
  const jobs = (hooks: PostingHooks = {}) => new LoyaltyJobs(harness.db, DEFAULT_LOYALTY_SETTINGS, { hooks });

  async function member(
    earns: { balance: LedgerBalance; amount: number; at: Date }[],
    overrides: Partial<MemberDocument> = {},
  ) {
    const sum = (balance: LedgerBalance) =>
      earns.filter((e) => e.balance === balance).reduce((total, e) => total + e.amount, 0);
    const doc = memberDocument({
      points_balance: sum('points'),
      tier_credits: sum('tier_credits'),
      registration_date: new Date(NOW.getTime() - 900 * DAY),
      ...overrides,
    });
    await members().insertOne({ ...doc });
    for (const e of earns) {
      await ledger().insertOne({
        id: randomUUID(),
        member_id: doc.id,
        balance: e.balance,
        type: 'earn',
        amount: e.amount,
        source: 'gaming_session',
        source_id: null,
        reason: null,
        idempotency_key: `test:${randomUUID()}`,
        created_at: e.at,
      });
    }
    return doc;
  }

  async function expectSettled(memberId: string) {
    const stored = (await members().findOne({ id: memberId }))!;
    const entries = await ledger().find({ member_id: memberId }).toArray();
    expect(entries.filter((e) => e.applied === false)).toEqual([]);
    const sum = (balance: LedgerBalance) =>
      entries.filter((e) => e.balance === balance).reduce((total, e) => total + e.amount, 0);
    expect(sum('points')).toBe(stored.points_balance);
    expect(sum('tier_credits')).toBe(stored.tier_credits);
    const check = await new PointsLedger(createStores(harness.db), DEFAULT_LOYALTY_SETTINGS).check(memberId);
    expect(check.consistent).toBe(true);
    return stored;
  }

  beforeEach(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterEach(() => harness.close());

  it.each(STEPS)('expiry: a crash %s is finished by the next run, once', async (_, step) => {
    const idle = await member([{ balance: 'points', amount: 300, at: new Date(NOW.getTime() - 200 * DAY) }], {
      last_visit: new Date(NOW.getTime() - 200 * DAY),
    });
    await expect(jobs(crashOnce(step)).expirePoints(NOW)).rejects.toBeInstanceOf(Crash);
    const check = await new PointsLedger(createStores(harness.db), DEFAULT_LOYALTY_SETTINGS).check(idle.id);
    expect(check.consistent).toBe(true);
    expect(await jobs().expirePoints(NOW)).toEqual({ membersExpired: 1, pointsExpired: 300 });
    expect(await jobs().expirePoints(NOW)).toEqual({ membersExpired: 0, pointsExpired: 0 });
    expect((await expectSettled(idle.id)).points_balance).toBe(0);
    expect(await ledger().countDocuments({ member_id: idle.id, type: 'expire' })).toBe(1);
  });

  it.each(STEPS)('tier period: a crash %s is finished by the next run, once', async (_, step) => {
    const periodEnd = new Date('2026-01-01T00:00:00.000Z');
    const diamond = await member([
      { balance: 'tier_credits', amount: 25_000, at: new Date('2025-07-01T00:00:00Z') },
      { balance: 'tier_credits', amount: 100, at: new Date('2026-02-01T00:00:00Z') },
    ]);
    await expect(jobs(crashOnce(step)).evaluateTierPeriod(periodEnd)).rejects.toBeInstanceOf(Crash);
    const check = await new PointsLedger(createStores(harness.db), DEFAULT_LOYALTY_SETTINGS).check(
      diamond.id,
    );
    expect(check.consistent).toBe(true);
    expect((await jobs().evaluateTierPeriod(periodEnd)).membersEvaluated).toBe(1);
    expect((await jobs().evaluateTierPeriod(periodEnd)).membersEvaluated).toBe(0);
    await harness.db.collection('loyalty_job_runs').deleteMany({});
    expect((await jobs().evaluateTierPeriod(periodEnd)).membersEvaluated).toBe(0);
    const stored = await expectSettled(diamond.id);
    expect(stored).toMatchObject({ tier_credits: 100, tier: 'Diamond' });
    expect(await ledger().countDocuments({ member_id: diamond.id, source: 'tier_period' })).toBe(1);
  });

  it('settles interrupted redemptions as part of the scheduled run', async () => {
    const rich = await member([{ balance: 'points', amount: 500, at: new Date() }], {
      last_visit: new Date(),
    });
    const item = rewardDocument({ points_required: 100, stock_quantity: 2 });
    await harness.db.collection('rewards').insertOne({ ...item });
    const crashing = new PointsService(
      createStores(harness.db),
      DEFAULT_LOYALTY_SETTINGS,
      crashOnce('afterRecord'),
    );
    await expect(crashing.redeem({ memberId: rich.id, rewardId: item.id })).rejects.toBeInstanceOf(Crash);
    // too young to be called interrupted by default: it might still be in flight
    const young = await jobs().run(new Date());
    expect(young.interrupted).toEqual({ finished: 0, undone: 0 });
    const swept = await new LoyaltyJobs(harness.db, DEFAULT_LOYALTY_SETTINGS, { interruptedAfterMs: 0 }).run(
      new Date(Date.now() + 1),
    );
    expect(swept.interrupted).toEqual({ finished: 0, undone: 1 });
    expect(
      (await harness.db.collection<RewardDocument>('rewards').findOne({ id: item.id }))!.stock_quantity,
    ).toBe(2);
    expect((await expectSettled(rich.id)).points_balance).toBe(500);
  });
});
