import type { Identity } from '@casino/auth';
import {
  FNB_MANAGER,
  FNB_SUPERVISOR,
  GAMING_MANAGER,
  GAMING_SUPERVISOR,
  courseDoc,
  recordDoc,
  staffDoc,
} from '../testing/fixtures';
import { startWorkforceHarness } from '../testing/harness';
import type { SubgraphHarness } from '@casino/testing';

const RECORD = /* GraphQL */ `
  mutation Record($input: RecordTrainingCompletionInput!) {
    recordTrainingCompletion(input: $input) {
      id
      status
      score
      completedAt
      expiresAt
      attempts
      course {
        id
      }
      staffMember {
        id
        trainingCompletionRate
      }
    }
  }
`;

const OVERDUE = /* GraphQL */ `
  query Overdue($department: String!) {
    overdueTraining(department: $department) {
      staffMember {
        id
      }
      courses {
        course {
          courseName
        }
        expiredAt
      }
    }
  }
`;

const DAY_MS = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY_MS);
const EXPIRED_AT = ago(365);
const ids = {
  pitBoss: '12000000-0000-4000-8000-000000000001',
  dealer: '12000000-0000-4000-8000-000000000002',
  dealer2: '12000000-0000-4000-8000-000000000003',
  waiter: '12000000-0000-4000-8000-000000000004',
  gone: '12000000-0000-4000-8000-000000000005',
  basics: '22000000-0000-4000-8000-000000000001',
  advanced: '22000000-0000-4000-8000-000000000002',
  renewable: '22000000-0000-4000-8000-000000000003',
  food: '22000000-0000-4000-8000-000000000004',
  retired: '22000000-0000-4000-8000-000000000005',
};

type Recorded = {
  recordTrainingCompletion: {
    id: string;
    status: string;
    score: number;
    completedAt: string | null;
    expiresAt: string | null;
    attempts: number;
    staffMember: { id: string; trainingCompletionRate: number };
  };
};
type Result = Awaited<ReturnType<SubgraphHarness['execute']>>;
const firstError = (result: Result) => result.errors?.[0]?.extensions;

