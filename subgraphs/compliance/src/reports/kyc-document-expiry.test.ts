import type { ServiceClient } from '@casino/auth';
import { ComplianceExpiringDocumentsDocument } from '@casino/loyalty/operations';
import { createComplianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../settings';
import { IDENTITIES, accountOf } from '../testing/fixtures';
import { insertTestMembers, startTestGaming, startTestLoyalty } from '../testing/upstreams';
import type { TestUpstream } from '../testing/upstreams';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const GENERATE = /* GraphQL */ `
  mutation Generate($input: GenerateComplianceReportInput!) {
    generateComplianceReport(input: $input) {
      summary
      violations
      recommendations
      complianceScore
    }
  }
`;

interface Report {
  summary: Record<string, unknown>;
  violations: { member_id: string; category: string; severity: string; document_expiry: unknown }[];
  recommendations: string[];
  complianceScore: number;
}

// June 2026; with 30 warning days the window of expiring documents ends (exclusive) on 2026-07-31T00:00Z
const PERIOD = { periodStart: '2026-06-01T00:00:00.000Z', periodEnd: '2026-07-01T00:00:00.000Z' };

describe('kyc_compliance: identity document expiry, walked page by page', () => {
  let gaming: TestUpstream;
  let loyalty: TestUpstream;
  let harness: SubgraphHarness;
  const pages: Record<string, unknown>[] = [];
  let ids: string[];

  beforeAll(async () => {
    [gaming, loyalty] = await Promise.all([startTestGaming(), startTestLoyalty()]);
    // counts the pages compliance asks loyalty for
    const counting = Object.create(loyalty.client) as ServiceClient;
    counting.request = ((document: never, variables: never) => {
      if (document === ComplianceExpiringDocumentsDocument) pages.push(variables ?? {});
      return loyalty.client.request(document, variables);
    }) as ServiceClient['request'];
    harness = await startSubgraphHarness(
      createComplianceSubgraph({
        ...DEFAULT_COMPLIANCE_SETTINGS,
        documentExpiryWarningDays: 30,
        documentExpiryPageSize: 2,
      }),
      { services: { gaming: gaming.client, loyalty: counting } },
    );
    await harness.db.collection(ADMIN_USERS).insertOne(accountOf(IDENTITIES.superAdmin));
    ids = await insertTestMembers(loyalty.db, [
      // expired on the period end: long ago, just before, exactly at it
      { document_expiry: new Date('2024-01-01T00:00:00.000Z') },
      { document_expiry: new Date('2025-12-31T00:00:00.000Z'), kyc_verified: false },
      { document_expiry: new Date('2026-06-30T23:59:59.999Z') },
      { document_expiry: new Date('2026-07-01T00:00:00.000Z') },
      // expiring within the 30 days after it
      { document_expiry: new Date('2026-07-01T00:00:00.001Z') },
      { document_expiry: new Date('2026-07-30T23:59:59.999Z'), kyc_verified: false },
      // no finding: at the end of the window, later, none recorded, an inactive member
      { document_expiry: new Date('2026-07-31T00:00:00.000Z') },
      { document_expiry: new Date('2030-01-01T00:00:00.000Z') },
      {},
      { document_expiry: new Date('2025-01-01T00:00:00.000Z'), is_active: false },
    ]);
  });
  afterAll(async () => {
    await harness?.close();
    await Promise.all([gaming?.stop(), loyalty?.stop()]);
  });

  it('counts expired (high) and expiring (medium) documents exactly, over every page', async () => {
    const result = await harness.execute<{ generateComplianceReport: Report }>(GENERATE, {
      input: { reportType: 'kyc_compliance', ...PERIOD },
    });
    expect(result.errors).toBeUndefined();
    const report = result.data!.generateComplianceReport;
    expect(report.summary).toEqual({
      playMeasure: 'buy_in',
      playThreshold: '5000.00',
      membersAboveThreshold: 0,
      unverifiedAboveThreshold: 0,
      membersUnknownToLoyalty: 0,
      documentExpiryWarningDays: 30,
      expiredDocuments: 4,
      expiringDocuments: 2,
    });
    expect(report.violations.map((v) => [v.member_id, v.category, v.severity])).toEqual([
      [ids[0], 'kyc', 'high'],
      [ids[1], 'kyc', 'high'],
      [ids[2], 'kyc', 'high'],
      [ids[3], 'kyc', 'high'],
      [ids[4], 'kyc', 'medium'],
      [ids[5], 'kyc', 'medium'],
    ]);
    // 100 - 4 high x 15 - 2 medium x 5 = 30
    expect(report.complianceScore).toBe(30);
    expect(report.recommendations).toHaveLength(2);
    // six members due, two per page: three pages, each after the previous one's end
    expect(pages).toHaveLength(3);
    expect(pages.map((p) => [p.before, p.first])).toEqual(
      Array.from({ length: 3 }, () => ['2026-07-31T00:00:00.000Z', 2]),
    );
    expect(pages[0]!.after).toBeNull();
    expect(pages[1]!.after).toEqual(expect.any(String));
    expect(pages[2]!.after).not.toBe(pages[1]!.after);
  });

  it('scores 100 when no document is expired or expiring', async () => {
    const result = await harness.execute<{ generateComplianceReport: Report }>(GENERATE, {
      input: {
        reportType: 'kyc_compliance',
        periodStart: '2023-01-01T00:00:00.000Z',
        periodEnd: '2023-02-01T00:00:00.000Z',
      },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.generateComplianceReport).toMatchObject({
      summary: { expiredDocuments: 0, expiringDocuments: 0 },
      violations: [],
      complianceScore: 100,
    });
  });
});
