import type { Identity } from '@casino/auth';
import { workforceSubgraph } from '../index';
import type { StaffMemberDocument } from '../staff/staff-store';
import {
  FNB_MANAGER,
  GAMING_MANAGER,
  GAMING_SUPERVISOR,
  adminIdentity,
  courseDoc,
  recordDoc,
  staffDoc,
  useFixtureProtector,
} from '../testing/fixtures';
import { startWorkforceHarness } from '../testing/harness';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const FIGURES = `department activeHeadcount averagePerformanceScore averageCommitmentScore
  trainingCompletionRate overdueTrainingCount staffWithOverdueTraining reviewsDueInRange`;
const DASHBOARD = /* GraphQL */ `
  query Dashboard($range: DateRangeInput!) {
    workforceDashboard(range: $range) {
      from
      to
      headcount { department employmentStatus count }
      totals { ${FIGURES} }
      byDepartment { ${FIGURES} }
    }
  }
`;

const DAY_MS = 86_400_000;
const RANGE = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS);
const reviewed = (performance: number, commitment: number, due: string): Partial<StaffMemberDocument> => ({
  performance_score: performance,
  commitment_score: commitment,
  last_performance_review: new Date('2025-03-01T00:00:00.000Z'),
  next_review_due: new Date(due),
});

const empty = (department: string) => ({
  department,
  activeHeadcount: 0,
  averagePerformanceScore: null,
  averageCommitmentScore: null,
  trainingCompletionRate: null,
  overdueTrainingCount: 0,
  staffWithOverdueTraining: 0,
  reviewsDueInRange: 0,
});
const GAMING = {
  department: 'Gaming',
  activeHeadcount: 3,
  averagePerformanceScore: 70,
  averageCommitmentScore: 80,
  trainingCompletionRate: 75,
  overdueTrainingCount: 1,
  staffWithOverdueTraining: 1,
  reviewsDueInRange: 2,
};
const FNB = {
  department: 'F&B',
  activeHeadcount: 2,
  averagePerformanceScore: 90,
  averageCommitmentScore: 50,
  trainingCompletionRate: 50,
  overdueTrainingCount: 1,
  staffWithOverdueTraining: 1,
  reviewsDueInRange: 1,
};

type Result = Awaited<ReturnType<SubgraphHarness['execute']>>;
const firstError = (result: Result) => result.errors?.[0]?.extensions;

