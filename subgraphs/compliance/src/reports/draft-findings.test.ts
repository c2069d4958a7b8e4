import type { Identity } from '@casino/auth';
import { COMPLIANCE_REPORTS, ComplianceReportStore } from './compliance-report-store';
import { MEMBER_COMPLIANCE_RULES } from '../settings';
import type { ComplianceViolation } from './compliance-report-store';
import { COMPLIANCE_DASHBOARD } from '../testing/dashboard';
import { IDENTITIES, reportDoc } from '../testing/fixtures';
import { startComplianceWithUpstreams } from '../testing/harness';
import type { ComplianceWithUpstreams } from '../testing/harness';
import type { SubgraphHarness } from '@casino/testing';

const MEMBER_STATUS = /* GraphQL */ `
  query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Member {
        id
        complianceStatus {
          amlFlagged
          openViolations
          lastReportedAt
        }
      }
    }
  }
`;

const COMPLETE = `mutation($id: ID!) { completeComplianceReport(id: $id) { id status } }`;

const member = 'b2b2b2b2-0000-4000-8000-000000000001';
const detected = new Date('2026-05-02T12:00:00.000Z');
let n = 0;
const finding = (overrides: Partial<ComplianceViolation>): ComplianceViolation => ({
  id: `draft-finding-${++n}`,
  category: 'aml',
  severity: 'high',
  status: 'open',
  description: 'finding',
  detected_at: detected,
  member_id: member,
  ...overrides,
});

interface StatusView {
  _entities: { complianceStatus: { amlFlagged: boolean; openViolations: number; lastReportedAt: string } }[];
}
interface DashboardView {
  complianceDashboard: {
    openViolations: { severity: string; count: number }[];
    reportsByStatus: { status: string; count: number }[];
  };
}

describe('findings of draft reports', () => {
  let harness: SubgraphHarness;
  let stack: ComplianceWithUpstreams | undefined;
  const draft = reportDoc({
    status: 'draft',
    created_at: detected,
    violations: [finding({}), finding({ severity: 'critical', category: 'kyc' })],
  });
  const completed = reportDoc({
    status: 'completed',
    created_at: new Date('2026-05-01T12:00:00.000Z'),
    violations: [finding({ severity: 'low', category: 'kyc' })],
  });
  const as = (identity: Identity) => ({ identity });
  const statusOf = async () => {
    const result = await harness.execute<StatusView>(
      MEMBER_STATUS,
      { r: [{ __typename: 'Member', id: member, kycVerified: true, selfExcluded: false }] },
      as(IDENTITIES.superAdmin),
    );
    expect(result.errors).toBeUndefined();
    return result.data!._entities[0]!.complianceStatus;
  };
  /** Each call asks for its own range, so no cached figures answer it. */
  const dashboard = async (toDay: number) => {
    const range = { from: '2026-05-01T06:00:00.000Z', to: `2026-05-0${toDay}T06:00:00.000Z` };
    const result = await harness.execute<DashboardView>(
      COMPLIANCE_DASHBOARD,
      { range },
      as(IDENTITIES.superAdmin),
    );
    expect(result.errors).toBeUndefined();
    const counts = (rows: { count: number }[], key: (row: never) => string) =>
      Object.fromEntries(rows.map((row) => [key(row as never), row.count]));
    return {
      open: counts(result.data!.complianceDashboard.openViolations, (r: { severity: string }) => r.severity),
      reports: counts(result.data!.complianceDashboard.reportsByStatus, (r: { status: string }) => r.status),
    };
  };

  beforeAll(async () => {
    stack = await startComplianceWithUpstreams([IDENTITIES.generalAdmin]);
    ({ harness } = stack);
    await harness.db.collection(COMPLIANCE_REPORTS).insertMany([{ ...draft }, { ...completed }]);
  });
  afterAll(() => stack?.close());

  it('hold no member from retention (open_aml_case) until the report is completed', async () => {
    const [drafted, completedOnly, submitted, approved, resolved] = Array.from(
      { length: 5 },
      (_, i) => `c3c3c3c3-0000-4000-8000-00000000000${i}`,
    );
    const aml = (memberId: string, status: ComplianceViolation['status'] = 'open') =>
      // detected before the dashboard ranges below, so their figures stay those of the reports above
      finding({ member_id: memberId, status, detected_at: new Date('2026-01-15T12:00:00.000Z') });
    const drafts = reportDoc({ status: 'draft', violations: [aml(drafted!)] });
    await harness.db
      .collection(COMPLIANCE_REPORTS)
      .insertMany([
        drafts,
        reportDoc({ status: 'completed', violations: [aml(completedOnly!), aml(resolved!, 'resolved')] }),
        reportDoc({ status: 'submitted', violations: [aml(submitted!)] }),
        reportDoc({ status: 'approved', violations: [aml(approved!)] }),
      ]);
    const held = async () =>
      (
        await new ComplianceReportStore(harness.db).membersWithOpenAmlFindings(MEMBER_COMPLIANCE_RULES)
      ).filter((id) => id.startsWith('c3c3c3c3'));
    expect((await held()).sort()).toEqual([approved, completedOnly, submitted].sort());
    const done = await harness.execute(COMPLETE, { id: drafts.id }, as(IDENTITIES.generalAdmin));
    expect(done.errors).toBeUndefined();
    expect((await held()).sort()).toEqual([approved, completedOnly, drafted, submitted].sort());
  });

  it("count neither in a member's status nor on the dashboard until the report is completed", async () => {
    expect(await statusOf()).toEqual({
      amlFlagged: false,
      openViolations: 1,
      lastReportedAt: '2026-05-01T12:00:00.000Z',
    });
    const before = await dashboard(4);
    expect(before.open).toEqual({ critical: 0, high: 0, medium: 0, low: 1 });
    // the draft is still a report of the range
    expect(before.reports).toMatchObject({ draft: 1, completed: 1 });

    const done = await harness.execute(COMPLETE, { id: draft.id }, as(IDENTITIES.generalAdmin));
    expect(done.errors).toBeUndefined();

    expect(await statusOf()).toEqual({
      amlFlagged: true,
      openViolations: 3,
      lastReportedAt: detected.toISOString(),
    });
    const after = await dashboard(5);
    expect(after.open).toEqual({ critical: 1, high: 1, medium: 0, low: 1 });
    expect(after.reports).toMatchObject({ draft: 0, completed: 2 });
  });
});
