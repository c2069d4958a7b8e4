import type { Identity } from '@casino/auth';
import { complianceSubgraph } from '@casino/compliance';
import { adminIdentity, FNB_MANAGER, GAMING_SUPERVISOR, staffDoc } from '../testing/fixtures';
import { startWorkforceHarness } from '../testing/harness';
import { startServedSubgraph, testIdentity } from '@casino/testing';
import type { ServedSubgraph, SubgraphHarness } from '@casino/testing';

const CREATE = /* GraphQL */ `
  mutation Review($input: CreatePerformanceReviewInput!) {
    createPerformanceReview(input: $input) {
      id
      performanceScore
      commitmentScore
      strengths
      improvements
      comments
      reviewPeriodEnd
      reviewer {
        id
      }
      staffMember {
        id
        performanceScore
        commitmentScore
        lastPerformanceReview
        nextReviewDue
      }
    }
  }
`;

const ids = {
  gm: '13000000-0000-4000-8000-000000000001',
  director: '13000000-0000-4000-8000-000000000002',
  pitBoss: '13000000-0000-4000-8000-000000000003',
  dealer: '13000000-0000-4000-8000-000000000004',
  peer: '13000000-0000-4000-8000-000000000005',
  fnbDirector: '13000000-0000-4000-8000-000000000006',
  gone: '13000000-0000-4000-8000-000000000007',
};

/** Back-office accounts, each linked (in compliance) to a staff record, except the SuperAdmin's */
const admins = {
  pitBoss: adminIdentity('13000000-0000-4000-8000-0000000000a3', 'Manager', 'Gaming'),
  director: adminIdentity('13000000-0000-4000-8000-0000000000a2', 'Manager', 'Gaming'),
  peer: adminIdentity('13000000-0000-4000-8000-0000000000a5', 'Manager', 'Gaming'),
  gm: adminIdentity('13000000-0000-4000-8000-0000000000a1', 'GeneralAdmin', null),
  unlinked: testIdentity('SuperAdmin', {
    userId: '13000000-0000-4000-8000-0000000000a9',
    username: 'head-office',
  }) as Identity,
};
const linkOf: [keyof typeof admins, string | null][] = [
  ['pitBoss', ids.pitBoss],
  ['director', ids.director],
  ['peer', ids.peer],
  ['gm', ids.gm],
  ['unlinked', null],
];
const userIdOf = (identity: Identity) => (identity.kind === 'admin' ? identity.userId : '');

type Reviewed = {
  createPerformanceReview: {
    id: string;
    staffMember: { performanceScore: number; commitmentScore: number; nextReviewDue: string | null };
  } & Record<string, unknown>;
};
type Result = Awaited<ReturnType<SubgraphHarness['execute']>>;
const firstError = (result: Result) => result.errors?.[0]?.extensions;

const base = {
  staffMemberId: ids.dealer,
  reviewPeriodStart: '2025-01-01T00:00:00.000Z',
  reviewPeriodEnd: '2025-07-01T00:00:00.000Z',
  performanceScore: 82.5,
  commitmentScore: 90,
  strengths: ['Game protection', 'Game protection', 'Teamwork'],
  improvements: ['Speed'],
  comments: 'Solid half year.',
};

