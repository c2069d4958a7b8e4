import { randomUUID } from 'node:crypto';
import { Decimal128 } from 'mongodb';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { loyaltySubgraph } from '../index';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import type { MemberDocument } from '../members/member-store';
import type { PointsLedgerDocument } from '../points/ledger-store';
import { PointsLedger } from '../points/points-ledger';
import type { PostingHooks } from '../points/points-ledger';
import { PointsService } from '../points/points-service';
import { createStores } from '../stores';
import { Crash, crashOnce } from '../testing/crash';
import { admin, insertMemberWithComps } from '../testing/fixtures';
import { CompService } from './comp-service';
import type { CompCategory, CompDocument } from './comp-store';

type Step = 'afterRecord' | 'afterApply';
const STEPS: [string, Step][] = [
  ['after recording the entries (step a)', 'afterRecord'],
  ['after moving the balances (step b)', 'afterApply'],
];

const SETTINGS = DEFAULT_LOYALTY_SETTINGS;
/** A sweep that treats everything as old enough to be interrupted */
const LATER = () => new Date(Date.now() + 60_000);

describe('comp balance moves survive a crash between the steps of their posting', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument & { applied_entries?: string[] }>('members');
  const ledger = () => harness.db.collection<PointsLedgerDocument>('points_ledger');
  const comps = () => harness.db.collection<CompDocument>('comps');
  const stores = () => createStores(harness.db);
  const points = (hooks: PostingHooks = {}) => new PointsService(stores(), SETTINGS, hooks);
  const compService = (hooks: PostingHooks = {}) =>
    new CompService(stores(), SETTINGS, new PointsLedger(stores(), SETTINGS, hooks));

  const memberWithComps = (cents: number, tier: MemberDocument['tier'] = 'Ruby') =>
    insertMemberWithComps(harness.db, cents, { tier });
  /** A comp a supervisor asks for (issued within their limit, pending approval above it), posted with `hooks`. */
  const issueComp = (
    memberId: string,
    category: CompCategory,
    outlet: string,
    amount: string,
    { idempotencyKey, hooks }: { idempotencyKey?: string; hooks?: PostingHooks } = {},
  ) =>
    compService(hooks).issue(
      { memberId, category, outlet, amount: Decimal128.fromString(amount), idempotencyKey },
      admin('Supervisor'),
    );

  /** No entry half-done, the comp balance equal to the sum of ALL the member's comp entries, the check agreeing. */
  async function expectSettled(memberId: string, cents: number) {
    const stored = (await members().findOne({ id: memberId }))!;
    const entries = await ledger().find({ member_id: memberId }).toArray();
    expect(entries.filter((e) => e.applied === false)).toEqual([]);
    const comps = entries.filter((e) => e.balance === 'comps').reduce((t, e) => t + e.amount, 0);
    expect(stored.comp_balance_cents ?? 0).toBe(cents);
    expect(comps).toBe(cents);
    const list = stored.applied_entries ?? [];
    expect(new Set(list).size).toBe(list.length);
    const check = await new PointsLedger(stores(), SETTINGS).check(memberId);
    expect(check).toMatchObject({ compBalanceCents: cents, compLedgerSumCents: cents, consistent: true });
  }

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  describe.each(STEPS)('a crash %s', (_, step) => {
    it('comp accrual of a gaming credit: the retry finishes it, applied once with the points', async () => {
      const member = await memberWithComps(0, 'Sapphire');
      const sessionId = randomUUID();
      const credit = (hooks: PostingHooks = {}) =>
        points(hooks).creditGamingSession({
          memberId: member.id,
          sessionId,
          theo: Decimal128.fromString('250.00'),
          pointsRate: 1,
          endedAt: new Date('2026-03-01T22:00:00Z'),
        });
      await expect(credit(crashOnce(step))).rejects.toBeInstanceOf(Crash);
      expect((await new PointsLedger(stores(), SETTINGS).check(member.id)).consistent).toBe(true);
      expect((await members().findOne({ id: member.id }))!.comp_balance_cents ?? 0).toBe(
        step === 'afterApply' ? 3_750 : 0,
      );
      await credit();
      await credit();
      await expectSettled(member.id, 3_750);
      const stored = (await members().findOne({ id: member.id }))!;
      expect({ points: stored.points_balance, credits: stored.tier_credits }).toEqual({
        points: 312,
        credits: 250,
      });
    });

    it('issuing a comp: the retry under the same key finishes it, debited once', async () => {
      const member = await memberWithComps(10_000);
      const issue = (hooks?: PostingHooks) =>
        issueComp(member.id, 'dining', 'Ocean Grill', '40.00', { idempotencyKey: 'retry-me', hooks });
      await expect(issue(crashOnce(step))).rejects.toBeInstanceOf(Crash);
      expect((await comps().findOne({ member_id: member.id }))!.status).toBe('issuing');
      const retried = await issue();
      expect(retried.comp.status).toBe('issued');
      await expectSettled(member.id, 6_000);
      expect(await comps().countDocuments({ member_id: member.id })).toBe(1);
    });

    it('issuing a comp: without a retry the sweep finishes it (balance moved) or undoes it (it did not)', async () => {
      const member = await memberWithComps(10_000);
      await expect(
        issueComp(member.id, 'hotel', 'Tower Suites', '40.00', { hooks: crashOnce(step) }),
      ).rejects.toBeInstanceOf(Crash);
      const swept = await compService().settleInterrupted(LATER());
      if (step === 'afterApply') {
        expect(swept).toMatchObject({ finished: 1, undone: 0 });
        expect((await comps().findOne({ member_id: member.id }))!.status).toBe('issued');
        await expectSettled(member.id, 6_000);
      } else {
        expect(swept).toMatchObject({ finished: 0, undone: 1 });
        expect(await comps().countDocuments({ member_id: member.id })).toBe(0);
        await expectSettled(member.id, 10_000);
      }
      expect(await compService().settleInterrupted(LATER())).toEqual({ finished: 0, undone: 0 });
    });

    it('approving a comp: the sweep finishes it, or puts it back to pending', async () => {
      const member = await memberWithComps(50_000);
      const asked = await issueComp(member.id, 'travel', 'Airport transfer', '150.00');
      expect(asked.comp.status).toBe('pending_approval');
      const decision = { memberId: member.id, compId: asked.comp.id };
      await expect(compService(crashOnce(step)).approve(decision, admin('Manager'))).rejects.toBeInstanceOf(
        Crash,
      );
      await compService().settleInterrupted(LATER());
      const comp = (await comps().findOne({ id: asked.comp.id }))!;
      if (step === 'afterApply') {
        expect(comp.status).toBe('issued');
        await expectSettled(member.id, 35_000);
      } else {
        expect(comp).toMatchObject({ status: 'pending_approval', approved_by: null });
        await expectSettled(member.id, 50_000);
        // and it can be approved again
        await compService().approve(decision, admin('Manager'));
        await expectSettled(member.id, 35_000);
      }
    });

    it('voiding a comp: the sweep (or a repeated void) puts the amount back once', async () => {
      const member = await memberWithComps(10_000);
      const issued = await issueComp(member.id, 'show', 'Main Stage', '25.00');
      const decision = { memberId: member.id, compId: issued.comp.id };
      await expect(compService(crashOnce(step)).void(decision, admin('Manager'))).rejects.toBeInstanceOf(
        Crash,
      );
      expect((await comps().findOne({ id: issued.comp.id }))!).toMatchObject({
        status: 'voided',
        void_settled: false,
      });
      await expect(compService().void(decision, admin('Manager'))).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
      await compService().settleInterrupted(LATER());
      expect((await comps().findOne({ id: issued.comp.id }))!.void_settled).toBe(true);
      await expectSettled(member.id, 10_000);
    });
  });
});
