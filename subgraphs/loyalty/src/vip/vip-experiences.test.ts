import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { Decimal128 } from 'mongodb';
import { loyaltySubgraph } from '../index';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import type { MemberDocument } from '../members/member-store';
import type { PointsLedgerDocument } from '../points/ledger-store';
import { PointsLedger } from '../points/points-ledger';
import type { PostingHooks } from '../points/points-ledger';
import { CompService } from '../comps/comp-service';
import { createStores } from '../stores';
import { Crash, crashOnce } from '../testing/crash';
import { admin, COMPLIANCE_SERVICE, insertMemberWithComps } from '../testing/fixtures';
import { EraseLoyaltyMemberDataDocument } from '../__generated__/operations';
import { VipExperienceService } from './vip-experience-service';
import type { VipExperienceDocument } from './vip-experience-store';

const FIELDS = /* GraphQL */ `
  experience {
    id
    kind
    status
    cost
    tier
    requestedBy
    approvedBy
    cancelReason
    startsAt
  }
  member {
    id
  }
  compBalance
`;

const REQUEST = /* GraphQL */ `
  mutation Request($input: RequestVipExperienceInput!) {
    requestVipExperience(input: $input) {
      ${FIELDS}
    }
  }
`;

const step = (field: string) => /* GraphQL */ `
  mutation Step($input: VipExperienceStepInput!) {
    ${field}(input: $input) {
      ${FIELDS}
    }
  }
`;

const HISTORY = /* GraphQL */ `
  query History($id: ID!) {
    member(id: $id) {
      vipExperiences(first: 10) {
        totalCount
        edges {
          node {
            id
            kind
            status
            cost
          }
        }
      }
    }
  }
`;

interface Experience {
  id: string;
  kind: string;
  status: string;
  cost: string;
  approvedBy: string | null;
  cancelReason: string | null;
  startsAt: string;
}
type Changed = Record<string, { experience: Experience; compBalance: string }>;

const SETTINGS = DEFAULT_LOYALTY_SETTINGS;
const STARTS = '2026-12-24T20:00:00.000Z';

