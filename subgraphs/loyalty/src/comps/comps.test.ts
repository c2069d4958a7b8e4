import { randomUUID } from 'node:crypto';
import { startTestGaming } from '@casino/gaming/testing';
import type { TestGaming } from '@casino/gaming/testing';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { createLoyaltySubgraph } from '../index';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import type { MemberDocument, Tier } from '../members/member-store';
import type { PointsLedgerDocument } from '../points/ledger-store';
import { admin, COMPLIANCE_SERVICE, insertMember, insertMemberWithComps, SERVICE } from '../testing/fixtures';
import { CreditGamingSessionDocument } from '../__generated__/operations';
import type { CreditGamingSessionInput } from '../__generated__/operations';
import { createStores } from '../stores';
import { CompService } from './comp-service';
import type { CompDocument } from './comp-store';
import { PointsLedger } from '../points/points-ledger';

const ISSUE = /* GraphQL */ `
  mutation Issue($input: IssueCompInput!) {
    issueComp(input: $input) {
      comp {
        id
        status
        amount
        category
        outlet
        tier
        requestedBy
        approvedBy
      }
      member {
        id
        compBalance
      }
      compBalance
    }
  }
`;

const decision = (field: string) => /* GraphQL */ `
  mutation Decide($input: CompDecisionInput!) {
    ${field}(input: $input) {
      comp {
        id
        status
        amount
        approvedBy
        declineReason
        voidReason
      }
      compBalance
    }
  }
`;

const CHECK = /* GraphQL */ `
  query Check($memberId: ID!) {
    memberLedgerCheck(memberId: $memberId) {
      compBalance
      compLedgerSum
      consistent
    }
  }
`;

const COMPS = /* GraphQL */ `
  query Comps($filter: CompFilter) {
    comps(filter: $filter, first: 50) {
      totalCount
      edges {
        node {
          id
          status
          amount
          note
          member {
            id
          }
        }
      }
    }
  }
`;

/** Limits of 100.00 (Supervisor) and 500.00 (Manager), the defaults. */
const SETTINGS = DEFAULT_LOYALTY_SETTINGS;