describe('workforceDashboard', () => {
  let harness: SubgraphHarness;
  const dashboard = (range: Record<string, string>, identity?: Identity) =>
    harness.execute<{ workforceDashboard: Record<string, unknown> }>(
      DASHBOARD,
      { range },
      identity ? { identity } : {},
    );

  beforeAll(async () => {
    // every request computes here (the pipeline count below is the computation's); the cache has its own tests
    harness = await startSubgraphHarness(workforceSubgraph, { env: { DASHBOARD_CACHE_TTL_SECONDS: '0' } });
    useFixtureProtector(harness.protector);
    await harness.db.collection('training_courses').insertMany([
      courseDoc('c1', 'Dealing', { is_mandatory: true, required_for_positions: ['Dealer'] }),
      courseDoc('c2', 'Protection', {
        is_mandatory: true,
        required_for_positions: ['Dealer'],
        validity_months: 12,
      }),
      courseDoc('c3', 'Hygiene', { is_mandatory: true, required_for_positions: ['Waiter'] }),
      courseDoc('c4', 'Optional', { required_for_positions: ['Dealer'] }),
    ]);
    await harness.db.collection('staff_members').insertMany([
      staffDoc('d1', 'Dee', 'Gaming', null, reviewed(80, 70, '2026-03-10T00:00:00.000Z')),
      staffDoc('d2', 'Dan', 'Gaming', null, reviewed(60, 90, '2026-05-01T00:00:00.000Z')),
      staffDoc('d3', 'Dora', 'Gaming', null, {
        employment_status: 'inactive',
        ...reviewed(10, 10, RANGE.from),
      }),
      staffDoc('d4', 'Dirk', 'Gaming', null, { employment_status: 'terminated' }),
      staffDoc('pb', 'Pat', 'Gaming', null, {
        position: 'Pit Boss',
        next_review_due: new Date(RANGE.from),
      }),
      staffDoc('w1', 'Wes', 'F&B', null, {
        position: 'Waiter',
        ...reviewed(90, 50, '2026-03-15T00:00:00.000Z'),
      }),
      staffDoc('w2', 'Wim', 'F&B', null, { position: 'Waiter', next_review_due: new Date(RANGE.to) }),
    ]);
    await harness.db.collection('training_records').insertMany([
      recordDoc('r1', 'd1', 'c1'),
      recordDoc('r2', 'd1', 'c2', { expires_at: inDays(100) }),
      recordDoc('r2b', 'd1', 'c2', { expires_at: inDays(-300), status: 'expired' }),
      recordDoc('r3', 'd2', 'c1'),
      // still marked completed, but past its expiry: does not count
      recordDoc('r4', 'd2', 'c2', { expires_at: inDays(-1) }),
      recordDoc('r4b', 'd2', 'c4'),
      recordDoc('r5', 'd3', 'c1'),
      recordDoc('r6', 'w1', 'c3'),
      recordDoc('r7', 'w2', 'c3', { status: 'failed', completed_at: null }),
    ]);
  });
  afterAll(() => harness.close());

  it('gives GeneralAdmin+ every department, with totals computed over all of them', async () => {
    const result = await dashboard(RANGE);
    expect(result.errors).toBeUndefined();
    expect(result.data!.workforceDashboard).toEqual({
      ...RANGE,
      headcount: [
        { department: 'F&B', employmentStatus: 'active', count: 2 },
        { department: 'Gaming', employmentStatus: 'active', count: 3 },
        { department: 'Gaming', employmentStatus: 'inactive', count: 1 },
        { department: 'Gaming', employmentStatus: 'terminated', count: 1 },
      ],
      totals: {
        department: null,
        activeHeadcount: 5,
        averagePerformanceScore: 76.67,
        averageCommitmentScore: 70,
        trainingCompletionRate: 66.67,
        overdueTrainingCount: 2,
        staffWithOverdueTraining: 2,
        reviewsDueInRange: 3,
      },
      byDepartment: [FNB, GAMING, empty('Maintenance'), empty('Management'), empty('Security')],
    });
  });

  it("gives a Manager their own department's figures only", async () => {
    const result = await dashboard(RANGE, GAMING_MANAGER);
    expect(result.errors).toBeUndefined();
    expect(result.data!.workforceDashboard).toMatchObject({
      headcount: [
        { department: 'Gaming', employmentStatus: 'active', count: 3 },
        { department: 'Gaming', employmentStatus: 'inactive', count: 1 },
        { department: 'Gaming', employmentStatus: 'terminated', count: 1 },
      ],
      totals: { ...GAMING, department: null },
      byDepartment: [GAMING],
    });
    const fnb = await dashboard(RANGE, FNB_MANAGER);
    expect(fnb.data!.workforceDashboard).toMatchObject({
      totals: { ...FNB, department: null },
      byDepartment: [FNB],
    });
  });

  it('computes the figures with two aggregation pipelines in MongoDB', async () => {
    const result = await dashboard(RANGE);
    expect(result.commands.filter((name) => name === 'aggregate')).toHaveLength(2);
    expect(result.commands).not.toContain('count');
  });

  it.each([
    ['a range ending before it starts', { from: RANGE.to, to: RANGE.from }],
    ['an empty range', { from: RANGE.from, to: RANGE.from }],
    ['a range over 366 days', { from: '2025-01-01T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' }],
  ])('rejects %s as BAD_USER_INPUT range.to', async (_, range) => {
    const result = await dashboard(range);
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'range.to' });
  });

  it('is FORBIDDEN for a Supervisor and UNAUTHENTICATED for an anonymous caller', async () => {
    expect(firstError(await dashboard(RANGE, GAMING_SUPERVISOR))).toMatchObject({ code: 'FORBIDDEN' });
    expect(firstError(await dashboard(RANGE, { kind: 'anonymous' }))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});

describe('workforceDashboard from the cache', () => {
  const GENERAL_ADMIN = adminIdentity('00000000-0000-4000-8000-0000000000c6', 'GeneralAdmin', null);
  let harness: SubgraphHarness;
  const TOTALS = /* GraphQL */ `
    query Dashboard($range: DateRangeInput!) {
      workforceDashboard(range: $range) {
        totals {
          activeHeadcount
        }
        byDepartment {
          department
          activeHeadcount
        }
      }
    }
  `;
  const ask = async (identity: Identity, range = RANGE) => {
    const result = await harness.execute<{ workforceDashboard: Record<string, unknown> }>(
      TOTALS,
      { range },
      { identity },
    );
    return { ...result, figures: result.data?.workforceDashboard };
  };
  const only = (department: string, activeHeadcount: number) => ({
    totals: { activeHeadcount },
    byDepartment: [{ department, activeHeadcount }],
  });

  beforeAll(async () => {
    harness = await startWorkforceHarness(
      () => [
        staffDoc('g1', 'Gia', 'Gaming', null),
        staffDoc('g2', 'Gus', 'Gaming', null),
        staffDoc('f1', 'Fay', 'F&B', null, { position: 'Waiter' }),
      ],
      { env: { DASHBOARD_CACHE_TTL_SECONDS: '1' } },
    );
  });
  afterAll(() => harness.close());

  it("gives each Manager their own department's figures, whoever was served first", async () => {
    const gaming = await ask(GAMING_MANAGER);
    expect(gaming.figures).toEqual(only('Gaming', 2));
    // another department is computed for its Manager, never served from the Gaming entry
    const fnb = await ask(FNB_MANAGER);
    expect(fnb.commands).toContain('aggregate');
    expect(fnb.figures).toEqual(only('F&B', 1));
    const all = await ask(GENERAL_ADMIN);
    expect(all.commands).toContain('aggregate');
    expect(all.figures).toMatchObject({ totals: { activeHeadcount: 3 } });
    const again = await ask(GAMING_MANAGER);
    expect(again.commands).toEqual([]);
    expect(again.figures).toEqual(only('Gaming', 2));
  });

  it('refuses a Supervisor while the figures of their department are cached', async () => {
    await ask(GAMING_MANAGER);
    expect(firstError(await ask(GAMING_SUPERVISOR))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('shows a change once the cached figures expire, not before', async () => {
    const range = { from: '2026-05-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' };
    expect((await ask(GAMING_MANAGER, range)).figures).toEqual(only('Gaming', 2));
    await harness.db.collection('staff_members').insertOne(staffDoc('g3', 'Gil', 'Gaming', null));
    const cached = await ask(GAMING_MANAGER, range);
    expect(cached.commands).toEqual([]);
    expect(cached.figures).toEqual(only('Gaming', 2));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await ask(GAMING_MANAGER, range)).figures).toEqual(only('Gaming', 3));
  });
});
