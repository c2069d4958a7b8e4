import { complianceSubgraph, createComplianceSubgraph } from '../index';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../settings';
import { ADMIN_USERS } from '../admins/admin-user-store';
import { AUDIT_LOGS } from '../audit/audit-log-store';
import { DATA_RETENTION_POLICIES } from '../retention/retention-policy-store';
import { COMPLIANCE_REPORTS } from './compliance-report-store';
import { RETENTION_RUNS } from '../retention/retention-run-store';
import { IDENTITIES, accountOf, auditLogDoc, errorCode, policyDoc } from '../testing/fixtures';
import { startComplianceWithUpstreams } from '../testing/harness';
import type { ComplianceWithUpstreams } from '../testing/harness';
import { insertTestMembers, insertTestSessions } from '../testing/upstreams';
import type { TestUpstream } from '../testing/upstreams';
import { unreachableService } from '@casino/gaming/testing';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const GENERATE = /* GraphQL */ `
  mutation Generate($input: GenerateComplianceReportInput!) {
    generateComplianceReport(input: $input) {
      id
      reportType
      status
      reportPeriodStart
      reportPeriodEnd
      summary
      violations
      recommendations
      complianceScore
      generatedBy {
        id
      }
    }
  }
`;

interface Violation {
  category: string;
  severity: string;
  status: string;
  description: string;
  member_id?: string;
  [detail: string]: unknown;
}
interface Report {
  id: string;
  reportType: string;
  status: string;
  summary: Record<string, unknown>;
  violations: Violation[];
  recommendations: string[];
  complianceScore: number;
  generatedBy: { id: string };
}

const at = (text: string) => new Date(`2026-03-0${text}Z`);
// two gaming days (06:00 UTC start, gaming's default offset 0): 03-01 and 03-02
const PERIOD = { periodStart: '2026-03-01T06:00:00.000Z', periodEnd: '2026-03-03T06:00:00.000Z' };

