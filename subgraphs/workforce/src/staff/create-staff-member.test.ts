import { DEFAULT_WORKFORCE_SETTINGS, createWorkforceSubgraph, workforceSubgraph } from '../index';
import { salaryContext } from './salary';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateStaffMemberInput!) {
    createStaffMember(input: $input) {
      id
      employeeId
      firstName
      email
      department
      position
      hireDate
      salary
      employmentStatus
      performanceScore
      commitmentScore
      trainingCompletionRate
      lastPerformanceReview
      nextReviewDue
      skills
      emergencyContact
      manager {
        id
        firstName
      }
      directReports {
        id
      }
    }
  }
`;

const validInput = {
  employeeId: 'emp-2001',
  firstName: 'Kasun',
  lastName: 'Silva',
  email: 'Kasun.Silva@example.com',
  phone: '+94 77 555 0101',
  position: 'Gaming Director',
  department: 'Gaming',
  hireDate: '2025-01-31T00:00:00.000Z',
  salary: '125000.00',
  skills: ['Floor operations', 'Floor operations', 'Rostering'],
  emergencyContact: { name: 'Amali Silva', relationship: 'Spouse', phone: '+94 77 555 0102' },
};

type StaffResult = { createStaffMember: Record<string, unknown> & { id: string } };

describe('createStaffMember', () => {
  let harness: SubgraphHarness;
  const staff = () => harness.db.collection('staff_members');
  beforeAll(async () => {
    harness = await startSubgraphHarness(workforceSubgraph);
  });
  afterAll(() => harness.close());

  it('hires with zero scores and the first review due one interval after the hire date', async () => {
    const result = await harness.execute<StaffResult>(CREATE, { input: validInput });
    expect(result.errors).toBeUndefined();
    const created = result.data!.createStaffMember;
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(created).toMatchObject({
      employeeId: 'EMP-2001',
      firstName: 'Kasun',
      email: 'kasun.silva@example.com',
      department: 'Gaming',
      hireDate: '2025-01-31T00:00:00.000Z',
      salary: '125000.00',
      employmentStatus: 'active',
      performanceScore: 0,
      commitmentScore: 0,
      trainingCompletionRate: 0,
      lastPerformanceReview: null,
      nextReviewDue: '2026-01-31T00:00:00.000Z',
      skills: ['Floor operations', 'Rostering'],
      emergencyContact: validInput.emergencyContact,
      manager: null,
      directReports: [],
    });
    const stored = await staff().findOne({ id: created.id });
    // sealed at rest, bound to this staff member: no plaintext anywhere in the raw document
    expect(stored?.salary).toMatch(/^enc\.v1\./);
    expect(JSON.stringify(stored)).not.toContain('125000');
    expect(harness.protector!.open(stored!.salary, salaryContext(created.id))).toBe('125000.00');
    const event = harness.auditEvents.find((e) => e.action === 'createStaffMember')!;
    expect(JSON.stringify(event.changes)).not.toContain('125000');
    expect(JSON.stringify(event.changes)).not.toContain(stored!.salary);
    expect(stored?.manager_id).toBeNull();
  });

  it('links a report to an existing manager, visible from both sides', async () => {
    const { data } = await harness.execute<{ staffMembers: { edges: { node: { id: string } }[] } }>(
      `{ staffMembers(filter: { position: "Gaming Director" }) { edges { node { id } } } }`,
    );
    const managerId = data!.staffMembers.edges[0]!.node.id;
    const result = await harness.execute<StaffResult>(CREATE, {
      input: {
        ...validInput,
        employeeId: 'EMP-2002',
        email: 'dealer@example.com',
        firstName: 'Nimal',
        position: 'Dealer',
        managerId,
      },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createStaffMember.manager).toEqual({ id: managerId, firstName: 'Kasun' });
    const manager = await harness.execute<{ staffMember: { directReports: { id: string }[] } }>(
      `query($id: ID!) { staffMember(id: $id) { directReports { id } } }`,
      { id: managerId },
    );
    expect(manager.data!.staffMember.directReports).toEqual([{ id: result.data!.createStaffMember.id }]);
  });

  it.each([
    ['department', { department: 'Casino' }, 'input.department'],
    ['negative salary', { salary: '-1.00' }, 'input.salary'],
    ['email', { email: 'not-an-email' }, 'input.email'],
    ['employee id', { employeeId: 'x' }, 'input.employeeId'],
    ['unknown manager', { managerId: '5d1e6a8c-0000-4000-8000-000000000000' }, 'input.managerId'],
  ])('rejects a bad %s naming the field and writes nothing', async (_, change, field) => {
    const before = await staff().countDocuments();
    const result = await harness.execute(CREATE, {
      input: { ...validInput, employeeId: 'EMP-3000', email: 'fresh@example.com', ...change },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await staff().countDocuments()).toBe(before);
  });

  it('refuses a duplicate employee id or email as CONFLICT naming the field', async () => {
    const before = await staff().countDocuments();
    const sameEmployeeId = await harness.execute(CREATE, {
      input: { ...validInput, employeeId: 'EMP-2001', email: 'someone.else@example.com' },
    });
    expect(sameEmployeeId.errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'input.employeeId',
    });
    const sameEmail = await harness.execute(CREATE, {
      input: { ...validInput, employeeId: 'EMP-2999', email: 'KASUN.SILVA@example.com' },
    });
    expect(sameEmail.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
    expect(await staff().countDocuments()).toBe(before);
  });

  it('rejects an unknown department in the list filter', async () => {
    const result = await harness.execute(`{ staffMembers(filter: { department: "Casino" }) { totalCount } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'filter.department',
    });
  });
});

describe('createStaffMember with a configured review interval', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(
      createWorkforceSubgraph({ ...DEFAULT_WORKFORCE_SETTINGS, reviewIntervalMonths: 6 }),
    );
  });
  afterAll(() => harness.close());

  it('schedules the first review that many months after the hire date', async () => {
    const result = await harness.execute<StaffResult>(CREATE, {
      input: { ...validInput, hireDate: '2025-08-31T00:00:00.000Z' },
    });
    expect(result.errors).toBeUndefined();
    // 31 August + 6 months clamps to the end of February
    expect(result.data!.createStaffMember.nextReviewDue).toBe('2026-02-28T00:00:00.000Z');
  });
});
