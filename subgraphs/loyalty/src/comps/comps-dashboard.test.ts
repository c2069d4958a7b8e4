import { randomUUID } from 'node:crypto';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { LOYALTY_COMP_FIGURES } from '../testing/dashboard';
import { loyaltySubgraph } from '../index';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import type { MemberDocument, Tier } from '../members/member-store';
import { admin, memberDocument } from '../testing/fixtures';
import { createStores } from '../stores';
import { PointsLedger } from '../points/points-ledger';
import { CompService } from './comp-service';

const DASHBOARD = /* GraphQL */ `
  query ($range: DateRangeInput!) {
    loyaltyDashboard(range: $range) {
      ...CompFigures
    }
  }
  ${LOYALTY_COMP_FIGURES}
`;

const ISSUE = /* GraphQL */ `
  mutation ($input: IssueCompInput!) {
    issueComp(input: $input) {
      comp {
        id
        status
      }
    }
  }
`;

const DECIDE = (field: string) => /* GraphQL */ `
  mutation ($input: CompDecisionInput!) {
    ${field}(input: $input) {
      comp {
        status
      }
    }
  }
`;

const DAY = 86_400_000;

describe('loyaltyDashboard: comps', () => {
  let harness: SubgraphHarness;

  /** A member whose comp balance is what its accruals earned (ledger entries with their theo and tier). */
  async function member(tier: Tier, accruals: { cents: number; theoCents: number; at: Date }[]) {
    const doc = memberDocument({ tier, comp_balance_cents: accruals.reduce((t, a) => t + a.cents, 0) });
    await harness.db.collection<MemberDocument>('members').insertOne({ ...doc });
    for (const a of accruals) {
      await harness.db.collection('points_ledger').insertOne({
        id: randomUUID(),
        member_id: doc.id,
        balance: 'comps',
        type: 'earn',
        amount: a.cents,
        source: 'gaming_session',
        source_id: null,
        reason: null,
        theo_cents: a.theoCents,
        tier,
        idempotency_key: `test:${randomUUID()}`,
        created_at: a.at,
      });
    }
    return doc;
  }
  async function issue(memberId: string, amount: string) {
    const result = await harness.execute<{ issueComp: { comp: { id: string } } }>(
      ISSUE,
      { input: { memberId, amount, category: 'show', outlet: 'Main Stage' } },
      { identity: admin('Supervisor') },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.issueComp.comp.id;
  }
  async function decide(field: string, memberId: string, compId: string) {
    const result = await harness.execute(
      DECIDE(field),
      { input: { memberId, compId } },
      { identity: admin('Manager') },
    );
    expect(result.errors).toBeUndefined();
  }

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('shows comps issued, redeemed, voided, outstanding and pending, and reinvestment by tier', async () => {
    const now = new Date();
    const ruby = await member('Ruby', [
      { cents: 10_000, theoCents: 100_000, at: now },
      // before the range: in the balance, not in the range's figures
      { cents: 5_000, theoCents: 50_000, at: new Date(now.getTime() - 30 * DAY) },
    ]);
    const diamond = await member('Diamond', [{ cents: 20_000, theoCents: 100_000, at: now }]);
    await decide('redeemComp', ruby.id, await issue(ruby.id, '30.00'));
    await decide('voidComp', ruby.id, await issue(ruby.id, '20.00'));
    await issue(diamond.id, '50.00');
    await issue(diamond.id, '150.00'); // above the Supervisor limit: pending, nothing taken
    const stores = createStores(harness.db);
    await new CompService(
      stores,
      DEFAULT_LOYALTY_SETTINGS,
      new PointsLedger(stores, DEFAULT_LOYALTY_SETTINGS),
    ).chargeComps({
      memberId: diamond.id,
      cents: 1_000,
      key: 'vip-experience-1',
    });

    const range = {
      from: new Date(now.getTime() - DAY).toISOString(),
      to: new Date(now.getTime() + DAY).toISOString(),
    };
    const result = await harness.execute(DASHBOARD, { range }, { identity: admin('Manager') });
    expect(result.errors).toBeUndefined();
    expect(result.data!.loyaltyDashboard).toEqual({
      compsIssued: '100.00',
      compsRedeemed: '30.00',
      compsVoided: '20.00',
      compsOutstanding: '50.00',
      compsPendingApproval: 1,
      compsPendingApprovalAmount: '150.00',
      // Ruby 150 - 30 (the void gave its 20 back); Diamond 200 - 50 - 10
      compBalanceOutstanding: '260.00',
      compsAccrued: '300.00',
      reinvestmentByTier: [
        { tier: 'Ruby', theo: '1000.00', comps: '30.00', ratio: 0.03 },
        { tier: 'Sapphire', theo: '0.00', comps: '0.00', ratio: null },
        { tier: 'Diamond', theo: '1000.00', comps: '60.00', ratio: 0.06 },
        { tier: 'VIP', theo: '0.00', comps: '0.00', ratio: null },
      ],
    });
  });
});