describe('createPerformanceReview', () => {
  let harness: SubgraphHarness;
  let compliance: ServedSubgraph;
  const create = (input: Record<string, unknown>, identity: Identity = admins.pitBoss) =>
    harness.execute<Reviewed>(CREATE, { input }, { identity });
  const staff = (id: string) => harness.db.collection('staff_members').findOne({ id });
  const reviewCount = () => harness.db.collection('performance_reviews').countDocuments();

  beforeAll(async () => {
    compliance = await startServedSubgraph(complianceSubgraph);
    await compliance.db.collection('admin_users').insertMany(
      linkOf.map(([key, staffMemberId]) => {
        const identity = admins[key];
        const admin = identity.kind === 'admin' ? identity : null;
        return {
          id: admin!.userId,
          username: admin!.username,
          email: `${key}@casino.example`,
          password_hash: 'not-a-hash',
          full_name: key,
          role: admin!.role,
          department: admin!.department,
          is_active: true,
          created_at: new Date('2024-01-01T00:00:00.000Z'),
          last_login: null,
          permissions: [],
          two_factor_enabled: false,
          staff_member_id: staffMemberId,
        };
      }),
    );
    harness = await startWorkforceHarness(
      () => [
        staffDoc(ids.gm, 'Gehan', 'Management', null),
        staffDoc(ids.director, 'Gayan', 'Gaming', ids.gm),
        staffDoc(ids.pitBoss, 'Pradeep', 'Gaming', ids.director),
        staffDoc(ids.dealer, 'Dilan', 'Gaming', ids.pitBoss),
        staffDoc(ids.peer, 'Piyal', 'Gaming', ids.pitBoss),
        staffDoc(ids.fnbDirector, 'Fathima', 'F&B', ids.gm),
        staffDoc(ids.gone, 'Gone', 'Gaming', ids.pitBoss, { employment_status: 'terminated' }),
      ],
      { services: { compliance: compliance.clientAs('workforce') } },
    );
  });
  afterAll(async () => {
    await harness.close();
    await compliance.stop();
  });

  it("by the staff member's manager, the caller: stored, and the scores become the person's, next review one interval after the period", async () => {
    const result = await create(base);
    expect(result.errors).toBeUndefined();
    const review = result.data!.createPerformanceReview;
    expect(review).toMatchObject({
      performanceScore: 82.5,
      commitmentScore: 90,
      strengths: ['Game protection', 'Teamwork'],
      improvements: ['Speed'],
      comments: 'Solid half year.',
      reviewer: { id: ids.pitBoss },
      staffMember: {
        id: ids.dealer,
        performanceScore: 82.5,
        commitmentScore: 90,
        nextReviewDue: '2026-07-01T00:00:00.000Z',
      },
    });
    const stored = await staff(ids.dealer);
    expect(stored).toMatchObject({ performance_score: 82.5, commitment_score: 90 });
    expect(stored?.last_performance_review).toBeInstanceOf(Date);
    expect(harness.auditEvents.at(-1)).toMatchObject({
      action: 'createPerformanceReview',
      targetId: review.id,
      outcome: 'allowed',
    });
  });

  it('by someone higher up the chain (in another department), an earlier period not taking over the scores', async () => {
    const result = await create(
      {
        ...base,
        reviewPeriodStart: '2024-07-01T00:00:00.000Z',
        reviewPeriodEnd: '2025-01-01T00:00:00.000Z',
        performanceScore: 40,
      },
      admins.gm,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.createPerformanceReview.reviewer).toEqual({ id: ids.gm });
    expect(result.data!.createPerformanceReview.staffMember).toMatchObject({
      performanceScore: 82.5,
      nextReviewDue: '2026-07-01T00:00:00.000Z',
    });
  });

  it('refuses a period overlapping an existing review as CONFLICT', async () => {
    const result = await create({
      ...base,
      reviewPeriodStart: '2025-06-01T00:00:00.000Z',
      reviewPeriodEnd: '2025-09-01T00:00:00.000Z',
    });
    expect(firstError(result)).toMatchObject({ code: 'CONFLICT', field: 'input.reviewPeriodStart' });
  });

  it('takes no reviewer from the input: naming one is a validation error and nothing is written', async () => {
    const before = await reviewCount();
    const result = await create(
      {
        ...base,
        staffMemberId: ids.peer,
        reviewerId: ids.gm,
        reviewPeriodStart: '2023-01-01T00:00:00.000Z',
        reviewPeriodEnd: '2023-06-01T00:00:00.000Z',
      },
      admins.peer,
    );
    expect(result.data ?? null).toBeNull();
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(result.errors![0]!.message).toContain('reviewerId');
    expect(await reviewCount()).toBe(before);
  });

  it.each([
    ['a peer', admins.peer, ids.dealer],
    ['their own superior', admins.pitBoss, ids.director],
    ['themselves', admins.peer, ids.peer],
    ['the top of the hierarchy (no manager), by themselves', admins.gm, ids.gm],
  ])('refuses %s as reviewer with BAD_USER_INPUT input.staffMemberId', async (_, identity, staffMemberId) => {
    const before = await reviewCount();
    const result = await create({ ...base, staffMemberId }, identity);
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.staffMemberId' });
    expect(await reviewCount()).toBe(before);
  });

  it('refuses an account without a staff record as FORBIDDEN, writing nothing', async () => {
    const before = await reviewCount();
    const result = await create({ ...base, staffMemberId: ids.peer }, admins.unlinked);
    expect(firstError(result)).toMatchObject({ code: 'FORBIDDEN' });
    expect(result.errors![0]!.message).toContain('not linked to a staff record');
    expect(await reviewCount()).toBe(before);
    expect(userIdOf(admins.unlinked)).not.toBe('');
  });

  it.each([
    ['score above 100', { performanceScore: 100.5 }, 'input.performanceScore'],
    ['negative commitment', { commitmentScore: -1 }, 'input.commitmentScore'],
    [
      'period ending before it starts',
      { reviewPeriodEnd: '2024-12-01T00:00:00.000Z' },
      'input.reviewPeriodEnd',
    ],
    ['period ending in the future', { reviewPeriodEnd: '2099-01-01T00:00:00.000Z' }, 'input.reviewPeriodEnd'],
    ['terminated staff member', { staffMemberId: ids.gone }, 'input.staffMemberId'],
  ])('rejects a %s naming the field', async (_, change, field) => {
    const result = await create({ ...base, staffMemberId: ids.peer, ...change });
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  describe('scope', () => {
    const input = {
      ...base,
      staffMemberId: ids.peer,
      reviewPeriodStart: '2025-01-01T00:00:00.000Z',
      reviewPeriodEnd: '2025-12-31T00:00:00.000Z',
    };

    it.each([
      ['a Supervisor', GAMING_SUPERVISOR],
      ['a Manager of another department', FNB_MANAGER],
    ])('is FORBIDDEN for %s', async (_, identity) => {
      const result = await create(input, identity);
      expect(firstError(result)).toMatchObject({ code: 'FORBIDDEN' });
    });

    it('is allowed for a Manager of the department above them', async () => {
      const result = await create(input, admins.pitBoss);
      expect(result.errors).toBeUndefined();
      expect((await staff(ids.peer))?.performance_score).toBe(82.5);
    });
  });
});