describe('comps', () => {
  let harness: SubgraphHarness;
  let gaming: TestGaming;
  const members = () => harness.db.collection<MemberDocument>('members');
  const ledger = () => harness.db.collection<PointsLedgerDocument>('points_ledger');
  const comps = () => harness.db.collection<CompDocument>('comps');

  /** A member whose comp balance (in cents) is backed by a ledger entry, as every balance must be. */
  const memberWithComps = (cents: number, overrides: Partial<MemberDocument> = {}) =>
    insertMemberWithComps(harness.db, cents, overrides);
  const balanceOf = async (memberId: string) =>
    (await members().findOne({ id: memberId }))!.comp_balance_cents;
  async function ledgerSum(memberId: string) {
    const [row] = await ledger()
      .aggregate<{ sum: number }>([
        { $match: { member_id: memberId, balance: 'comps' } },
        { $group: { _id: null, sum: { $sum: '$amount' } } },
      ])
      .toArray();
    return row?.sum ?? 0;
  }
  const issue = (input: Record<string, unknown>, role = 'Supervisor') =>
    harness.execute<{
      issueComp: {
        comp: { id: string; status: string; amount: string; approvedBy: string | null };
        member: { compBalance: string };
        compBalance: string;
      };
    }>(ISSUE, { input: { category: 'dining', outlet: 'Ocean Grill', ...input } }, { identity: admin(role) });
  const decide = (field: string, input: Record<string, unknown>, role = 'Manager') =>
    harness.execute<Record<string, { comp: { id: string; status: string }; compBalance: string }>>(
      decision(field),
      { input },
      { identity: admin(role) },
    );
  const check = async (memberId: string) =>
    (
      await harness.execute<{
        memberLedgerCheck: { compBalance: string; compLedgerSum: string; consistent: boolean };
      }>(CHECK, { memberId }, { identity: admin('Manager') })
    ).data!.memberLedgerCheck;

  beforeAll(async () => {
    gaming = await startTestGaming();
    harness = await startSubgraphHarness(createLoyaltySubgraph(SETTINGS), {
      services: { gaming: gaming.client },
    });
  });
  afterAll(async () => {
    await harness.close();
    await gaming.stop();
  });

  describe('accrual from theo', () => {
    const credit = async (memberId: string, theo: string) => {
      const stored = await gaming.addSession({
        memberId,
        theo,
        pointsRate: 1,
        endedAt: new Date('2026-03-01T22:00:00.000Z'),
      });
      return {
        memberId,
        sessionId: stored.id,
        theo: stored.theo!.toString(),
        pointsRate: 1,
        endedAt: stored.session_end!.toISOString(),
      } as CreditGamingSessionInput;
    };

    it.each<[Tier, string, number]>([
      ['Ruby', '1000.50', 10_005],
      ['Sapphire', '1000.50', 15_007],
      ['Diamond', '333.33', 6_666],
      ['VIP', '0.03', 0],
    ])(
      'a %s member earns theo × the tier rate (theo %s → %i cents), rounded down',
      async (tier, theo, cents) => {
        const member = await insertMember(harness.db, { tier });
        const result = await harness.execute(
          CreditGamingSessionDocument,
          { input: await credit(member.id, theo) },
          {
            identity: SERVICE,
          },
        );
        expect(result.errors).toBeUndefined();
        expect(await balanceOf(member.id)).toBe(cents);
        const entry = await ledger().findOne({ member_id: member.id, balance: 'comps' });
        expect(entry).toMatchObject({ type: 'earn', amount: cents, source: 'gaming_session', tier });
        expect(await check(member.id)).toMatchObject({ consistent: true });
      },
    );

    it('credits the comps of a session exactly once under concurrent retries', async () => {
      const member = await insertMember(harness.db, { tier: 'Diamond' });
      const input = await credit(member.id, '250.00');
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          harness.execute(CreditGamingSessionDocument, { input }, { identity: SERVICE }),
        ),
      );
      expect(results.every((r) => !r.errors)).toBe(true);
      expect(await balanceOf(member.id)).toBe(5_000);
      expect(await ledger().countDocuments({ member_id: member.id, balance: 'comps' })).toBe(1);
      expect(await check(member.id)).toEqual({
        compBalance: '50.00',
        compLedgerSum: '50.00',
        consistent: true,
      });
    });
  });

  describe('issuing', () => {
    it('issues within the limit from the balance, audited with the member as target', async () => {
      const member = await memberWithComps(20_000);
      harness.auditEvents.length = 0;
      const result = await issue({ memberId: member.id, amount: '75.50', note: 'anniversary' });
      expect(result.errors).toBeUndefined();
      expect(result.data!.issueComp).toMatchObject({
        comp: { status: 'issued', amount: '75.50', approvedBy: null },
        member: { compBalance: '124.50' },
        compBalance: '124.50',
      });
      expect(await balanceOf(member.id)).toBe(12_450);
      expect(await ledgerSum(member.id)).toBe(12_450);
      expect(await ledger().findOne({ source_id: result.data!.issueComp.comp.id })).toMatchObject({
        balance: 'comps',
        type: 'redeem',
        amount: -7_550,
        source: 'comp',
      });
      expect(harness.auditEvents.map((e) => [e.action, e.outcome, e.targetId])).toEqual([
        ['issueComp', 'allowed', member.id],
      ]);
      expect(harness.auditEvents[0]!.changes).toMatchObject({
        before: { memberId: member.id, compBalance: '200.00' },
        after: { memberId: member.id, compBalance: '124.50', comp: { status: 'issued', amount: '75.50' } },
      });
    });

    it('refuses a comp the balance does not cover with CONFLICT, and stores nothing', async () => {
      const member = await memberWithComps(5_000);
      const result = await issue({ memberId: member.id, amount: '50.01' });
      expect(result.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect(result.errors![0]!.message).toBe('Not enough comp balance: the comp is 50.01');
      expect(await balanceOf(member.id)).toBe(5_000);
      expect(await comps().countDocuments({ member_id: member.id })).toBe(0);
      expect(await check(member.id)).toMatchObject({ consistent: true });
    });

    it('refuses bad input with BAD_USER_INPUT', async () => {
      const member = await memberWithComps(5_000);
      for (const input of [
        { memberId: member.id, amount: '0.00' },
        { memberId: member.id, amount: '-5.00' },
        { memberId: member.id, amount: '5.00', outlet: ' ' },
        { memberId: randomUUID(), amount: '5.00' },
      ]) {
        const result = await issue(input);
        expect(result.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT');
      }
      expect(await balanceOf(member.id)).toBe(5_000);
    });

    it('refuses free play for a self-excluded member', async () => {
      const member = await memberWithComps(5_000, { self_excluded: true });
      const result = await issue({ memberId: member.id, amount: '5.00', category: 'free_play' });
      expect(result.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(await balanceOf(member.id)).toBe(5_000);
    });

    it.each([
      [50, 7],
      [50, 20],
    ])(
      '%i concurrent issues of 25.00 against a balance for %i: exactly that many succeed, the rest CONFLICT',
      async (attempts, covered) => {
        const member = await memberWithComps(covered * 2_500);
        const results = await Promise.all(
          Array.from({ length: attempts }, (_, i) =>
            issue({ memberId: member.id, amount: '25.00', outlet: `Outlet ${i}` }),
          ),
        );
        const succeeded = results.filter((r) => !r.errors);
        const refused = results.filter((r) => r.errors);
        console.log(
          `comps concurrency: ${attempts} concurrent issues of 25.00 against a balance of ${covered * 25}.00: ` +
            `${succeeded.length} issued, ${refused.length} refused (${[
              ...new Set(refused.map((r) => r.errors![0]!.extensions!.code)),
            ].join(
              ', ',
            )}), balance ${await balanceOf(member.id)} cents, ledger sum ${await ledgerSum(member.id)} cents`,
        );
        expect(succeeded).toHaveLength(covered);
        expect(refused).toHaveLength(attempts - covered);
        for (const r of refused) {
          expect(r.errors![0]!.extensions!.code).toBe('CONFLICT');
          expect(r.errors![0]!.message).toBe('Not enough comp balance: the comp is 25.00');
        }
        expect(await balanceOf(member.id)).toBe(0);
        expect(await ledgerSum(member.id)).toBe(0);
        expect(await comps().countDocuments({ member_id: member.id, status: 'issued' })).toBe(covered);
        expect(await comps().countDocuments({ member_id: member.id, status: { $ne: 'issued' } })).toBe(0);
        expect(await check(member.id)).toEqual({
          compBalance: '0.00',
          compLedgerSum: '0.00',
          consistent: true,
        });
      },
    );

    it('answers a retry with the same idempotency key with the first comp, and refuses the key for another', async () => {
      const member = await memberWithComps(10_000);
      const input = { memberId: member.id, amount: '40.00', idempotencyKey: 'tablet-1' };
      const results = await Promise.all(Array.from({ length: 5 }, () => issue(input)));
      expect(results.every((r) => !r.errors)).toBe(true);
      expect(new Set(results.map((r) => r.data!.issueComp.comp.id)).size).toBe(1);
      expect(await balanceOf(member.id)).toBe(6_000);
      const other = await issue({ ...input, amount: '41.00' });
      expect(other.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect(await balanceOf(member.id)).toBe(6_000);
    });
  });

  describe('limits and approval', () => {
    it('above the Supervisor limit the comp waits for approval, taking nothing; a Manager approves it', async () => {
      const member = await memberWithComps(50_000);
      const asked = await issue({ memberId: member.id, amount: '100.01' }, 'Supervisor');
      expect(asked.data!.issueComp).toMatchObject({
        comp: { status: 'pending_approval', amount: '100.01' },
        compBalance: '500.00',
      });
      expect(await balanceOf(member.id)).toBe(50_000);
      const compId = asked.data!.issueComp.comp.id;
      // a Supervisor cannot approve (the rule), and redeeming or voiding a pending comp is a CONFLICT
      const bySupervisor = await decide('approveComp', { memberId: member.id, compId }, 'Supervisor');
      expect(bySupervisor.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      const early = await decide('redeemComp', { memberId: member.id, compId }, 'Supervisor');
      expect(early.errors![0]!.extensions!.code).toBe('CONFLICT');
      harness.auditEvents.length = 0;
      const approved = await decide('approveComp', { memberId: member.id, compId }, 'Manager');
      expect(approved.errors).toBeUndefined();
      expect(approved.data!.approveComp).toMatchObject({ comp: { status: 'issued' }, compBalance: '399.99' });
      expect(harness.auditEvents.map((e) => [e.action, e.outcome, e.targetId])).toEqual([
        ['approveComp', 'allowed', member.id],
      ]);
      const again = await decide('approveComp', { memberId: member.id, compId }, 'Manager');
      expect(again.errors![0]).toMatchObject({
        message: 'This comp is issued, not pending approval',
        extensions: { code: 'CONFLICT' },
      });
      expect(await balanceOf(member.id)).toBe(39_999);
      expect(await check(member.id)).toMatchObject({ consistent: true });
    });

    it('above the Manager limit only GeneralAdmin and above approve or decline; the denial says who', async () => {
      const member = await memberWithComps(100_000);
      const asked = await issue({ memberId: member.id, amount: '600.00' }, 'Manager');
      expect(asked.data!.issueComp.comp.status).toBe('pending_approval');
      const compId = asked.data!.issueComp.comp.id;
      harness.auditEvents.length = 0;
      const byManager = await decide('approveComp', { memberId: member.id, compId }, 'Manager');
      expect(byManager.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(byManager.errors![0]!.message).toContain('needs GeneralAdmin or above');
      expect(harness.auditEvents.map((e) => [e.action, e.outcome, e.targetId])).toEqual([
        ['approveComp', 'denied', member.id],
      ]);
      const declined = await decide(
        'declineComp',
        { memberId: member.id, compId, reason: 'over budget' },
        'GeneralAdmin',
      );
      expect(declined.data!.declineComp).toMatchObject({
        comp: { status: 'declined' },
        compBalance: '1000.00',
      });
      const late = await decide('approveComp', { memberId: member.id, compId }, 'SuperAdmin');
      expect(late.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect(await balanceOf(member.id)).toBe(100_000);
      // GeneralAdmin issues any amount at once
      const big = await issue({ memberId: member.id, amount: '999.00' }, 'GeneralAdmin');
      expect(big.data!.issueComp).toMatchObject({ comp: { status: 'issued' }, compBalance: '1.00' });
    });

    it('an approval the balance no longer covers is a CONFLICT and the comp stays pending', async () => {
      const member = await memberWithComps(15_000);
      const asked = await issue({ memberId: member.id, amount: '120.00' }, 'Supervisor');
      const compId = asked.data!.issueComp.comp.id;
      await issue({ memberId: member.id, amount: '90.00' }, 'Supervisor');
      const approved = await decide('approveComp', { memberId: member.id, compId }, 'Manager');
      expect(approved.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect((await comps().findOne({ id: compId }))!).toMatchObject({
        status: 'pending_approval',
        approved_by: null,
      });
      expect(await balanceOf(member.id)).toBe(6_000);
      expect(await check(member.id)).toMatchObject({ consistent: true });
    });

    it('a comp of another member is NOT_FOUND', async () => {
      const member = await memberWithComps(5_000);
      const other = await memberWithComps(5_000);
      const asked = await issue({ memberId: member.id, amount: '10.00' });
      const compId = asked.data!.issueComp.comp.id;
      const wrong = await decide('voidComp', { memberId: other.id, compId }, 'Manager');
      expect(wrong.errors![0]!.extensions!.code).toBe('NOT_FOUND');
    });
  });

  describe('redeeming and voiding', () => {
    it('redeems once; a redeemed comp cannot be voided', async () => {
      const member = await memberWithComps(5_000);
      const compId = (await issue({ memberId: member.id, amount: '30.00' })).data!.issueComp.comp.id;
      const redeemed = await Promise.all(
        Array.from({ length: 5 }, () => decide('redeemComp', { memberId: member.id, compId }, 'Supervisor')),
      );
      expect(redeemed.filter((r) => !r.errors)).toHaveLength(1);
      expect(redeemed.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(4);
      const voided = await decide('voidComp', { memberId: member.id, compId, reason: 'mistake' }, 'Manager');
      expect(voided.errors![0]!.extensions!.code).toBe('CONFLICT');
      expect(await balanceOf(member.id)).toBe(2_000);
    });

    it('a void puts the amount back exactly once, even when many void at once', async () => {
      const member = await memberWithComps(5_000);
      const compId = (await issue({ memberId: member.id, amount: '30.00' })).data!.issueComp.comp.id;
      const voids = await Promise.all(
        Array.from({ length: 8 }, () =>
          decide('voidComp', { memberId: member.id, compId, reason: 'guest left' }, 'Manager'),
        ),
      );
      expect(voids.filter((r) => !r.errors)).toHaveLength(1);
      for (const refused of voids.filter((r) => r.errors)) {
        expect(refused.errors![0]).toMatchObject({
          message: 'This comp is voided, not issued',
          extensions: { code: 'CONFLICT' },
        });
      }
      expect(await balanceOf(member.id)).toBe(5_000);
      expect(await ledger().countDocuments({ member_id: member.id, type: 'reverse', source: 'comp' })).toBe(
        1,
      );
      const supervisor = await decide('voidComp', { memberId: member.id, compId }, 'Supervisor');
      expect(supervisor.errors![0]!.extensions!.code).toBe('FORBIDDEN');
      expect(await check(member.id)).toMatchObject({ consistent: true });
    });

    it('lists comps by member and status', async () => {
      const member = await memberWithComps(5_000);
      await issue({ memberId: member.id, amount: '10.00' });
      await issue({ memberId: member.id, amount: '200.00' });
      const listed = await harness.execute<{ comps: { totalCount: number } }>(
        COMPS,
        { filter: { memberId: member.id, status: 'pending_approval' } },
        { identity: admin('Supervisor') },
      );
      expect(listed.data!.comps.totalCount).toBe(1);
      const anonymous = await harness.execute(
        COMPS,
        { filter: { memberId: member.id } },
        { identity: { kind: 'anonymous' } },
      );
      expect(anonymous.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('charges by other flows (chargeComps / refundComps)', () => {
    const service = () =>
      new CompService(
        createStores(harness.db),
        SETTINGS,
        new PointsLedger(createStores(harness.db), SETTINGS),
      );

    it('charges once per key under concurrency and refunds once', async () => {
      const member = await memberWithComps(10_000);
      const key = `vip:${randomUUID()}`;
      const charges = await Promise.all(
        Array.from({ length: 10 }, () => service().chargeComps({ memberId: member.id, cents: 4_000, key })),
      );
      expect(charges.filter((c) => c.applied)).toHaveLength(1);
      expect(await balanceOf(member.id)).toBe(6_000);
      await expect(service().chargeComps({ memberId: member.id, cents: 100, key })).rejects.toMatchObject({
        extensions: { code: 'CONFLICT' },
      });
      const refunds = await Promise.all(Array.from({ length: 5 }, () => service().refundComps(key)));
      expect(refunds.filter((r) => r.applied)).toHaveLength(1);
      expect(await balanceOf(member.id)).toBe(10_000);
      await expect(service().refundComps('never-charged')).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await expect(
        service().chargeComps({ memberId: member.id, cents: 10_001, key: `vip:${randomUUID()}` }),
      ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
      expect(await balanceOf(member.id)).toBe(10_000);
      expect(await check(member.id)).toMatchObject({ consistent: true });
    });
  });

  describe('erasure', () => {
    it("erases the comps' notes and keeps the comps", async () => {
      const member = await memberWithComps(5_000);
      await issue({ memberId: member.id, amount: '10.00', note: 'Likes the window table, allergic to nuts' });
      const ERASE = /* GraphQL */ `
        mutation Erase($memberId: ID!) {
          eraseLoyaltyMemberData(memberId: $memberId) {
            compsKept
          }
        }
      `;
      const erased = await harness.execute<{ eraseLoyaltyMemberData: { compsKept: number } }>(
        ERASE,
        { memberId: member.id },
        { identity: COMPLIANCE_SERVICE },
      );
      expect(erased.data!.eraseLoyaltyMemberData.compsKept).toBe(1);
      expect((await comps().findOne({ member_id: member.id }))!).toMatchObject({
        note: '[erased]',
        amount_cents: 1_000,
        status: 'issued',
      });
    });
  });
});
