import { complianceSubgraph } from '../index';
import { COMPLIANCE_REPORTS } from '../reports/compliance-report-store';
import type { ComplianceViolation } from '../reports/compliance-report-store';
import { DATA_RETENTION_POLICIES } from '../retention/retention-policy-store';
import { IDENTITIES, errorCode, policyDoc, reportDoc } from '../testing/fixtures';
import {
  insertTestMembers,
  insertTestSessions,
  startTestGaming,
  startTestLoyalty,
} from '../testing/upstreams';
import type { TestUpstream } from '../testing/upstreams';
import { unreachableService } from '@casino/gaming/testing';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { COMPLIANCE_DASHBOARD as DASHBOARD } from '../testing/dashboard';

const RANGE = { from: '2026-04-01T06:00:00.000Z', to: '2026-04-03T06:00:00.000Z' };
const inRange = new Date('2026-04-02T12:00:00.000Z');
const before = new Date('2026-03-15T12:00:00.000Z');
const DAY = 86_400_000;

let n = 0;
const violation = (overrides: Partial<ComplianceViolation>): ComplianceViolation => ({
  id: `v-${++n}`,
  category: 'aml',
  severity: 'high',
  status: 'open',
  description: 'finding',
  detected_at: inRange,
  ...overrides,
});

describe('complianceDashboard', () => {
  let gaming: TestUpstream;
  let loyalty: TestUpstream;
  let harness: SubgraphHarness;

  beforeAll(async () => {
    [gaming, loyalty] = await Promise.all([startTestGaming(), startTestLoyalty()]);
    harness = await startSubgraphHarness(complianceSubgraph, {
      services: { gaming: gaming.client, loyalty: loyalty.client },
    });
    // 5 members, 3 verified, 1 self-excluded
    await insertTestMembers(loyalty.db, [
      { kyc_verified: true },
      { kyc_verified: true },
      { kyc_verified: false },
      { kyc_verified: false, self_excluded: true },
      { kyc_verified: true },
    ]);
    const at = (text: string) => new Date(`2026-04-0${text}Z`);
    await insertTestSessions(gaming.db, [
      // m1, day 04-01: in 6,000 (MTL) + 4,500 (MTL) = 10,500 (CTR); out 3,000 (MTL)
      {
        member_id: 'm1',
        session_start: at('1T08:00:00'),
        session_end: at('1T09:00:00'),
        buy_in: '6000.00',
        cash_out: '3000.00',
      },
      {
        member_id: 'm1',
        session_start: at('1T10:00:00'),
        session_end: at('1T11:00:00'),
        buy_in: '4500.00',
        cash_out: '0.00',
      },
      // m2, day 04-02: in exactly 10,000 (MTL, no CTR); out 10,000.01 (MTL, CTR)
      {
        member_id: 'm2',
        session_start: at('2T08:00:00'),
        session_end: at('2T09:00:00'),
        buy_in: '10000.00',
        cash_out: '10000.01',
      },
      // outside the range
      {
        member_id: 'm2',
        session_start: at('3T07:00:00'),
        session_end: at('3T08:00:00'),
        buy_in: '20000.00',
        cash_out: '0.00',
      },
    ]);
    await harness.db.collection(COMPLIANCE_REPORTS).insertMany([
      reportDoc({
        status: 'completed',
        created_at: inRange,
        violations: [violation({}), violation({ severity: 'low', status: 'resolved' })],
      }),
      reportDoc({
        status: 'completed',
        created_at: inRange,
        violations: [violation({}), violation({ severity: 'medium', status: 'under_review' })],
      }),
      reportDoc({ status: 'submitted', created_at: inRange }),
      reportDoc({ status: 'draft', created_at: inRange }),
      // created before the range, with one finding detected before it
      reportDoc({ status: 'approved', created_at: before, violations: [violation({ detected_at: before })] }),
    ]);
    const now = Date.now();
    await harness.db
      .collection(DATA_RETENTION_POLICIES)
      .insertMany([
        policyDoc({ status: 'active', next_review_date: new Date(now + 10 * DAY) }),
        policyDoc({ status: 'pending_approval', next_review_date: new Date(now - DAY) }),
        policyDoc({ status: 'active', next_review_date: new Date(now + 60 * DAY) }),
        policyDoc({ status: 'inactive', next_review_date: new Date(now - DAY) }),
      ]);
  });
  afterAll(async () => {
    await harness?.close();
    await Promise.all([gaming?.stop(), loyalty?.stop()]);
  });

  it('gives the hand-computed figures', async () => {
    const result = await harness.execute(DASHBOARD, { range: RANGE }, { identity: IDENTITIES.gamingManager });
    expect(result.errors).toBeUndefined();
    expect(result.data!.complianceDashboard).toEqual({
      ...RANGE,
      memberCount: 5,
      kycVerifiedCount: 3,
      kycRate: 0.6,
      selfExcludedCount: 1,
      ctrCount: 2,
      mtlCount: 5,
      openViolations: [
        { severity: 'critical', count: 0 },
        { severity: 'high', count: 2 },
        { severity: 'medium', count: 1 },
        { severity: 'low', count: 0 },
      ],
      reportsByStatus: [
        { status: 'draft', count: 1 },
        { status: 'completed', count: 2 },
        { status: 'submitted', count: 1 },
        { status: 'approved', count: 0 },
      ],
      policiesDueForReview: 2,
      policyReviewWindowDays: 30,
    });
  });

  it('is for Managers and above', async () => {
    const result = await harness.execute(
      DASHBOARD,
      { range: RANGE },
      { identity: IDENTITIES.gamingSupervisor },
    );
    expect(errorCode(result)).toBe('FORBIDDEN');
  });

  it('refuses a range that is empty or longer than 366 days on range.to', async () => {
    for (const range of [
      { from: RANGE.to, to: RANGE.from },
      { from: '2025-01-01T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' },
    ]) {
      const result = await harness.execute(DASHBOARD, { range });
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.extensions!.field).toBe('range.to');
    }
  });

  it('answers SERVICE_UNAVAILABLE when gaming is down', async () => {
    const down = await startSubgraphHarness(complianceSubgraph, {
      services: { gaming: await unreachableService(), loyalty: loyalty.client },
    });
    try {
      expect(errorCode(await down.execute(DASHBOARD, { range: RANGE }))).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await down.close();
    }
  });

  it("serves its figures for DASHBOARD_CACHE_TTL_SECONDS: loyalty's new member shows once they expire", async () => {
    const cached = await startSubgraphHarness(complianceSubgraph, {
      services: { gaming: gaming.client, loyalty: loyalty.client },
      env: { DASHBOARD_CACHE_TTL_SECONDS: '1' },
    });
    const ask = async () => {
      const result = await cached.execute<{ complianceDashboard: { memberCount: number } }>(
        DASHBOARD,
        { range: RANGE },
        { identity: IDENTITIES.gamingManager },
      );
      expect(result.errors).toBeUndefined();
      return { commands: result.commands, memberCount: result.data!.complianceDashboard.memberCount };
    };
    try {
      expect((await ask()).memberCount).toBe(5);
      await insertTestMembers(loyalty.db, [{ kyc_verified: false }]);
      // no call to loyalty or gaming and no MongoDB command: the figures computed a moment ago
      expect(await ask()).toEqual({ commands: [], memberCount: 5 });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      expect((await ask()).memberCount).toBe(6);
    } finally {
      await cached.close();
    }
  });
});
