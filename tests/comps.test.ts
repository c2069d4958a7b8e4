import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';
import { auditLogsQuery, waitForAuditEntries } from './support/audit-entries';
import type { AuditEntryBase } from './support/audit-entries';

interface AuditEntry extends AuditEntryBase {
  changes: { before: Record<string, unknown> | null; after: Record<string, unknown> | null } | null;
}

const AUDIT_LOGS = auditLogsQuery('action outcome role targetType targetId changes');

const ISSUE = /* GraphQL */ `
  mutation ($input: IssueCompInput!) {
    issueComp(input: $input) {
      comp {
        id
        status
        amount
      }
      member {
        id
        compBalance
      }
    }
  }
`;

/** Comps through the gateway: the supergraph serves them, and the audit trail files them under the member. */
describe('comps through the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 20 });
  }, 180_000);
  afterAll(() => stack?.stop());

  const waitForEntries = (filter: Record<string, unknown>, count: number) =>
    waitForAuditEntries<AuditEntry>(stack, AUDIT_LOGS, filter, count);

  it("issues, holds for approval and declines comps against a seeded member's balance, audited under the member", async () => {
    const listed = await stack.query<{ members: { edges: { node: { id: string; compBalance: string } }[] } }>(
      '{ members(first: 20) { edges { node { id compBalance } } } }',
      {},
      { as: IDENTITIES.Supervisor },
    );
    expect(listed.errors).toBeUndefined();
    const cents = (money: string) => Math.round(Number(money) * 100);
    const [richest] = listed
      .data!.members.edges.map((e) => e.node)
      .sort((a, b) => cents(b.compBalance) - cents(a.compBalance));
    // the demo data gives members a comp balance earned from their theo
    expect(cents(richest!.compBalance)).toBeGreaterThanOrEqual(1_000);
    const memberId = richest!.id;

    const issued = await stack.query<{
      issueComp: { comp: { id: string; status: string }; member: { compBalance: string } };
    }>(
      ISSUE,
      { input: { memberId, category: 'dining', outlet: 'Ocean Grill', amount: '10.00' } },
      { as: IDENTITIES.Supervisor },
    );
    expect(issued.errors).toBeUndefined();
    expect(issued.data!.issueComp.comp.status).toBe('issued');
    expect(cents(issued.data!.issueComp.member.compBalance)).toBe(cents(richest!.compBalance) - 1_000);

    // above a Supervisor's limit (100.00): held for approval, nothing taken, declined by a Manager
    const held = await stack.query<{
      issueComp: { comp: { id: string; status: string }; member: { compBalance: string } };
    }>(
      ISSUE,
      { input: { memberId, category: 'hotel', outlet: 'Tower Suites', amount: '150.00' } },
      { as: IDENTITIES.Supervisor },
    );
    expect(held.data!.issueComp.comp.status).toBe('pending_approval');
    expect(held.data!.issueComp.member.compBalance).toBe(issued.data!.issueComp.member.compBalance);
    const supervisorDecline = await stack.query(
      'mutation ($input: CompDecisionInput!) { declineComp(input: $input) { comp { status } } }',
      { input: { memberId, compId: held.data!.issueComp.comp.id, reason: 'over budget' } },
      { as: IDENTITIES.Supervisor },
    );
    expect(supervisorDecline.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    // the refusal names the role the mutation needs, nothing else
    expect(supervisorDecline.errors![0]!.message).toBe('Requires Manager or above: Mutation.declineComp');
    const declined = await stack.query<{ declineComp: { comp: { status: string } } }>(
      'mutation ($input: CompDecisionInput!) { declineComp(input: $input) { comp { status } } }',
      { input: { memberId, compId: held.data!.issueComp.comp.id, reason: 'over budget' } },
      { as: IDENTITIES.Manager },
    );
    expect(declined.errors).toBeUndefined();
    expect(declined.data!.declineComp.comp.status).toBe('declined');

    // the member's history holds the comp mutations (and whatever the demo data recorded for the member)
    const entries = [
      ...(await waitForEntries({ targetId: memberId, action: 'issueComp' }, 2)),
      ...(await waitForEntries({ targetId: memberId, action: 'declineComp' }, 2)),
    ];
    const summary = entries
      .map((e) => [
        e.action,
        e.outcome,
        e.role,
        e.targetType,
        (e.changes?.after?.comp as { status?: string } | undefined)?.status ?? null,
      ])
      .sort();
    expect(summary).toEqual(
      [
        ['issueComp', 'allowed', 'Supervisor', 'CompChange', 'issued'],
        ['issueComp', 'allowed', 'Supervisor', 'CompChange', 'pending_approval'],
        ['declineComp', 'denied', 'Supervisor', 'CompChange', null],
        ['declineComp', 'allowed', 'Manager', 'CompChange', 'declined'],
      ].sort(),
    );
    const issuedEntry = entries.find(
      (e) => e.action === 'issueComp' && e.changes?.after?.compBalance !== e.changes?.before?.compBalance,
    );
    expect(issuedEntry!.changes).toMatchObject({
      before: { memberId, compBalance: richest!.compBalance },
      after: { memberId, compBalance: issued.data!.issueComp.member.compBalance },
    });
  });

  it('serves the comp figures of the loyalty dashboard to a Manager', async () => {
    const now = Date.now();
    const result = await stack.query<{
      loyaltyDashboard: { compsIssued: string; reinvestmentByTier: { tier: string }[] };
    }>(
      `query ($range: DateRangeInput!) {
        loyaltyDashboard(range: $range) { compsIssued compBalanceOutstanding reinvestmentByTier { tier theo comps ratio } }
      }`,
      {
        range: {
          from: new Date(now - 86_400_000).toISOString(),
          to: new Date(now + 86_400_000).toISOString(),
        },
      },
      { as: IDENTITIES.Manager },
    );
    expect(result.errors).toBeUndefined();
    expect(Number(result.data!.loyaltyDashboard.compsIssued)).toBeGreaterThanOrEqual(10);
    expect(result.data!.loyaltyDashboard.reinvestmentByTier.map((r) => r.tier)).toEqual([
      'Ruby',
      'Sapphire',
      'Diamond',
      'VIP',
    ]);
  });
});