describe('VIP experiences', () => {
  let harness: SubgraphHarness;
  const experiences = () => harness.db.collection<VipExperienceDocument>('vip_experiences');
  const ledger = () => harness.db.collection<PointsLedgerDocument>('points_ledger');
  const balanceOf = async (memberId: string) =>
    (await harness.db.collection<MemberDocument>('members').findOne({ id: memberId }))!.comp_balance_cents;
  const ledgerSum = async (memberId: string) =>
    (await ledger().find({ member_id: memberId, balance: 'comps' }).toArray()).reduce(
      (t, e) => t + e.amount,
      0,
    );
  const member = (cents: number, tier: MemberDocument['tier'] = 'Diamond') =>
    insertMemberWithComps(harness.db, cents, { tier });

  const request = (input: Record<string, unknown>, identity = admin('Supervisor')) =>
    harness.execute<Changed>(
      REQUEST,
      {
        input: {
          kind: 'suite',
          description: 'Tower suite, two nights',
          cost: '300.00',
          startsAt: STARTS,
          ...input,
        },
      },
      { identity },
    );
  const act = (field: string, input: Record<string, unknown>, identity = admin('Manager')) =>
    harness.execute<Changed>(step(field), { input }, { identity });
  async function requested(memberId: string, cost = '300.00', identity = admin('Supervisor')) {
    const result = await request({ memberId, cost }, identity);
    expect(result.errors).toBeUndefined();
    return result.data!.requestVipExperience.experience;
  }
  const codes = (result: { errors?: { extensions?: Record<string, unknown> }[] }) =>
    (result.errors ?? []).map((e) => e.extensions?.code);

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('goes requested → approved (charged once) → scheduled → completed, audited under the member', async () => {
    const m = await member(50_000);
    harness.auditEvents.length = 0;
    const booked = await requested(m.id);
    expect(booked).toMatchObject({ kind: 'suite', status: 'requested', cost: '300.00', startsAt: STARTS });
    expect(await balanceOf(m.id)).toBe(50_000);

    const approved = await act('approveVipExperience', { memberId: m.id, experienceId: booked.id });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.approveVipExperience).toMatchObject({
      experience: { status: 'approved', approvedBy: expect.any(String) },
      compBalance: '200.00',
    });
    expect(await balanceOf(m.id)).toBe(20_000);
    expect(await ledgerSum(m.id)).toBe(20_000);

    const later = '2026-12-25T19:00:00.000Z';
    const scheduled = await act(
      'scheduleVipExperience',
      { memberId: m.id, experienceId: booked.id, startsAt: later },
      admin('Supervisor'),
    );
    expect(scheduled.data!.scheduleVipExperience.experience).toMatchObject({
      status: 'scheduled',
      startsAt: later,
    });
    const completed = await act(
      'completeVipExperience',
      { memberId: m.id, experienceId: booked.id },
      admin('Supervisor'),
    );
    expect(completed.data!.completeVipExperience.experience.status).toBe('completed');
    // completed is final: no cancellation, no second completion
    const cancel = await act('cancelVipExperience', { memberId: m.id, experienceId: booked.id });
    expect(codes(cancel)).toEqual(['CONFLICT']);
    expect(await balanceOf(m.id)).toBe(20_000);

    expect(harness.auditEvents.map((e) => [e.action, e.outcome])).toEqual([
      ['requestVipExperience', 'allowed'],
      ['approveVipExperience', 'allowed'],
      ['scheduleVipExperience', 'allowed'],
      ['completeVipExperience', 'allowed'],
      ['cancelVipExperience', 'failed'],
    ]);
    expect(harness.auditEvents[1]!.changes).toMatchObject({
      before: { memberId: m.id, compBalance: '500.00' },
      after: { memberId: m.id, compBalance: '200.00', vipExperience: { id: booked.id, status: 'approved' } },
    });

    const history = await harness.execute<{
      member: { vipExperiences: { totalCount: number; edges: { node: Experience }[] } };
    }>(HISTORY, { id: m.id }, { identity: admin('Supervisor') });
    expect(history.data!.member.vipExperiences).toMatchObject({
      totalCount: 1,
      edges: [{ node: { id: booked.id, kind: 'suite', status: 'completed', cost: '300.00' } }],
    });
  });

  it("refuses a kind above the member's tier, and stores nothing", async () => {
    const ruby = await member(50_000, 'Ruby');
    const refused = await request({ memberId: ruby.id, kind: 'suite' });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(refused.errors![0]!.message).toBe('A suite needs the Diamond tier or above; the member is Ruby');
    const salon = await request({ memberId: (await member(50_000, 'Diamond')).id, kind: 'private_salon' });
    expect(codes(salon)).toEqual(['FORBIDDEN']);
    expect(await experiences().countDocuments({ member_id: ruby.id })).toBe(0);
    // the same kind for a tier that reaches it
    const sapphire = await member(50_000, 'Sapphire');
    expect((await request({ memberId: sapphire.id, kind: 'event_tickets' })).errors).toBeUndefined();
  });

  it('refuses bad input with BAD_USER_INPUT', async () => {
    const m = await member(50_000);
    for (const input of [
      { cost: '0.00' },
      { cost: '-5.00' },
      { description: '  ' },
      { memberId: 'nobody' },
    ]) {
      expect(codes(await request({ memberId: m.id, ...input }))).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('refuses an approval the comp balance does not cover: still requested, nothing charged', async () => {
    const m = await member(10_000);
    const booked = await requested(m.id, '100.01');
    const refused = await act('approveVipExperience', { memberId: m.id, experienceId: booked.id });
    expect(codes(refused)).toEqual(['CONFLICT']);
    expect(refused.errors![0]!.message).toBe('Not enough comp balance: the charge is 100.01');
    expect(await experiences().findOne({ id: booked.id })).toMatchObject({
      status: 'requested',
      approved_by: null,
    });
    expect(await balanceOf(m.id)).toBe(10_000);
    expect(await ledgerSum(m.id)).toBe(10_000);
    expect(
      await ledger().countDocuments({ member_id: m.id, source: 'comp_charge', applied: { $ne: false } }),
    ).toBe(0);
  });

  it('approval needs a Manager whose comp limit covers the cost', async () => {
    const m = await member(200_000);
    const booked = await requested(m.id, '600.00');
    const input = { memberId: m.id, experienceId: booked.id };
    expect(codes(await act('approveVipExperience', input, admin('Supervisor')))).toEqual(['FORBIDDEN']);
    const manager = await act('approveVipExperience', input, admin('Manager'));
    expect(codes(manager)).toEqual(['FORBIDDEN']);
    expect(manager.errors![0]!.message).toBe('Approving a VIP experience of 600.00 is above your comp limit');
    expect(await balanceOf(m.id)).toBe(200_000);
    const general = await act('approveVipExperience', input, admin('GeneralAdmin'));
    expect(general.data!.approveVipExperience.compBalance).toBe('1400.00');
  });

  it('charges once when two approvals race, refunds once when two cancellations race', async () => {
    const m = await member(50_000);
    const booked = await requested(m.id);
    const input = { memberId: m.id, experienceId: booked.id };
    const approvals = await Promise.all([1, 2].map(() => act('approveVipExperience', input)));
    expect(approvals.map((r) => codes(r)).sort()).toEqual([[], ['CONFLICT']]);
    expect(await balanceOf(m.id)).toBe(20_000);
    expect(await ledgerSum(m.id)).toBe(20_000);

    const cancels = await Promise.all(
      [1, 2].map(() => act('cancelVipExperience', { ...input, reason: 'flight cancelled' })),
    );
    expect(cancels.map((r) => codes(r)).sort()).toEqual([[], ['CONFLICT']]);
    const winner = cancels.find((r) => !r.errors)!.data!.cancelVipExperience;
    expect(winner).toMatchObject({
      experience: { status: 'cancelled', cancelReason: 'flight cancelled' },
      compBalance: '500.00',
    });
    expect(await balanceOf(m.id)).toBe(50_000);
    expect(await ledgerSum(m.id)).toBe(50_000);
    expect(await ledger().countDocuments({ member_id: m.id, source: 'comp_charge' })).toBe(2);
    expect(await experiences().findOne({ id: booked.id })).toMatchObject({ refund_settled: true });
  });

  describe('cancelling', () => {
    it('the requester cancels their own request before approval; nothing was charged', async () => {
      const m = await member(50_000);
      const host = admin('Supervisor');
      const booked = await requested(m.id, '300.00', host);
      const result = await act('cancelVipExperience', { memberId: m.id, experienceId: booked.id }, host);
      expect(result.data!.cancelVipExperience).toMatchObject({
        experience: { status: 'cancelled' },
        compBalance: '500.00',
      });
      expect(await ledger().countDocuments({ member_id: m.id, source: 'comp_charge' })).toBe(0);
    });

    it("a Supervisor cancels neither another admin's request nor their own once approved", async () => {
      const m = await member(50_000);
      const other = await requested(m.id, '100.00', admin('Manager'));
      const refused = await act(
        'cancelVipExperience',
        { memberId: m.id, experienceId: other.id },
        admin('Supervisor'),
      );
      expect(codes(refused)).toEqual(['FORBIDDEN']);

      const host = admin('Supervisor');
      const own = await requested(m.id, '100.00', host);
      await act('approveVipExperience', { memberId: m.id, experienceId: own.id });
      const late = await act('cancelVipExperience', { memberId: m.id, experienceId: own.id }, host);
      expect(codes(late)).toEqual(['FORBIDDEN']);
      expect(await experiences().findOne({ id: own.id })).toMatchObject({ status: 'approved' });
      expect(await balanceOf(m.id)).toBe(40_000);
    });

    it('a Manager cancels a scheduled experience and its cost goes back on the balance', async () => {
      const m = await member(50_000);
      const booked = await requested(m.id);
      const input = { memberId: m.id, experienceId: booked.id };
      await act('approveVipExperience', input);
      await act('scheduleVipExperience', input, admin('Supervisor'));
      expect(await balanceOf(m.id)).toBe(20_000);
      const result = await act('cancelVipExperience', input);
      expect(result.data!.cancelVipExperience.compBalance).toBe('500.00');
      expect(await balanceOf(m.id)).toBe(50_000);
    });

    it('an experience of another member is NOT_FOUND', async () => {
      const m = await member(50_000);
      const booked = await requested(m.id);
      const stranger = await member(50_000);
      const result = await act('cancelVipExperience', { memberId: stranger.id, experienceId: booked.id });
      expect(codes(result)).toEqual(['NOT_FOUND']);
    });
  });

  it('refuses steps out of order with CONFLICT', async () => {
    const m = await member(50_000);
    const booked = await requested(m.id);
    const input = { memberId: m.id, experienceId: booked.id };
    expect(codes(await act('scheduleVipExperience', input))).toEqual(['CONFLICT']);
    expect(codes(await act('completeVipExperience', input))).toEqual(['CONFLICT']);
  });

  describe.each(['afterRecord', 'afterApply'] as const)('a crash %s of the posting', (at) => {
    const stores = () => createStores(harness.db);
    const service = (hooks: PostingHooks = {}) => {
      const ledger = new PointsLedger(stores(), SETTINGS, hooks);
      return new VipExperienceService(
        stores(),
        SETTINGS,
        new CompService(stores(), SETTINGS, ledger),
        ledger,
      );
    };
    const LATER = () => new Date(Date.now() + 60_000);

    it('approval: the sweep finishes it (balance moved) or puts it back to requested (it did not)', async () => {
      const m = await member(50_000);
      const booked = await requested(m.id);
      const input = { memberId: m.id, experienceId: booked.id };
      await expect(service(crashOnce(at)).approve(input, admin('Manager'))).rejects.toBeInstanceOf(Crash);
      expect((await experiences().findOne({ id: booked.id }))!.status).toBe('approving');
      await service().settleInterrupted(LATER());
      const stored = (await experiences().findOne({ id: booked.id }))!;
      if (at === 'afterApply') {
        expect(stored.status).toBe('approved');
        expect(await balanceOf(m.id)).toBe(20_000);
      } else {
        expect(stored).toMatchObject({ status: 'requested', approved_by: null });
        expect(await balanceOf(m.id)).toBe(50_000);
        // and it can be approved again, charged once
        await service().approve(input, admin('Manager'));
        expect(await balanceOf(m.id)).toBe(20_000);
      }
      expect(await ledgerSum(m.id)).toBe(await balanceOf(m.id));
      expect(await service().settleInterrupted(LATER())).toEqual({ finished: 0, undone: 0 });
    });

    it('cancellation: a repeated cancel or the sweep refunds it once', async () => {
      const m = await member(50_000);
      const booked = await requested(m.id);
      const input = { memberId: m.id, experienceId: booked.id, reason: 'weather' };
      await service().approve(input, admin('Manager'));
      await expect(service(crashOnce(at)).cancel(input, admin('Manager'))).rejects.toBeInstanceOf(Crash);
      expect(await experiences().findOne({ id: booked.id })).toMatchObject({
        status: 'cancelled',
        refund_settled: false,
      });
      await expect(service().cancel(input, admin('Manager'))).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
      await service().settleInterrupted(LATER());
      expect(await experiences().findOne({ id: booked.id })).toMatchObject({ refund_settled: true });
      expect(await balanceOf(m.id)).toBe(50_000);
      expect(await ledgerSum(m.id)).toBe(50_000);
      expect(await ledger().countDocuments({ member_id: m.id, applied: false })).toBe(0);
    });
  });

  it('erasing the member erases what was booked and why it was cancelled; the costs stay', async () => {
    const m = await member(50_000);
    const kept = await requested(m.id);
    const called = await requested(m.id, '50.00');
    await act('cancelVipExperience', { memberId: m.id, experienceId: called.id, reason: 'family emergency' });
    const erased = await harness.execute(
      EraseLoyaltyMemberDataDocument,
      { memberId: m.id },
      { identity: COMPLIANCE_SERVICE },
    );
    expect(erased.errors).toBeUndefined();
    const stored = await experiences()
      .find({ member_id: m.id }, { sort: { cost_cents: 1 } })
      .toArray();
    expect(stored.map((e) => [e.id, e.description, e.cancel_reason, e.cost_cents])).toEqual([
      [called.id, '[erased]', '[erased]', 5_000],
      [kept.id, '[erased]', null, 30_000],
    ]);
  });

  it('the Money input is exact (Decimal128 in, cents stored)', async () => {
    const m = await member(50_000);
    const booked = await service().request(
      {
        memberId: m.id,
        kind: 'limousine',
        description: 'Airport run',
        cost: Decimal128.fromString('99.99'),
        startsAt: new Date(STARTS),
      },
      admin('Supervisor'),
    );
    expect(booked.experience.cost_cents).toBe(9_999);
  });

  function service() {
    const stores = createStores(harness.db);
    const ledger = new PointsLedger(stores, SETTINGS);
    return new VipExperienceService(stores, SETTINGS, new CompService(stores, SETTINGS, ledger), ledger);
  }
});