describe('recordTrainingCompletion and overdueTraining', () => {
  let harness: SubgraphHarness;
  const record = (input: Record<string, unknown>, identity?: Identity) =>
    harness.execute<Recorded>(RECORD, { input }, identity ? { identity } : {});
  const records = () => harness.db.collection('training_records');
  // Advanced Dealing requires Dealing Basics, current on the completion date
  const completeAdvancedYesterday = (staffMemberId: string) =>
    record({ staffMemberId, courseId: ids.advanced, score: 95, completedAt: ago(1).toISOString() });

  beforeAll(async () => {
    harness = await startWorkforceHarness(() => [
      staffDoc(ids.pitBoss, 'Pradeep', 'Gaming', null, { position: 'Pit Boss' }),
      staffDoc(ids.dealer, 'Dilan', 'Gaming', ids.pitBoss),
      staffDoc(ids.dealer2, 'Chamara', 'Gaming', ids.pitBoss),
      staffDoc(ids.waiter, 'Wasantha', 'F&B', null, { position: 'Waiter' }),
      staffDoc(ids.gone, 'Gone', 'Gaming', ids.pitBoss, { employment_status: 'terminated' }),
    ]);
    const forDealers = { is_mandatory: true, required_for_positions: ['Dealer'] };
    await harness.db.collection('training_courses').insertMany([
      courseDoc(ids.basics, 'Dealing Basics', forDealers),
      courseDoc(ids.advanced, 'Advanced Dealing', {
        ...forDealers,
        prerequisites: [ids.basics],
        passing_score: 80,
      }),
      courseDoc(ids.renewable, 'Game Protection', { ...forDealers, validity_months: 12 }),
      courseDoc(ids.food, 'Food Hygiene', { is_mandatory: true, required_for_positions: ['Waiter'] }),
      courseDoc(ids.retired, 'Old Procedures', { ...forDealers, is_active: false }),
    ]);
    // dealer2: Game Protection completed two years ago (expired), Dealing Basics current
    await records().insertMany([
      recordDoc('32000000-0000-4000-8000-000000000001', ids.dealer2, ids.renewable, {
        completed_at: ago(730),
        expires_at: EXPIRED_AT,
        status: 'expired',
      }),
      recordDoc('32000000-0000-4000-8000-000000000002', ids.dealer2, ids.basics, { completed_at: ago(30) }),
    ]);
  });
  afterAll(() => harness.close());

  it('lists active staff with mandatory courses not completed or expired, by last name', async () => {
    const result = await harness.execute<{ overdueTraining: unknown[] }>(OVERDUE, { department: 'Gaming' });
    expect(result.errors).toBeUndefined();
    expect(result.data!.overdueTraining).toEqual([
      {
        staffMember: { id: ids.dealer2 },
        courses: [
          { course: { courseName: 'Advanced Dealing' }, expiredAt: null },
          {
            course: { courseName: 'Game Protection' },
            expiredAt: EXPIRED_AT.toISOString(),
          },
        ],
      },
      {
        staffMember: { id: ids.dealer },
        courses: [
          { course: { courseName: 'Advanced Dealing' }, expiredAt: null },
          { course: { courseName: 'Dealing Basics' }, expiredAt: null },
          { course: { courseName: 'Game Protection' }, expiredAt: null },
        ],
      },
    ]);
  });

  it('refuses a course whose prerequisite is not completed, naming it, and writes nothing', async () => {
    const before = await records().countDocuments();
    const result = await completeAdvancedYesterday(ids.dealer);
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.courseId' });
    expect(result.errors![0]!.message).toMatch(/Dealing Basics/);
    expect(await records().countDocuments()).toBe(before);
  });

  it('records a passing score as completed and recomputes the completion rate', async () => {
    const completedAt = ago(2).toISOString();
    const result = await record({
      staffMemberId: ids.dealer,
      courseId: ids.basics,
      score: 70,
      completedAt,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.recordTrainingCompletion).toMatchObject({
      status: 'completed',
      score: 70,
      completedAt,
      expiresAt: null,
      attempts: 1,
      staffMember: { id: ids.dealer, trainingCompletionRate: 33.33 },
    });
  });

  it('records a score below the passing score as failed, and a retake on the same record', async () => {
    const failed = await record({
      staffMemberId: ids.dealer,
      courseId: ids.advanced,
      score: 79.5,
      completedAt: ago(1).toISOString(),
    });
    expect(failed.errors).toBeUndefined();
    expect(failed.data!.recordTrainingCompletion).toMatchObject({
      status: 'failed',
      score: 79.5,
      completedAt: null,
      attempts: 1,
      staffMember: { trainingCompletionRate: 33.33 },
    });
    const retake = await record({
      staffMemberId: ids.dealer,
      courseId: ids.advanced,
      score: 88,
      completedAt: new Date().toISOString(),
    });
    expect(retake.errors).toBeUndefined();
    expect(retake.data!.recordTrainingCompletion).toMatchObject({
      id: failed.data!.recordTrainingCompletion.id,
      status: 'completed',
      attempts: 2,
      staffMember: { trainingCompletionRate: 66.67 },
    });
  });

  it('sets the expiry from validityMonths, and an old completion is recorded as already expired', async () => {
    const old = await record({
      staffMemberId: ids.dealer,
      courseId: ids.renewable,
      score: 90,
      completedAt: '2024-01-31T00:00:00.000Z',
    });
    expect(old.data!.recordTrainingCompletion).toMatchObject({
      status: 'expired',
      expiresAt: '2025-01-31T00:00:00.000Z',
      staffMember: { trainingCompletionRate: 66.67 },
    });
    const fresh = ago(3);
    const current = await record({
      staffMemberId: ids.dealer,
      courseId: ids.renewable,
      score: 90,
      completedAt: fresh.toISOString(),
    });
    const expected = new Date(fresh);
    expected.setUTCMonth(expected.getUTCMonth() + 12);
    expect(current.data!.recordTrainingCompletion).toMatchObject({
      status: 'completed',
      expiresAt: expected.toISOString(),
      staffMember: { trainingCompletionRate: 100 },
    });
    expect(current.data!.recordTrainingCompletion.id).not.toBe(old.data!.recordTrainingCompletion.id);
    expect(
      (await harness.db.collection('staff_members').findOne({ id: ids.dealer }))?.training_completion_rate,
    ).toBe(100);
    const overdue = await harness.execute<{ overdueTraining: { staffMember: { id: string } }[] }>(OVERDUE, {
      department: 'Gaming',
    });
    expect(overdue.data!.overdueTraining.map((entry) => entry.staffMember.id)).toEqual([ids.dealer2]);
  });

  it('refuses a prerequisite that had expired by the completion date', async () => {
    await records().insertOne(
      recordDoc('32000000-0000-4000-8000-000000000003', ids.waiter, ids.basics, {
        completed_at: ago(400),
        expires_at: ago(35),
        status: 'expired',
      }),
    );
    await harness.db
      .collection('staff_members')
      .updateOne({ id: ids.waiter }, { $set: { position: 'Dealer' } });
    const result = await completeAdvancedYesterday(ids.waiter);
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.courseId' });
    await harness.db
      .collection('staff_members')
      .updateOne({ id: ids.waiter }, { $set: { position: 'Waiter' } });
  });

  it('refuses the same completion twice as CONFLICT', async () => {
    const at = ago(10).toISOString();
    const first = await record({
      staffMemberId: ids.pitBoss,
      courseId: ids.food,
      score: 90,
      completedAt: at,
    });
    expect(first.errors).toBeUndefined();
    const again = await record({
      staffMemberId: ids.pitBoss,
      courseId: ids.food,
      score: 90,
      completedAt: at,
    });
    expect(firstError(again)).toMatchObject({ code: 'CONFLICT', field: 'input.completedAt' });
  });

  it.each([
    ['score above 100', { score: 101 }, 'input.score'],
    [
      'completion in the future',
      { completedAt: new Date(Date.now() + DAY_MS).toISOString() },
      'input.completedAt',
    ],
    ['completion before the hire date', { completedAt: '2019-01-01T00:00:00.000Z' }, 'input.completedAt'],
    ['unknown course', { courseId: 'nope' }, 'input.courseId'],
    ['inactive course', { courseId: ids.retired }, 'input.courseId'],
    ['terminated staff member', { staffMemberId: ids.gone }, 'input.staffMemberId'],
  ])('rejects a %s naming the field', async (_, change, field) => {
    const result = await record({
      staffMemberId: ids.dealer2,
      courseId: ids.basics,
      score: 90,
      completedAt: ago(1).toISOString(),
      ...change,
    });
    expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  describe('scope', () => {
    const input = () => ({
      staffMemberId: ids.dealer2,
      courseId: ids.food,
      score: 50,
      completedAt: ago(1).toISOString(),
    });

    it.each([
      ['a Supervisor', GAMING_SUPERVISOR],
      ['a Manager', GAMING_MANAGER],
    ])('lets %s of the department record training', async (_, identity) => {
      const result = await record(input(), identity);
      expect(result.errors).toBeUndefined();
      expect(result.data!.recordTrainingCompletion.status).toBe('failed');
    });

    it.each([
      ['a Supervisor', FNB_SUPERVISOR],
      ['a Manager', FNB_MANAGER],
    ])('is FORBIDDEN for %s of another department', async (_, identity) => {
      const before = await records().countDocuments();
      const result = await record(input(), identity);
      expect(firstError(result)).toMatchObject({ code: 'FORBIDDEN' });
      expect(await records().countDocuments()).toBe(before);
    });

    it('lets a Supervisor list their own department overdue training but not another', async () => {
      const own = await harness.execute(OVERDUE, { department: 'Gaming' }, { identity: GAMING_SUPERVISOR });
      expect(own.errors).toBeUndefined();
      const other = await harness.execute(OVERDUE, { department: 'Gaming' }, { identity: FNB_SUPERVISOR });
      expect(firstError(other)).toMatchObject({ code: 'FORBIDDEN' });
      const anonymous = await harness.execute(
        OVERDUE,
        { department: 'Gaming' },
        { identity: { kind: 'anonymous' } },
      );
      expect(firstError(anonymous)).toMatchObject({ code: 'UNAUTHENTICATED' });
    });

    it('rejects an unknown department', async () => {
      const result = await harness.execute(OVERDUE, { department: 'Casino' });
      expect(firstError(result)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'department' });
    });
  });
});
