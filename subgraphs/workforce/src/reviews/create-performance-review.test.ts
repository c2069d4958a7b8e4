import type { Identity } from '@casino/auth';
import { workforceSubgraph } from '../index';
import {
  FNB_MANAGER,
  GAMING_MANAGER,
  GAMING_SUPERVISOR,
  staffDoc,
  useFixtureProtector,
} from '../testing/fixtures';
import { startSubgraphHarness } from '../../../../tests/support/subgraph-harness';
import type { SubgraphHarness } from '../../../../tests/support/subgraph-harness';

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
  reviewerId: ids.pitBoss,
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
  const create = (input: Record<string, unknown>, identity?: Identity) =>
    harness.execute<Reviewed>(CREATE, { input }, identity ? { identity } : {});
  const staff = (id: string) => harness.db.collection('staff_members').findOne({ id });

  beforeAll(async () => {
    harness = await startSubgraphHarness(workforceSubgraph);
    useFixtureProtector(harness.protector);
    await harness.db
      .collection('staff_members')
      .insertMany([
        staffDoc(ids.gm, 'Gehan', 'Management', null),
        staffDoc(ids.director, 'Gayan', 'Gaming', ids.gm),
        staffDoc(ids.pitBoss, 'Pradeep', 'Gaming', ids.director),
        staffDoc(ids.dealer, 'Dilan', 'Gaming', ids.pitBoss),
        staffDoc(ids.peer, 'Piyal', 'Gaming', ids.pitBoss),
        staffDoc(ids.fnbDirector, 'Fathima', 'F&B', ids.gm),
        staffDoc(ids.gone, 'Gone', 'Gaming', ids.pitBoss, { employment_status: 'terminated' }),
      ]);
  });
  afterAll(() => harness.close());

  it("by the staff member's manager: stored, and the scores become the person's, next review one interval after the period", async () => {
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
    const result = await create({
      ...base,
      reviewerId: ids.gm,
      reviewPeriodStart: '2024-07-01T00:00:00.000Z',
      reviewPeriodEnd: '2025-01-01T00:00:00.000Z',
      performanceScore: 40,
    });
    expect(result.errors).toBeUndefined();
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

  it.each([
    ['a peer', ids.peer, ids.dealer],
    ['someone below', ids.pitBoss, ids.dealer],
    ['another branch', ids.peer, ids.fnbDirector],
    ['an unknown person', ids.peer, '99999999-0000-4000-8000-000000000000'],
  ])('refuses %s as reviewer with BAD_USER_INPUT input.reviewerId', async (_, staffMemberId, reviewerId) => {
    const before = await harness.db.collection('performance_reviews').countDocuments();
    const result = await create({ ...base, staffMemberId, reviewerId });
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reviewerId' });
    expect(await harness.db.collection('performance_reviews').countDocuments()).toBe(before);
  });

  it('refuses a person reviewing themselves and a person without a manager', async () => {
    const self = await create({ ...base, staffMemberId: ids.peer, reviewerId: ids.peer });
    expect(firstError(self)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reviewerId' });
    const top = await create({ ...base, staffMemberId: ids.gm, reviewerId: ids.director });
    expect(firstError(top)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reviewerId' });
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

    it('is allowed for a Manager of the department', async () => {
      const result = await create(input, GAMING_MANAGER);
      expect(result.errors).toBeUndefined();
      expect((await staff(ids.peer))?.performance_score).toBe(82.5);
    });
  });
});
