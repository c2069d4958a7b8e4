import type { FieldProtector } from '@casino/crypto';
import type { Identity } from '@casino/auth';
import { typeDefs, workforceSubgraph } from './index';
import { rules } from './permissions';
import type { PerformanceReviewDocument } from './reviews/performance-review-store';
import type { Department } from './staff/departments';
import { sealSalary } from './staff/salary';
import type { StaffMemberDocument } from './staff/staff-store';
import { courseDoc, recordDoc } from './testing/fixtures';
import { TEST_SUPERADMIN, startSubgraphHarness, testIdentity } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const admin = (
  userId: string,
  role: 'GeneralAdmin' | 'Manager' | 'Supervisor',
  department: string | null,
): Identity => testIdentity(role, { userId, username: `test-${userId}`, department });

const SUPERADMIN = TEST_SUPERADMIN;
const GENERAL_ADMIN = admin('00000000-0000-4000-8000-0000000000b1', 'GeneralAdmin', null);
const GAMING_MANAGER = admin('00000000-0000-4000-8000-0000000000b2', 'Manager', 'Gaming');
const GAMING_SUPERVISOR = admin('00000000-0000-4000-8000-0000000000b3', 'Supervisor', 'Gaming');
const FNB_MANAGER = admin('00000000-0000-4000-8000-0000000000b4', 'Manager', 'F&B');
const MANAGEMENT_MANAGER = admin('00000000-0000-4000-8000-0000000000b5', 'Manager', 'Management');
const MANAGER_WITHOUT_DEPARTMENT = admin('00000000-0000-4000-8000-0000000000b6', 'Manager', null);
const ANONYMOUS: Identity = { kind: 'anonymous' };
const SERVICE: Identity = { kind: 'service', service: 'marketing' };

const NOW = new Date('2026-03-01T08:00:00.000Z');
const ids = {
  generalManager: '10000000-0000-4000-8000-000000000001',
  gamingDirector: '10000000-0000-4000-8000-000000000002',
  dealer: '10000000-0000-4000-8000-000000000003',
  fnbDirector: '10000000-0000-4000-8000-000000000004',
  waiter: '10000000-0000-4000-8000-000000000005',
  course: '20000000-0000-4000-8000-000000000001',
  dealerRecord: '30000000-0000-4000-8000-000000000001',
  waiterRecord: '30000000-0000-4000-8000-000000000002',
  dealerReview: '40000000-0000-4000-8000-000000000001',
  waiterReview: '40000000-0000-4000-8000-000000000002',
  gamingDirectorReview: '40000000-0000-4000-8000-000000000003',
};

let employeeNumber = 0;
function staffMember(
  id: string,
  firstName: string,
  department: Department,
  managerId: string | null,
  salary: string,
  protector: FieldProtector,
): StaffMemberDocument {
  employeeNumber += 1;
  return {
    id,
    employee_id: `EMP-${1000 + employeeNumber}`,
    first_name: firstName,
    last_name: 'Perera',
    email: `${firstName.toLowerCase()}@casino.example`,
    phone: '+94 77 000 0000',
    position: `${firstName} position`,
    department,
    hire_date: new Date('2020-01-01T00:00:00.000Z'),
    salary: sealSalary(protector, salary, id),
    manager_id: managerId,
    employment_status: 'active',
    skills: [],
    certifications: [],
    performance_score: 80,
    commitment_score: 75,
    training_completion_rate: 50,
    last_performance_review: null,
    next_review_due: null,
    emergency_contact: {},
    created_at: NOW,
    last_updated: NOW,
  };
}

const course = courseDoc(ids.course, 'Responsible Gaming', { created_at: NOW, last_updated: NOW });

const record = (id: string, staffMemberId: string) =>
  recordDoc(id, staffMemberId, ids.course, { started_at: NOW, completed_at: NOW, created_at: NOW });

