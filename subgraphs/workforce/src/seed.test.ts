import { en, Faker } from '@faker-js/faker';
import type { CommandStartedEvent } from 'mongodb';
import { readProcessEnv } from '@casino/config';
import { connectMongo } from '@casino/mongo';
import type { MongoConnection } from '@casino/mongo';
import { seedWorkforce, workforceSubgraph } from './index';
import type { WorkforceSeedResult } from './index';
import type { PerformanceReviewDocument } from './reviews/performance-review-store';
import { DEPARTMENTS } from './staff/departments';
import { salaryContext } from './staff/salary';
import type { StaffMemberDocument } from './staff/staff-store';
import type { TrainingCourseDocument } from './training/course-store';
import type { TrainingRecordDocument } from './training/training-record-store';
import { startSubgraphHarness, uniqueDatabase } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const NOW = new Date('2026-03-01T08:00:00.000Z');
const ADMIN_IDS = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002'];

function seededFaker(seed: number): Faker {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  return faker;
}

describe('seedWorkforce', () => {
  let harness: SubgraphHarness;
  let monitored: MongoConnection;
  let result: WorkforceSeedResult;
  let staff: StaffMemberDocument[];
  let courses: TrainingCourseDocument[];
  let records: TrainingRecordDocument[];
  let reviews: PerformanceReviewDocument[];
  const commands: string[] = [];

  beforeAll(async () => {
    // resolvers read through a second, monitored connection to the same database so tests can count commands
    const database = uniqueDatabase('workforce');
    monitored = await connectMongo({
      uri: readProcessEnv().MONGODB_URI!,
      database,
      appName: 'workforce-seed-test',
      monitorCommands: true,
    });
    harness = await startSubgraphHarness(
      {
        ...workforceSubgraph,
        createServices: (deps) => workforceSubgraph.createServices!({ ...deps, db: monitored.db }),
      },
      { env: { MONGODB_DATABASE: database } },
    );
    monitored.client.on('commandStarted', (event: CommandStartedEvent) => commands.push(event.commandName));

    result = await seedWorkforce(harness.db, {
      faker: seededFaker(7),
      now: NOW,
      adminIds: ADMIN_IDS,
      protector: harness.protector!,
    });
    const all = <T>(name: string) =>
      harness.db
        .collection(name)
        .find({}, { projection: { _id: 0 } })
        .toArray() as Promise<T[]>;
    [staff, courses, records, reviews] = await Promise.all([
      all<StaffMemberDocument>('staff_members'),
      all<TrainingCourseDocument>('training_courses'),
      all<TrainingRecordDocument>('training_records'),
      all<PerformanceReviewDocument>('performance_reviews'),
    ]);
  });
  afterAll(async () => {
    await monitored.close();
    await harness.close();
  });

  it('hires about 120 staff across the five departments and returns them', () => {
    expect(staff).toHaveLength(120);
    expect(new Set(staff.map((s) => s.department))).toEqual(new Set(DEPARTMENTS));
    expect(new Set(staff.map((s) => s.email)).size).toBe(120);
    expect(result.staff).toHaveLength(120);
    const sample = staff.find((s) => s.id === result.staff[10]!.id)!;
    expect(result.staff[10]).toEqual({
      id: sample.id,
      department: sample.department,
      email: sample.email,
      firstName: sample.first_name,
      lastName: sample.last_name,
      position: sample.position,
      active: sample.employment_status === 'active',
    });
  });

  it('stores every salary sealed under the current key, bound to its staff member, within its range', () => {
    for (const person of staff) {
      expect(person.salary).toMatch(new RegExp(`^enc\\.v1\\.${harness.protector!.currentKeyId}\\.`));
      const amount = Number(harness.protector!.open(person.salary, salaryContext(person.id)));
      expect(amount).toBeGreaterThanOrEqual(24_000);
      expect(amount).toBeLessThanOrEqual(240_000);
      expect(JSON.stringify(person)).not.toContain(amount.toFixed(2));
    }
  });

  it('builds a manager hierarchy without cycles: one top manager, heads under them, others under heads', () => {
    const byId = new Map(staff.map((s) => [s.id, s]));
    const top = staff.filter((s) => s.manager_id === null);
    expect(top).toHaveLength(1);
    expect(top[0]).toMatchObject({ department: 'Management', position: 'General Manager' });
    for (const person of staff) {
      const seen = new Set<string>();
      let current: StaffMemberDocument | undefined = person;
      while (current?.manager_id) {
        expect(seen.has(current.id)).toBe(false);
        seen.add(current.id);
        current = byId.get(current.manager_id);
        expect(current).toBeDefined();
      }
      expect(current!.id).toBe(top[0]!.id);
      expect(seen.size).toBeLessThanOrEqual(2);
      const manager = person.manager_id ? byId.get(person.manager_id)! : null;
      if (manager && manager.id !== top[0]!.id) expect(manager.department).toBe(person.department);
    }
  });

  it('creates a course catalogue by the given admins, with existing prerequisites and mandatory positions', () => {
    expect(courses.length).toBeGreaterThanOrEqual(15);
    const ids = new Set(courses.map((c) => c.id));
    expect(courses.some((c) => c.prerequisites.length > 0)).toBe(true);
    for (const course of courses) {
      expect(ADMIN_IDS).toContain(course.created_by);
      for (const id of course.prerequisites) expect(ids.has(id)).toBe(true);
      expect(course.is_mandatory).toBe(course.required_for_positions.length > 0);
    }
    for (const position of new Set(staff.map((s) => s.position))) {
      expect(courses.some((c) => c.is_mandatory && c.required_for_positions.includes(position))).toBe(true);
    }
  });

  it('keeps training records consistent with their course and the completion rate true', () => {
    const courseById = new Map(courses.map((c) => [c.id, c]));
    const byStaff = new Map<string, TrainingRecordDocument[]>();
    for (const record of records) {
      const course = courseById.get(record.course_id)!;
      expect(course).toBeDefined();
      byStaff.set(record.staff_member_id, [...(byStaff.get(record.staff_member_id) ?? []), record]);
      if (record.status === 'completed' || record.status === 'expired') {
        expect(record.score).toBeGreaterThanOrEqual(course.passing_score);
        expect(record.completed_at!.getTime()).toBeGreaterThanOrEqual(record.started_at.getTime());
        const expired = record.expires_at !== null && record.expires_at.getTime() <= NOW.getTime();
        expect(record.status === 'expired').toBe(expired);
        expect(record.expires_at === null).toBe(course.validity_months === null);
      } else if (record.status === 'failed') {
        expect(record.score).toBeLessThan(course.passing_score);
        expect(record.completed_at).toBeNull();
      } else {
        expect(record.score).toBeNull();
      }
    }
    let someonePartial = false;
    for (const person of staff) {
      const own = byStaff.get(person.id) ?? [];
      for (const record of own) {
        expect(record.started_at.getTime()).toBeGreaterThanOrEqual(person.hire_date.getTime());
        // every prerequisite was completed before the course started
        for (const prerequisite of courseById.get(record.course_id)!.prerequisites) {
          const done = own.filter((r) => r.course_id === prerequisite && r.completed_at !== null);
          expect(done.some((r) => r.completed_at!.getTime() <= record.started_at.getTime())).toBe(true);
        }
      }
      const required = courses.filter(
        (c) => c.is_active && c.is_mandatory && c.required_for_positions.includes(person.position),
      );
      const completed = required.filter((c) =>
        own.some((r) => r.course_id === c.id && r.status === 'completed'),
      );
      const expected = Math.round((completed.length / required.length) * 10_000) / 100;
      expect(person.training_completion_rate).toBe(expected);
      if (expected > 0 && expected < 100) someonePartial = true;
    }
    expect(someonePartial).toBe(true);
    expect(new Set(records.map((r) => r.status))).toEqual(
      new Set(['enrolled', 'in_progress', 'completed', 'failed', 'expired']),
    );
  });

  it("gives each staff member's latest review scores to the staff member", () => {
    const byStaff = new Map<string, PerformanceReviewDocument[]>();
    for (const review of reviews) {
      byStaff.set(review.staff_member_id, [...(byStaff.get(review.staff_member_id) ?? []), review]);
      expect(review.reviewer_id).not.toBe(review.staff_member_id);
    }
    let reviewed = 0;
    for (const person of staff) {
      const own = (byStaff.get(person.id) ?? []).sort(
        (a, b) => a.review_period_end.getTime() - b.review_period_end.getTime(),
      );
      const last = own.at(-1);
      if (!last) {
        expect(person).toMatchObject({
          performance_score: 0,
          commitment_score: 0,
          last_performance_review: null,
        });
        continue;
      }
      reviewed += 1;
      expect(person.performance_score).toBe(last.performance_score);
      expect(person.commitment_score).toBe(last.commitment_score);
      expect(person.last_performance_review).toEqual(last.created_at);
      expect(person.next_review_due!.getTime()).toBeGreaterThan(last.review_period_end.getTime());
      expect(person.manager_id === null || last.reviewer_id === person.manager_id).toBe(true);
    }
    expect(reviewed).toBeGreaterThan(90);
  });

  it('is deterministic for the same faker seed', async () => {
    const other = harness.mongo.client.db(`${harness.db.databaseName}_again`);
    try {
      const again = await seedWorkforce(other, {
        faker: seededFaker(7),
        now: NOW,
        adminIds: ADMIN_IDS,
        protector: harness.protector!,
      });
      expect(again).toEqual(result);
      expect(await other.collection('training_records').countDocuments()).toBe(records.length);
    } finally {
      await other.dropDatabase();
    }
  });

  it('pages through staff with after and counts them', async () => {
    type Page = {
      staffMembers: {
        totalCount: number;
        edges: { node: { id: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const PAGE = `query($after: String) { staffMembers(first: 50, after: $after) {
      totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 3; page++) {
      const response: Awaited<ReturnType<typeof harness.execute<Page>>> = await harness.execute<Page>(PAGE, {
        after,
      });
      expect(response.errors).toBeUndefined();
      const connection = response.data!.staffMembers;
      expect(connection.totalCount).toBe(120);
      seen.push(...connection.edges.map((e) => e.node.id));
      expect(connection.pageInfo.hasNextPage).toBe(page < 2);
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);

    const gaming = await harness.execute<{ staffMembers: { totalCount: number } }>(
      `{ staffMembers(filter: { department: "Gaming", employmentStatus: active }) { totalCount } }`,
    );
    expect(gaming.data!.staffMembers.totalCount).toBe(
      staff.filter((s) => s.department === 'Gaming' && s.employment_status === 'active').length,
    );
  });

  it('batches managers and direct reports: one command per batch whatever the number of parents', async () => {
    commands.length = 0;
    const response = await harness.execute<{
      staffMembers: {
        edges: { node: { manager: { id: string } | null; directReports: { id: string }[] } }[];
      };
    }>(`{ staffMembers(first: 120) { edges { node { manager { id } directReports { id } } } } }`);
    expect(response.errors).toBeUndefined();
    const nodes = response.data!.staffMembers.edges.map((e) => e.node);
    expect(nodes.filter((n) => n.manager === null)).toHaveLength(1);
    expect(nodes.reduce((sum, n) => sum + n.directReports.length, 0)).toBe(119);
    // the page, then one batch of managers and one batch of direct reports
    expect(commands).toEqual(['find', 'find', 'find']);
  });

  it('resolves every entity by reference and the relations of records and reviews', async () => {
    const record = records.find((r) => r.status === 'completed')!;
    const review = reviews[0]!;
    const person = staff.find((s) => s.id === record.staff_member_id)!;
    const response = await harness.execute<{ _entities: Record<string, unknown>[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) {
         ... on StaffMember { id employeeId salary trainingRecords(first: 100) { totalCount } }
         ... on TrainingRecord { id status staffMember { id } course { id } }
         ... on PerformanceReview { id performanceScore staffMember { id } reviewer { id } }
       } }`,
      {
        r: [
          { __typename: 'StaffMember', id: person.id },
          { __typename: 'TrainingRecord', id: record.id },
          { __typename: 'PerformanceReview', id: review.id },
        ],
      },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!._entities).toEqual([
      {
        id: person.id,
        employeeId: person.employee_id,
        salary: harness.protector!.open(person.salary, salaryContext(person.id)),
        trainingRecords: { totalCount: records.filter((r) => r.staff_member_id === person.id).length },
      },
      {
        id: record.id,
        status: 'completed',
        staffMember: { id: person.id },
        course: { id: record.course_id },
      },
      {
        id: review.id,
        performanceScore: review.performance_score,
        staffMember: { id: review.staff_member_id },
        reviewer: { id: review.reviewer_id },
      },
    ]);
  });

  it('lists a staff member’s reviews newest first and filters records and reviews', async () => {
    const person = staff.find((s) => reviews.filter((r) => r.staff_member_id === s.id).length >= 2)!;
    const response = await harness.execute<{
      staffMember: { performanceReviews: { edges: { node: { createdAt: string } }[] } };
      trainingRecords: { totalCount: number };
      performanceReviews: { totalCount: number };
    }>(
      `query($id: ID!) {
         staffMember(id: $id) { performanceReviews { edges { node { createdAt } } } }
         trainingRecords(filter: { status: expired }) { totalCount }
         performanceReviews(filter: { reviewerId: $id }) { totalCount }
       }`,
      { id: person.id },
    );
    expect(response.errors).toBeUndefined();
    const dates = response.data!.staffMember.performanceReviews.edges.map((e) => e.node.createdAt);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(response.data!.trainingRecords.totalCount).toBe(
      records.filter((r) => r.status === 'expired').length,
    );
    expect(response.data!.performanceReviews.totalCount).toBe(
      reviews.filter((r) => r.reviewer_id === person.id).length,
    );
  });
});