describe('generateComplianceReport', () => {
  let gaming: TestUpstream;
  let loyalty: TestUpstream;
  let harness: SubgraphHarness;
  let stack: ComplianceWithUpstreams | undefined;
  let a: string, b: string, c: string, d: string, x: string, y: string;
  let expiredAtEnd: string, expiringAfterEnd: string, expiringAtWarningEdge: string;
  let sessions: string[];

  const generate = async (reportType: string, period = PERIOD) => {
    const result = await harness.execute<{ generateComplianceReport: Report }>(GENERATE, {
      input: { reportType, ...period },
    });
    expect(result.errors).toBeUndefined();
    return result.data!.generateComplianceReport;
  };
  const entries = (report: Report, key: string, value: unknown) =>
    report.violations.filter((v) => v[key] === value);

  beforeAll(async () => {
    stack = await startComplianceWithUpstreams([IDENTITIES.superAdmin, IDENTITIES.generalAdmin]);
    ({ harness, gaming, loyalty } = stack);
    // a verified; b, c, d not verified; x and y self-excluded (only x plays)
    [a, b, c, d, x, y] = await insertTestMembers(loyalty.db, [
      { kyc_verified: true },
      { kyc_verified: false },
      { kyc_verified: false },
      { kyc_verified: false },
      { self_excluded: true },
      { self_excluded: true },
    ]);
    // identity documents around the period end (2026-03-03T06:00Z) and the end of the 60 warning days after it
    // (2026-05-02T06:00Z); none of these members plays
    [expiredAtEnd, expiringAfterEnd, expiringAtWarningEdge] = await insertTestMembers(loyalty.db, [
      { document_expiry: new Date('2026-03-03T06:00:00.000Z') },
      { document_expiry: new Date('2026-03-03T06:00:00.001Z'), kyc_verified: false },
      { document_expiry: new Date('2026-05-02T05:59:59.999Z') },
      // at the end of the warning window (exclusive), later, or an inactive member: no finding
      { document_expiry: new Date('2026-05-02T06:00:00.000Z') },
      { document_expiry: new Date('2029-01-01T00:00:00.000Z') },
      { document_expiry: new Date('2025-01-01T00:00:00.000Z'), is_active: false },
    ]);
    sessions = await insertTestSessions(gaming.db, [
      // a, gaming day 03-01: in 6,000 + 5,000 = 11,000 (CTR), out 2,000 + 12,500 = 14,500 (CTR); MTL 6,000, 5,000, 12,500
      {
        member_id: a,
        session_start: at('1T10:00:00'),
        session_end: at('1T12:00:00'),
        buy_in: '6000.00',
        cash_out: '2000.00',
      },
      {
        member_id: a,
        session_start: at('1T20:00:00'),
        session_end: at('1T23:00:00'),
        buy_in: '5000.00',
        cash_out: '12500.00',
      },
      // b, gaming day 03-02: in 3,000 + 7,000 = exactly 10,000 (no CTR); MTL 3,000 (at the threshold) and 7,000;
      // the first session lasts 10 h (long); the day's loss of 9,500 is under the large-loss threshold
      {
        member_id: b,
        session_start: at('2T08:00:00'),
        session_end: at('2T18:00:00'),
        buy_in: '3000.00',
        cash_out: '500.00',
      },
      {
        member_id: b,
        session_start: at('2T19:00:00'),
        session_end: at('2T20:00:00'),
        buy_in: '7000.00',
        cash_out: '0.00',
      },
      // d, gaming day 03-01: four buy-ins just under the MTL threshold: 11,999.96 in (CTR), all lost (large loss)
      {
        member_id: d,
        session_start: at('1T07:00:00'),
        session_end: at('1T08:00:00'),
        buy_in: '2999.99',
        cash_out: '0.00',
      },
      {
        member_id: d,
        session_start: at('1T09:00:00'),
        session_end: at('1T10:00:00'),
        buy_in: '2999.99',
        cash_out: '0.00',
      },
      {
        member_id: d,
        session_start: at('1T11:00:00'),
        session_end: at('1T12:00:00'),
        buy_in: '2999.99',
        cash_out: '0.00',
      },
      {
        member_id: d,
        session_start: at('1T13:00:00'),
        session_end: at('1T14:00:00'),
        buy_in: '2999.99',
        cash_out: '0.00',
      },
      // x is self-excluded and played
      {
        member_id: x,
        session_start: at('2T09:00:00'),
        session_end: at('2T10:00:00'),
        buy_in: '100.00',
        cash_out: '50.00',
      },
      // c is still playing: open since 20:00, 10 h until the period ends (long)
      { member_id: c, session_start: at('2T20:00:00'), buy_in: '200.00', cash_out: null },
      // after the period
      {
        member_id: a,
        session_start: at('3T07:00:00'),
        session_end: at('3T08:00:00'),
        buy_in: '50000.00',
        cash_out: '0.00',
      },
    ]);
  });
  afterAll(() => stack?.close());

  it('aml_report: a CTR per member day and direction above 10,000, an MTL per transaction from 3,000', async () => {
    const report = await generate('aml_report');
    expect(report).toMatchObject({ reportType: 'aml_report', status: 'completed' });
    expect(report.generatedBy.id).toBe(IDENTITIES.superAdmin.userId);
    expect(report.summary).toEqual({
      jurisdiction: 'default',
      ctrThreshold: '10000.00',
      mtlThreshold: '3000.00',
      gamingDayStartHour: 6,
      memberDays: 5,
      members: 5,
      totalCashIn: '33299.96',
      totalCashOut: '15050.00',
      ctrCount: 3,
      mtlCount: 5,
    });
    const ctr = entries(report, 'entry', 'ctr');
    expect(ctr.map((v) => [v.member_id, v.gaming_day, v.direction, v.amount]).sort()).toEqual(
      [
        [a, '2026-03-01', 'cash_in', '11000.00'],
        [a, '2026-03-01', 'cash_out', '14500.00'],
        [d, '2026-03-01', 'cash_in', '11999.96'],
      ].sort(),
    );
    expect(ctr.every((v) => v.category === 'aml' && v.severity === 'medium' && v.status === 'open')).toBe(
      true,
    );
    const mtl = entries(report, 'entry', 'mtl');
    expect(mtl.map((v) => [v.member_id, v.amount]).sort()).toEqual(
      [
        [a, '6000.00'],
        [a, '5000.00'],
        [a, '12500.00'],
        [b, '3000.00'],
        [b, '7000.00'],
      ].sort(),
    );
    expect(mtl.every((v) => v.severity === 'low' && typeof v.session_id === 'string')).toBe(true);
    // 100 - 3 medium x 5 - 5 low x 1
    expect(report.complianceScore).toBe(80);
    expect(report.recommendations).toHaveLength(2);
    const stored = await harness.db.collection(COMPLIANCE_REPORTS).findOne({ id: report.id });
    expect(stored).toMatchObject({ status: 'completed', generated_by: IDENTITIES.superAdmin.userId });
    expect(harness.auditEvents.at(-1)).toMatchObject({
      action: 'generateComplianceReport',
      outcome: 'allowed',
    });
  });

  it('kyc_compliance: unverified members above the play threshold (5,000), expired and expiring documents', async () => {
    const report = await generate('kyc_compliance');
    expect(report.summary).toEqual({
      playMeasure: 'buy_in',
      playThreshold: '5000.00',
      membersAboveThreshold: 3,
      unverifiedAboveThreshold: 2,
      membersUnknownToLoyalty: 0,
      documentExpiryWarningDays: 60,
      expiredDocuments: 1,
      expiringDocuments: 2,
    });
    expect(
      report.violations
        .filter((v) => v.buy_in)
        .map((v) => [v.member_id, v.category, v.severity, v.buy_in])
        .sort(),
    ).toEqual(
      [
        [b, 'kyc', 'high', '10000.00'],
        [d, 'kyc', 'high', '11999.96'],
      ].sort(),
    );
    expect(
      report.violations
        .filter((v) => v.document_expiry)
        .map((v) => [
          v.member_id,
          v.category,
          v.severity,
          // a Date through the in-process harness, an ISO string over HTTP
          new Date(v.document_expiry as string).toISOString(),
          v.kyc_verified,
        ]),
    ).toEqual([
      [expiredAtEnd, 'kyc', 'high', '2026-03-03T06:00:00.000Z', true],
      [expiringAfterEnd, 'kyc', 'medium', '2026-03-03T06:00:00.001Z', false],
      [expiringAtWarningEdge, 'kyc', 'medium', '2026-05-02T05:59:59.999Z', true],
    ]);
    expect(report.violations).toHaveLength(5);
    expect(report.recommendations).toHaveLength(3);
    // 100 - 2 high (unverified heavy players) x 15 - 1 high (expired document) x 15 - 2 medium (expiring) x 5 = 45
    expect(report.complianceScore).toBe(45);
  });

  it('gambling_activity: self-excluded play, long sessions (open ones too) and large daily losses', async () => {
    const report = await generate('gambling_activity');
    expect(report.summary).toEqual({
      sessions: 10,
      membersPlaying: 5,
      selfExcludedMembers: 2,
      selfExcludedWithSessions: 1,
      longSessionHours: 8,
      longSessions: 2,
      largeLossThreshold: '10000.00',
      largeLossMemberDays: 1,
    });
    const byCategory = (category: string) => report.violations.filter((v) => v.category === category);
    expect(byCategory('self_exclusion')).toEqual([
      expect.objectContaining({ member_id: x, severity: 'high', session_count: 1 }),
    ]);
    expect(
      byCategory('responsible_gambling').map((v) => [
        v.member_id,
        v.severity,
        v.net_loss ?? v.duration_minutes,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [d, 'medium', '11999.96'],
        [b, 'low', 600],
        [c, 'low', 600],
      ]),
    );
    expect(byCategory('responsible_gambling')).toHaveLength(3);
    expect(report.violations.some((v) => v.member_id === y)).toBe(false);
    expect(sessions).toHaveLength(11);
    // 100 - 15 (self-excluded) - 5 (large loss) - 2 x 1 (long sessions)
    expect(report.complianceScore).toBe(78);
  });

  it('audit_trail: outcomes, PII reads, sign-ins and actors above the denied-attempts threshold', async () => {
    const inPeriod = at('2T12:00:00');
    const denied = (actor: string, n: number) =>
      Array.from({ length: n }, () =>
        auditLogDoc({
          timestamp: inPeriod,
          admin_user_id: actor,
          actor_username: `user-${actor}`,
          outcome: 'denied',
        }),
      );
    await harness.db.collection(AUDIT_LOGS).insertMany([
      ...denied('p', 6),
      ...denied('q', 5),
      ...Array.from({ length: 3 }, () => auditLogDoc({ timestamp: inPeriod })),
      ...Array.from({ length: 2 }, () => auditLogDoc({ timestamp: inPeriod, action: 'pii.read' })),
      auditLogDoc({ timestamp: inPeriod, action: 'login', outcome: 'failed' }),
      auditLogDoc({ timestamp: inPeriod, action: 'login', outcome: 'failed' }),
      auditLogDoc({ timestamp: inPeriod, action: 'login' }),
      // outside the period
      ...denied('p', 3).map((e) => ({ ...e, timestamp: at('3T07:00:00') })),
    ]);
    const report = await generate('audit_trail');
    expect(report.summary).toMatchObject({
      entries: 19,
      byOutcome: { allowed: 6, denied: 11, failed: 2 },
      piiReads: 2,
      logins: { succeeded: 1, refused: 2 },
      deniedAttemptsThreshold: 5,
      actorsAboveDeniedThreshold: 1,
    });
    expect(report.violations).toEqual([
      expect.objectContaining({
        category: 'access_control',
        severity: 'medium',
        actor_id: 'p',
        actor_username: 'user-p',
        denied_attempts: 6,
      }),
    ]);
    expect(report.complianceScore).toBe(95);
  });

  it('data_retention: categories without an active policy, overdue reviews, and the latest retention runs', async () => {
    await harness.db.collection(DATA_RETENTION_POLICIES).insertMany([
      policyDoc({
        data_category: 'member_data',
        status: 'active',
        next_review_date: new Date('2099-01-01'),
      }),
      policyDoc({
        data_category: 'gaming_logs',
        status: 'active',
        next_review_date: new Date('2020-01-01'),
      }),
      policyDoc({ data_category: 'marketing_data', status: 'pending_approval' }),
      policyDoc({
        data_category: 'audit_logs',
        status: 'inactive',
        next_review_date: new Date('2020-01-01'),
      }),
    ]);
    const first = await generate('data_retention');
    expect(first.summary).toEqual({
      policiesByStatus: { active: 2, inactive: 1, pending_approval: 1 },
      categoriesWithoutActivePolicy: ['audit_logs', 'marketing_data'],
      overdueForReview: 1,
      lastRetentionRuns: [],
    });
    expect(first.violations.map((v) => [v.severity, v.data_category]).sort()).toEqual(
      [
        ['high', 'audit_logs'],
        ['high', 'marketing_data'],
        ['medium', 'gaming_logs'],
      ].sort(),
    );
    // 100 - 2 x 15 - 5
    expect(first.complianceScore).toBe(65);

    await harness.db.collection(RETENTION_RUNS).insertOne({
      id: 'run-1',
      started_at: new Date('2026-03-02T02:00:00.000Z'),
      archived: 10,
      deleted: 2,
    });
    const second = await generate('data_retention');
    expect(second.summary.lastRetentionRuns).toEqual([
      { id: 'run-1', started_at: expect.anything(), archived: 10, deleted: 2 },
    ]);
  });

  it('refuses a period that ends before it starts or is longer than 366 days, naming the field', async () => {
    const bad = async (period: { periodStart: string; periodEnd: string }) => {
      const result = await harness.execute(GENERATE, { input: { reportType: 'audit_trail', ...period } });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      return result.errors![0]!.extensions!.field;
    };
    expect(await bad({ periodStart: PERIOD.periodEnd, periodEnd: PERIOD.periodStart })).toBe(
      'input.periodEnd',
    );
    expect(await bad({ periodStart: PERIOD.periodStart, periodEnd: PERIOD.periodStart })).toBe(
      'input.periodEnd',
    );
    expect(
      await bad({ periodStart: '2025-01-01T00:00:00.000Z', periodEnd: '2026-01-03T00:00:00.000Z' }),
    ).toBe('input.periodEnd');
  });

  it("counts the longest period in the property's local calendar days, across daylight-saving changes", async () => {
    // London, at most 2 days: over fall-back (26 October 2025) two local days are 49 hours, over spring-forward
    // (30 March) 47; a limit of 48 UTC hours would refuse the first and accept 48 hours in spring
    const london = await startSubgraphHarness(
      createComplianceSubgraph({
        ...DEFAULT_COMPLIANCE_SETTINGS,
        timeZone: 'Europe/London',
        maxReportPeriodDays: 2,
      }),
      { services: { gaming: gaming.client, loyalty: loyalty.client } },
    );
    try {
      await london.db.collection(ADMIN_USERS).insertMany([accountOf(IDENTITIES.superAdmin)]);
      const codeOf = async (periodStart: string, periodEnd: string) => {
        const result = await london.execute(GENERATE, {
          input: { reportType: 'audit_trail', periodStart, periodEnd },
        });
        return result.errors ? [errorCode(result), result.errors[0]!.extensions!.field] : 'ok';
      };
      expect(await codeOf('2025-10-24T23:00:00.000Z', '2025-10-27T00:00:00.000Z')).toBe('ok');
      expect(await codeOf('2025-10-24T23:00:00.000Z', '2025-10-27T00:00:00.001Z')).toEqual([
        'BAD_USER_INPUT',
        'input.periodEnd',
      ]);
      expect(await codeOf('2025-03-29T00:00:00.000Z', '2025-03-30T23:00:00.000Z')).toBe('ok');
      expect(await codeOf('2025-03-29T00:00:00.000Z', '2025-03-31T00:00:00.000Z')).toEqual([
        'BAD_USER_INPUT',
        'input.periodEnd',
      ]);
    } finally {
      await london.close();
    }
  });

  it('is for GeneralAdmin and above', async () => {
    const result = await harness.execute(
      GENERATE,
      { input: { reportType: 'audit_trail', ...PERIOD } },
      { identity: IDENTITIES.gamingManager },
    );
    expect(errorCode(result)).toBe('FORBIDDEN');
    const allowed = await harness.execute(
      GENERATE,
      { input: { reportType: 'audit_trail', ...PERIOD } },
      { identity: IDENTITIES.generalAdmin },
    );
    expect(allowed.errors).toBeUndefined();
  });

  it('stores nothing and answers SERVICE_UNAVAILABLE when a subgraph it needs is down', async () => {
    const down = await startSubgraphHarness(complianceSubgraph, {
      services: { gaming: await unreachableService(), loyalty: await unreachableService() },
    });
    try {
      for (const reportType of ['aml_report', 'kyc_compliance', 'gambling_activity']) {
        const result = await down.execute(GENERATE, { input: { reportType, ...PERIOD } });
        expect([reportType, errorCode(result)]).toEqual([reportType, 'SERVICE_UNAVAILABLE']);
      }
      expect(await down.db.collection(COMPLIANCE_REPORTS).countDocuments()).toBe(0);
    } finally {
      await down.close();
    }
  });
});