const review = (id: string, staffMemberId: string, reviewerId: string): PerformanceReviewDocument => ({
  id,
  staff_member_id: staffMemberId,
  reviewer_id: reviewerId,
  review_period_start: new Date('2025-01-01T00:00:00.000Z'),
  review_period_end: new Date('2025-12-31T00:00:00.000Z'),
  performance_score: 80,
  commitment_score: 75,
  strengths: [],
  improvements: [],
  comments: null,
  created_at: NOW,
});

type Result = Awaited<ReturnType<SubgraphHarness['execute']>>;
const codes = (result: Result) => (result.errors ?? []).map((error) => error.extensions?.code);
/** Every error of the result carries this code (and there is at least one). */
function expectOnly(result: Result, code: 'FORBIDDEN' | 'UNAUTHENTICATED') {
  expect(result.errors?.length).toBeGreaterThan(0);
  expect(new Set(codes(result))).toEqual(new Set([code]));
}

const STAFF_MEMBER = `query($id: ID!) { staffMember(id: $id) { id firstName department salary } }`;
const STAFF_LIST = `query($filter: StaffMemberFilter) {
  staffMembers(filter: $filter, first: 50) { totalCount edges { node { id department } } }
}`;

describe('workforce permissions', () => {
  let harness: SubgraphHarness;
  const as = (identity: Identity, query: string, variables?: Record<string, unknown>) =>
    harness.execute(query, variables, { identity });

  beforeAll(async () => {
    harness = await startSubgraphHarness(workforceSubgraph);
    await harness.db
      .collection('staff_members')
      .insertMany([
        staffMember(ids.generalManager, 'Gehan', 'Management', null, '300000.00', harness.protector!),
        staffMember(
          ids.gamingDirector,
          'Gayan',
          'Gaming',
          ids.generalManager,
          '200000.00',
          harness.protector!,
        ),
        staffMember(ids.dealer, 'Dilan', 'Gaming', ids.gamingDirector, '80000.00', harness.protector!),
        staffMember(ids.fnbDirector, 'Fathima', 'F&B', ids.generalManager, '190000.00', harness.protector!),
        staffMember(ids.waiter, 'Wasantha', 'F&B', ids.fnbDirector, '60000.00', harness.protector!),
      ]);
    await harness.db.collection('training_courses').insertOne({ ...course });
    await harness.db
      .collection('training_records')
      .insertMany([record(ids.dealerRecord, ids.dealer), record(ids.waiterRecord, ids.waiter)]);
    await harness.db
      .collection('performance_reviews')
      .insertMany([
        review(ids.dealerReview, ids.dealer, ids.gamingDirector),
        review(ids.waiterReview, ids.waiter, ids.fnbDirector),
        review(ids.gamingDirectorReview, ids.gamingDirector, ids.generalManager),
      ]);
  });
  afterAll(() => harness.close());

  describe('the rule tree', () => {
    it('names every object type and every Query and Mutation field explicitly', () => {
      const tree = rules as Record<string, unknown>;
      for (const definition of typeDefs.definitions) {
        if (definition.kind !== 'ObjectTypeDefinition') continue;
        const name = definition.name.value;
        expect([name, tree[name] !== undefined]).toEqual([name, true]);
        if (name !== 'Query' && name !== 'Mutation') continue;
        const fields = tree[name] as Record<string, unknown>;
        for (const field of definition.fields ?? []) {
          expect([`${name}.${field.name.value}`, fields[field.name.value] !== undefined]).toEqual([
            `${name}.${field.name.value}`,
            true,
          ]);
        }
      }
    });
  });

  describe('one staff member', () => {
    it.each([
      ['SuperAdmin', SUPERADMIN],
      ['GeneralAdmin', GENERAL_ADMIN],
      ['a Manager of the department', GAMING_MANAGER],
    ])('%s reads everything, salary included', async (_, identity) => {
      const result = await as(identity, STAFF_MEMBER, { id: ids.dealer });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        staffMember: { id: ids.dealer, firstName: 'Dilan', department: 'Gaming', salary: '80000.00' },
      });
    });

    it('a Supervisor of the department reads the person, but the salary is null with FORBIDDEN', async () => {
      const result = await as(GAMING_SUPERVISOR, STAFF_MEMBER, { id: ids.dealer });
      expect(result.data).toEqual({
        staffMember: { id: ids.dealer, firstName: 'Dilan', department: 'Gaming', salary: null },
      });
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]).toMatchObject({
        path: ['staffMember', 'salary'],
        extensions: { code: 'FORBIDDEN' },
      });
    });

    it('a Manager of another department (F&B) reading a Gaming staff member gets FORBIDDEN', async () => {
      const result = await as(FNB_MANAGER, STAFF_MEMBER, { id: ids.dealer });
      expect(result.data).toEqual({ staffMember: null });
      expectOnly(result, 'FORBIDDEN');
    });

    it('a Supervisor of another department gets FORBIDDEN too, even without asking for the salary', async () => {
      const result = await as(
        admin('00000000-0000-4000-8000-0000000000b7', 'Supervisor', 'F&B'),
        `query($id: ID!) { staffMember(id: $id) { id firstName } }`,
        { id: ids.dealer },
      );
      expect(result.data).toEqual({ staffMember: null });
      expectOnly(result, 'FORBIDDEN');
    });

    it('the F&B Manager reads their own department, salary included', async () => {
      const result = await as(FNB_MANAGER, STAFF_MEMBER, { id: ids.waiter });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        staffMember: { id: ids.waiter, firstName: 'Wasantha', department: 'F&B', salary: '60000.00' },
      });
    });

    it('is UNAUTHENTICATED for an anonymous caller and FORBIDDEN for a service identity', async () => {
      const anonymous = await as(ANONYMOUS, STAFF_MEMBER, { id: ids.dealer });
      expect(anonymous.data).toEqual({ staffMember: null });
      expectOnly(anonymous, 'UNAUTHENTICATED');
      const service = await as(SERVICE, STAFF_MEMBER, { id: ids.dealer });
      expect(service.data).toEqual({ staffMember: null });
      expectOnly(service, 'FORBIDDEN');
    });

    it('applies the department rule to entity references as well', async () => {
      const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on StaffMember { id firstName } } }`;
      const representations = { r: [{ __typename: 'StaffMember', id: ids.dealer }] };
      const own = await as(GAMING_SUPERVISOR, entities, representations);
      expect(own.errors).toBeUndefined();
      expect(own.data).toEqual({ _entities: [{ id: ids.dealer, firstName: 'Dilan' }] });
      const other = await as(FNB_MANAGER, entities, representations);
      expect(other.data).toEqual({ _entities: [null] });
      expectOnly(other, 'FORBIDDEN');
    });

    it('lists only the direct reports the caller may read; a manager outside the department is FORBIDDEN', async () => {
      const reports = await as(
        MANAGEMENT_MANAGER,
        `query($id: ID!) { staffMember(id: $id) { directReports { id } } }`,
        {
          id: ids.generalManager,
        },
      );
      expect(reports.errors).toBeUndefined();
      expect(reports.data).toEqual({ staffMember: { directReports: [] } });
      const everyone = await as(
        GENERAL_ADMIN,
        `query($id: ID!) { staffMember(id: $id) { directReports { id } } }`,
        {
          id: ids.generalManager,
        },
      );
      expect(everyone.data).toEqual({
        staffMember: {
          directReports: expect.arrayContaining([{ id: ids.gamingDirector }, { id: ids.fnbDirector }]),
        },
      });
      const manager = await as(
        GAMING_MANAGER,
        `query($id: ID!) { staffMember(id: $id) { firstName directReports { id } manager { firstName } } }`,
        { id: ids.gamingDirector },
      );
      expect(manager.data).toEqual({
        staffMember: { firstName: 'Gayan', directReports: [{ id: ids.dealer }], manager: null },
      });
      expect(manager.errors).toHaveLength(1);
      expect(manager.errors![0]).toMatchObject({
        path: ['staffMember', 'manager', 'firstName'],
        extensions: { code: 'FORBIDDEN' },
      });
    });
  });

  describe('the staff list', () => {
    type List = {
      staffMembers: { totalCount: number; edges: { node: { id: string; department: string } }[] };
    };
    const departmentsOf = (result: Result) =>
      new Set((result.data as List).staffMembers.edges.map((edge) => edge.node.department));

    it.each([
      ['SuperAdmin', SUPERADMIN],
      ['GeneralAdmin', GENERAL_ADMIN],
    ])('%s lists every department', async (_, identity) => {
      const result = await as(identity, STAFF_LIST);
      expect(result.errors).toBeUndefined();
      expect((result.data as List).staffMembers.totalCount).toBe(5);
      const filtered = await as(identity, STAFF_LIST, { filter: { department: 'F&B' } });
      expect((filtered.data as List).staffMembers.totalCount).toBe(2);
    });

    it.each([
      ['a Gaming Manager', GAMING_MANAGER, 'Gaming'],
      ['a Gaming Supervisor', GAMING_SUPERVISOR, 'Gaming'],
      ['an F&B Manager', FNB_MANAGER, 'F&B'],
    ])('%s lists only their own department, with or without the filter', async (_, identity, department) => {
      for (const filter of [undefined, { department }]) {
        const result = await as(identity, STAFF_LIST, { filter });
        expect(result.errors).toBeUndefined();
        expect((result.data as List).staffMembers.totalCount).toBe(2);
        expect(departmentsOf(result)).toEqual(new Set([department]));
      }
    });

    it('is FORBIDDEN for a Manager or Supervisor filtering on another department', async () => {
      for (const identity of [GAMING_MANAGER, GAMING_SUPERVISOR]) {
        const result = await as(identity, STAFF_LIST, { filter: { department: 'F&B' } });
        expect(result.data).toBeNull();
        expectOnly(result, 'FORBIDDEN');
      }
    });

    it('is FORBIDDEN for a Manager without a department and UNAUTHENTICATED for an anonymous caller', async () => {
      const noDepartment = await as(MANAGER_WITHOUT_DEPARTMENT, STAFF_LIST);
      expect(noDepartment.data).toBeNull();
      expectOnly(noDepartment, 'FORBIDDEN');
      const anonymous = await as(ANONYMOUS, STAFF_LIST);
      expect(anonymous.data).toBeNull();
      expectOnly(anonymous, 'UNAUTHENTICATED');
    });

    it('gives a Supervisor the list with every salary null and FORBIDDEN', async () => {
      const result = await as(GAMING_SUPERVISOR, `{ staffMembers { edges { node { firstName salary } } } }`);
      const nodes = (result.data as { staffMembers: { edges: { node: unknown }[] } }).staffMembers.edges.map(
        (edge) => edge.node,
      );
      expect(nodes).toEqual(
        expect.arrayContaining([
          { firstName: 'Gayan', salary: null },
          { firstName: 'Dilan', salary: null },
        ]),
      );
      expect(codes(result)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    });
  });

  describe('training records', () => {
    const RECORD = `query($id: ID!) { trainingRecord(id: $id) { id status staffMember { firstName } course { courseName } } }`;
    const RECORDS = `query($filter: TrainingRecordFilter) {
      trainingRecords(filter: $filter) { totalCount edges { node { id } } }
    }`;
    type Records = { trainingRecords: { totalCount: number; edges: { node: { id: string } }[] } };

    it.each([
      ['SuperAdmin', SUPERADMIN],
      ['GeneralAdmin', GENERAL_ADMIN],
      ['a Manager of the department', GAMING_MANAGER],
      ['a Supervisor of the department', GAMING_SUPERVISOR],
    ])('%s reads a record of the department', async (_, identity) => {
      const result = await as(identity, RECORD, { id: ids.dealerRecord });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        trainingRecord: {
          id: ids.dealerRecord,
          status: 'completed',
          staffMember: { firstName: 'Dilan' },
          course: { courseName: 'Responsible Gaming' },
        },
      });
    });

    it('is FORBIDDEN for a Manager of another department and UNAUTHENTICATED for an anonymous caller', async () => {
      const other = await as(FNB_MANAGER, RECORD, { id: ids.dealerRecord });
      expect(other.data).toEqual({ trainingRecord: null });
      expectOnly(other, 'FORBIDDEN');
      const anonymous = await as(ANONYMOUS, RECORD, { id: ids.dealerRecord });
      expect(anonymous.data).toEqual({ trainingRecord: null });
      expectOnly(anonymous, 'UNAUTHENTICATED');
    });

    it('lists every record for GeneralAdmin+ and only the department for Managers and Supervisors', async () => {
      const all = await as(GENERAL_ADMIN, RECORDS);
      expect((all.data as Records).trainingRecords.totalCount).toBe(2);
      for (const [identity, expected] of [
        [GAMING_SUPERVISOR, ids.dealerRecord],
        [GAMING_MANAGER, ids.dealerRecord],
        [FNB_MANAGER, ids.waiterRecord],
      ] as const) {
        const result = await as(identity, RECORDS);
        expect(result.errors).toBeUndefined();
        expect((result.data as Records).trainingRecords).toEqual({
          totalCount: 1,
          edges: [{ node: { id: expected } }],
        });
      }
      const own = await as(GAMING_SUPERVISOR, RECORDS, { filter: { staffMemberId: ids.dealer } });
      expect((own.data as Records).trainingRecords.totalCount).toBe(1);
    });

    it('is FORBIDDEN to filter on a staff member of another department', async () => {
      const result = await as(GAMING_SUPERVISOR, RECORDS, { filter: { staffMemberId: ids.waiter } });
      expect(result.data).toBeNull();
      expectOnly(result, 'FORBIDDEN');
    });

    it("lets a Supervisor read a department member's records through the staff member", async () => {
      const result = await as(
        GAMING_SUPERVISOR,
        `query($id: ID!) { staffMember(id: $id) { trainingRecords { totalCount edges { node { id } } } } }`,
        { id: ids.dealer },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        staffMember: { trainingRecords: { totalCount: 1, edges: [{ node: { id: ids.dealerRecord } }] } },
      });
    });
  });

  describe('performance reviews', () => {
    const REVIEW = `query($id: ID!) { performanceReview(id: $id) { id performanceScore staffMember { firstName } } }`;
    const REVIEWS = `query($filter: PerformanceReviewFilter) {
      performanceReviews(filter: $filter) { totalCount edges { node { id } } }
    }`;
    type Reviews = { performanceReviews: { totalCount: number; edges: { node: { id: string } }[] } };

    it.each([
      ['SuperAdmin', SUPERADMIN],
      ['GeneralAdmin', GENERAL_ADMIN],
      ['a Manager of the department', GAMING_MANAGER],
    ])('%s reads a review of the department', async (_, identity) => {
      const result = await as(identity, REVIEW, { id: ids.dealerReview });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        performanceReview: {
          id: ids.dealerReview,
          performanceScore: 80,
          staffMember: { firstName: 'Dilan' },
        },
      });
    });

    it.each([
      ['a Supervisor of the department', GAMING_SUPERVISOR, 'FORBIDDEN'],
      ['a Manager of another department', FNB_MANAGER, 'FORBIDDEN'],
      ['an anonymous caller', ANONYMOUS, 'UNAUTHENTICATED'],
    ] as const)('is %s: %s', async (_, identity, code) => {
      const result = await as(identity, REVIEW, { id: ids.dealerReview });
      expect(result.data).toEqual({ performanceReview: null });
      expectOnly(result, code);
    });

    it('lists every review for GeneralAdmin+, only the department for a Manager, nothing for a Supervisor', async () => {
      const all = await as(GENERAL_ADMIN, REVIEWS);
      expect((all.data as Reviews).performanceReviews.totalCount).toBe(3);
      const gaming = await as(GAMING_MANAGER, REVIEWS);
      expect(gaming.errors).toBeUndefined();
      expect(new Set((gaming.data as Reviews).performanceReviews.edges.map((e) => e.node.id))).toEqual(
        new Set([ids.dealerReview, ids.gamingDirectorReview]),
      );
      const fnb = await as(FNB_MANAGER, REVIEWS);
      expect((fnb.data as Reviews).performanceReviews.edges).toEqual([{ node: { id: ids.waiterReview } }]);
      const supervisor = await as(GAMING_SUPERVISOR, REVIEWS);
      expect(supervisor.data).toBeNull();
      expectOnly(supervisor, 'FORBIDDEN');
    });

    it('is FORBIDDEN for a Manager to filter on a staff member of another department', async () => {
      const result = await as(GAMING_MANAGER, REVIEWS, { filter: { staffMemberId: ids.waiter } });
      expect(result.data).toBeNull();
      expectOnly(result, 'FORBIDDEN');
    });

    it("refuses a Supervisor a department member's reviews through the staff member", async () => {
      const query = `query($id: ID!) { staffMember(id: $id) { firstName performanceReviews { totalCount } } }`;
      const manager = await as(GAMING_MANAGER, query, { id: ids.dealer });
      expect(manager.data).toEqual({
        staffMember: { firstName: 'Dilan', performanceReviews: { totalCount: 1 } },
      });
      const supervisor = await as(GAMING_SUPERVISOR, query, { id: ids.dealer });
      expectOnly(supervisor, 'FORBIDDEN');
      expect(supervisor.errors![0]!).toMatchObject({ path: ['staffMember', 'performanceReviews'] });
    });
  });

  describe('courses', () => {
    it.each([
      ['SuperAdmin', SUPERADMIN],
      ['GeneralAdmin', GENERAL_ADMIN],
      ['a Manager', FNB_MANAGER],
      ['a Supervisor', GAMING_SUPERVISOR],
    ])('are read by %s', async (_, identity) => {
      const result = await as(
        identity,
        `query($id: ID!) { trainingCourse(id: $id) { courseName } trainingCourses { totalCount } }`,
        { id: ids.course },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data).toMatchObject({ trainingCourse: { courseName: 'Responsible Gaming' } });
    });

    it('are not read by an anonymous caller', async () => {
      const result = await as(ANONYMOUS, `{ trainingCourses { totalCount } }`);
      expect(result.data).toBeNull();
      expectOnly(result, 'UNAUTHENTICATED');
    });
  });

  describe('createStaffMember', () => {
    const CREATE = `mutation($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { id department } }`;
    let hires = 0;
    const input = (department: string) => {
      hires += 1;
      return {
        employeeId: `HIRE-${hires}`,
        firstName: 'New',
        lastName: `Hire${hires}`,
        email: `new.hire${hires}@casino.example`,
        phone: '+94 77 123 4567',
        position: 'Dealer',
        department,
        hireDate: '2026-01-15T00:00:00.000Z',
        salary: '50000.00',
      };
    };
    const staffCount = () => harness.db.collection('staff_members').countDocuments();

    it.each([
      ['SuperAdmin', SUPERADMIN, 'F&B'],
      ['GeneralAdmin', GENERAL_ADMIN, 'Security'],
      ['a Gaming Manager', GAMING_MANAGER, 'Gaming'],
      ['an F&B Manager', FNB_MANAGER, 'F&B'],
    ])('%s hires into %s', async (_, identity, department) => {
      const before = await staffCount();
      const result = await as(identity, CREATE, { input: input(department) });
      expect(result.errors).toBeUndefined();
      expect(result.data).toMatchObject({ createStaffMember: { department } });
      expect(await staffCount()).toBe(before + 1);
      expect(harness.auditEvents.at(-1)).toMatchObject({ action: 'createStaffMember', outcome: 'allowed' });
    });

    it.each([
      ['a Gaming Manager into F&B', GAMING_MANAGER, 'F&B', 'FORBIDDEN'],
      ['a Gaming Supervisor into Gaming', GAMING_SUPERVISOR, 'Gaming', 'FORBIDDEN'],
      ['a Manager without a department', MANAGER_WITHOUT_DEPARTMENT, 'Gaming', 'FORBIDDEN'],
      ['an anonymous caller', ANONYMOUS, 'Gaming', 'UNAUTHENTICATED'],
    ] as const)('refuses %s, writes nothing and audits the denial', async (_, identity, department, code) => {
      const before = await staffCount();
      const result = await as(identity, CREATE, { input: input(department) });
      expect(result.data).toBeNull();
      expectOnly(result, code);
      expect(await staffCount()).toBe(before);
      expect(harness.auditEvents.at(-1)).toMatchObject({ action: 'createStaffMember', outcome: 'denied' });
      expect(JSON.stringify(harness.auditEvents.at(-1))).not.toContain('50000.00');
    });
  });

  describe('createTrainingCourse', () => {
    const CREATE = `mutation($input: CreateTrainingCourseInput!) {
      createTrainingCourse(input: $input) { id createdBy { id } }
    }`;
    let created = 0;
    const input = (extra: Record<string, unknown> = {}) => {
      created += 1;
      return {
        courseName: `Course ${created}`,
        category: 'safety',
        difficultyLevel: 'beginner',
        durationHours: 1,
        ...extra,
      };
    };
    const courseCount = () => harness.db.collection('training_courses').countDocuments();
    const userIdOf = (identity: Identity) => (identity.kind === 'admin' ? identity.userId : null);

    it.each([
      ['SuperAdmin', SUPERADMIN],
      ['GeneralAdmin', GENERAL_ADMIN],
      ['a Manager', GAMING_MANAGER],
    ])('%s creates a course, credited to them', async (_, identity) => {
      const own = await as(identity, CREATE, { input: input() });
      expect(own.errors).toBeUndefined();
      expect(own.data).toMatchObject({ createTrainingCourse: { createdBy: { id: userIdOf(identity) } } });
      const stored = await harness.db
        .collection('training_courses')
        .findOne({ id: (own.data as { createTrainingCourse: { id: string } }).createTrainingCourse.id });
      expect(stored).toMatchObject({ created_by: userIdOf(identity) });
    });

    it('takes no creator from the input: a Manager naming the SuperAdmin is a validation error, nothing written', async () => {
      const before = await courseCount();
      const named = await as(GAMING_MANAGER, CREATE, { input: input({ createdBy: userIdOf(SUPERADMIN) }) });
      expect(named.data ?? null).toBeNull();
      expect(named.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(named.errors?.[0]?.message).toContain('createdBy');
      expect(await courseCount()).toBe(before);
    });

    it.each([
      ['a Supervisor', GAMING_SUPERVISOR, 'FORBIDDEN'],
      ['a service identity', SERVICE, 'FORBIDDEN'],
      ['an anonymous caller', ANONYMOUS, 'UNAUTHENTICATED'],
    ] as const)('refuses %s and writes nothing', async (_, identity, code) => {
      const before = await courseCount();
      const result = await as(identity, CREATE, { input: input() });
      expect(result.data).toBeNull();
      expectOnly(result, code);
      expect(await courseCount()).toBe(before);
      expect(harness.auditEvents.at(-1)).toMatchObject({ action: 'createTrainingCourse', outcome: 'denied' });
    });
  });
});
