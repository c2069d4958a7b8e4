import { Decimal128 } from 'mongodb';
import type { Identity } from '@casino/auth';
import { keyIdOf } from '@casino/crypto';
import { workforceSubgraph } from '../index';
import {
  FNB_MANAGER,
  GAMING_MANAGER,
  GAMING_SUPERVISOR,
  adminIdentity,
  staffDoc,
  useFixtureProtector,
} from '../testing/fixtures';
import { salaryContext } from './salary';
import {
  keyRotationEnvs,
  problemsWithoutDataKeys,
  startSubgraphHarness,
  TEST_SUPERADMIN,
} from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const GENERAL_ADMIN = adminIdentity('00000000-0000-4000-8000-0000000000d1', 'GeneralAdmin', null);
const COMPLIANCE_SERVICE: Identity = { kind: 'service', service: 'compliance' };
const RANGE = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

const SALARY = `query($id: ID!) { staffMember(id: $id) { id salary } }`;
const PAYROLL = /* GraphQL */ `
  query ($range: DateRangeInput!) {
    workforceDashboard(range: $range) {
      totals {
        activeHeadcount
      }
      payroll {
        staffCount
        totalSalary
        averageSalary
        byDepartment {
          department
          staffCount
          totalSalary
          averageSalary
        }
      }
    }
  }
`;
const RESEAL = `mutation($n: Int!) {
  resealWorkforceProtectedFields(batchSize: $n) { collection field resealed remaining keyId }
}`;

/** Staff and their salaries: Gaming 3 active (one terminated is left out), F&B 2, the rest none. */
const SALARIES: [id: string, department: 'Gaming' | 'F&B', salary: string, active: boolean][] = [
  ['s-g1', 'Gaming', '52000.00', true],
  ['s-g2', 'Gaming', '48000.50', true],
  ['s-g3', 'Gaming', '61000.25', true],
  ['s-g4', 'Gaming', '99000.00', false],
  ['s-f1', 'F&B', '30000.00', true],
  ['s-f2', 'F&B', '33333.33', true],
];
const staffFixtures = () =>
  SALARIES.map(([id, department, salary, active]) =>
    staffDoc(id, `P${id.slice(2)}`, department, null, {
      salaryText: salary,
      employment_status: active ? 'active' : 'terminated',
    }),
  );

type Result = Awaited<ReturnType<SubgraphHarness['execute']>>;
const codes = (result: Result) => (result.errors ?? []).map((e) => e.extensions?.code);

describe('salary encrypted at rest', () => {
  it('refuses to start without the data keys, naming each variable', () => {
    const problems = problemsWithoutDataKeys(workforceSubgraph);
    expect(problems).toContain('DATA_ENCRYPTION_KEYS');
    expect(problems).toContain('DATA_ENCRYPTION_KEY_ID');
    expect(problems).toContain('BLIND_INDEX_KEY');
  });

  describe('reads, payroll and the re-seal mutation', () => {
    let harness: SubgraphHarness;
    const as = (identity: Identity, query: string, variables?: Record<string, unknown>) =>
      harness.execute(query, variables, { identity });

    beforeAll(async () => {
      harness = await startSubgraphHarness(workforceSubgraph);
      useFixtureProtector(harness.protector);
      await harness.db.collection('staff_members').insertMany(staffFixtures());
    });
    afterAll(() => harness.close());

    it('keeps no plaintext salary in the raw documents', async () => {
      const raw = await harness.db.collection('staff_members').find({}).toArray();
      expect(raw).toHaveLength(SALARIES.length);
      const text = JSON.stringify(raw);
      for (const [id, , salary] of SALARIES) {
        expect(text).not.toContain(salary);
        const doc = raw.find((r) => r.id === id)!;
        expect(keyIdOf(doc.salary as string)).toBe(harness.protector!.currentKeyId);
        expect(harness.protector!.open(doc.salary as string, salaryContext(id))).toBe(salary);
      }
      // the ciphertext is bound to its staff member: copied onto another one, it does not open
      const g1 = raw.find((r) => r.id === 's-g1')!;
      expect(() => harness.protector!.open(g1.salary as string, salaryContext('s-g2'))).toThrow();
    });

    it.each([
      ['SuperAdmin', TEST_SUPERADMIN],
      ['GeneralAdmin', GENERAL_ADMIN],
      ['the Gaming Manager', GAMING_MANAGER],
    ])('%s reads the salary in plaintext, and the read is audited', async (_, identity) => {
      harness.auditEvents.length = 0;
      const result = await as(identity, SALARY, { id: 's-g2' });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ staffMember: { id: 's-g2', salary: '48000.50' } });
      const reads = harness.auditEvents.filter((e) => e.action === 'pii.read');
      expect(reads).toHaveLength(1);
      expect(reads[0]).toMatchObject({ targetType: 'StaffMember', targetId: 's-g2' });
      expect(JSON.stringify(reads[0])).not.toContain('48000');
    });

    it('gives a Supervisor null with FORBIDDEN, and records no read', async () => {
      harness.auditEvents.length = 0;
      const result = await as(GAMING_SUPERVISOR, SALARY, { id: 's-g2' });
      expect(result.data).toEqual({ staffMember: { id: 's-g2', salary: null } });
      expect(codes(result)).toEqual(['FORBIDDEN']);
      expect(JSON.stringify(result.errors)).not.toContain('48000');
      expect(harness.auditEvents.filter((e) => e.action === 'pii.read')).toHaveLength(0);
    });

    it('shows GeneralAdmin+ the payroll of every department, in exact cents, and audits the read', async () => {
      harness.auditEvents.length = 0;
      const result = await as(GENERAL_ADMIN, PAYROLL, { range: RANGE });
      expect(result.errors).toBeUndefined();
      const payroll = (result.data as { workforceDashboard: { payroll: Record<string, unknown> } })
        .workforceDashboard.payroll;
      const none = (department: string) => ({
        department,
        staffCount: 0,
        totalSalary: '0.00',
        averageSalary: null,
      });
      expect(payroll).toEqual({
        staffCount: 5,
        totalSalary: '224334.08',
        averageSalary: '44866.82',
        byDepartment: [
          // 52000.00 + 48000.50 + 61000.25 (the terminated person is not on the payroll)
          { department: 'F&B', staffCount: 2, totalSalary: '63333.33', averageSalary: '31666.67' },
          { department: 'Gaming', staffCount: 3, totalSalary: '161000.75', averageSalary: '53666.92' },
          none('Maintenance'),
          none('Management'),
          none('Security'),
        ],
      });
      expect(harness.auditEvents.filter((e) => e.action === 'pii.read')).toEqual([
        expect.objectContaining({ targetType: 'WorkforceDashboard', targetId: 'all-departments' }),
      ]);
    });

    it.each([
      ['Gaming', GAMING_MANAGER, { staffCount: 3, totalSalary: '161000.75', averageSalary: '53666.92' }],
      ['F&B', FNB_MANAGER, { staffCount: 2, totalSalary: '63333.33', averageSalary: '31666.67' }],
    ])('confines a Manager to the payroll of %s', async (department, identity, figures) => {
      const result = await as(identity, PAYROLL, { range: RANGE });
      expect(result.errors).toBeUndefined();
      expect(
        (result.data as { workforceDashboard: { payroll: unknown } }).workforceDashboard.payroll,
      ).toEqual({ ...figures, byDepartment: [{ department, ...figures }] });
    });

    it('shows the dashboard (and so the payroll) to no Supervisor', async () => {
      const result = await as(GAMING_SUPERVISOR, PAYROLL, { range: RANGE });
      expect(result.data).toBeNull();
      expect(codes(result)).toContain('FORBIDDEN');
    });

    it('lets only a service re-seal, with a batch size from 1 to 1000', async () => {
      for (const identity of [TEST_SUPERADMIN, GENERAL_ADMIN]) {
        const result = await as(identity, RESEAL, { n: 10 });
        expect(result.data).toBeNull();
        expect(codes(result)).toEqual(['FORBIDDEN']);
      }
      for (const n of [0, 1001]) {
        const result = await as(COMPLIANCE_SERVICE, RESEAL, { n });
        expect(codes(result)).toEqual(['BAD_USER_INPUT']);
        expect(result.errors![0]!.extensions?.field).toBe('batchSize');
      }
      const result = await as(COMPLIANCE_SERVICE, RESEAL, { n: 10 });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        resealWorkforceProtectedFields: [
          {
            collection: 'staff_members',
            field: 'salary',
            resealed: 0,
            remaining: 0,
            keyId: harness.protector!.currentKeyId,
          },
        ],
      });
    });
  });

  it('re-seals every salary under a new key in batches; reads work throughout and with the new key only', async () => {
    const keyrings = keyRotationEnvs();
    const readAll = async (harness: SubgraphHarness) => {
      const result = await harness.execute<{ staffMembers: { edges: { node: Record<string, string> }[] } }>(
        `{ staffMembers(first: 50) { edges { node { id salary } } } }`,
      );
      expect(result.errors).toBeUndefined();
      return Object.fromEntries(result.data!.staffMembers.edges.map((e) => [e.node.id!, e.node.salary!]));
    };

    let harness = await startSubgraphHarness(workforceSubgraph, { env: keyrings.before });
    useFixtureProtector(harness.protector);
    await harness.db.collection('staff_members').insertMany(staffFixtures());
    // one salary from before encryption was switched on: still a Decimal128
    await harness.db.collection('staff_members').insertOne({
      ...staffDoc('s-legacy', 'Legacy', 'Gaming', null),
      salary: Decimal128.fromString('45000.00'),
    });
    const created = await harness.execute<{ createStaffMember: { id: string } }>(
      `mutation($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { id } }`,
      {
        input: {
          employeeId: 'EMP-ROT1',
          firstName: 'Rota',
          lastName: 'Tion',
          email: 'rota.tion@casino.example',
          phone: '+94 77 000 1111',
          position: 'Dealer',
          department: 'Gaming',
          hireDate: '2025-01-01T00:00:00.000Z',
          salary: '41000.10',
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const expected = await readAll(harness);
    expect(Object.keys(expected)).toHaveLength(SALARIES.length + 2);
    expect(expected['s-legacy']).toBe('45000.00');
    expect(expected[created.data!.createStaffMember.id]).toBe('41000.10');
    harness = await harness.restart(keyrings.during);
    const reseal = () =>
      harness.execute<{ resealWorkforceProtectedFields: { resealed: number; remaining: number }[] }>(
        RESEAL,
        { n: 2 },
        { identity: COMPLIANCE_SERVICE },
      );
    const first = await reseal();
    expect(first.errors).toBeUndefined();
    expect(first.data!.resealWorkforceProtectedFields[0]).toMatchObject({ resealed: 2, remaining: 6 });
    // mid-way, values under either key read the same
    expect(await readAll(harness)).toEqual(expected);
    let remaining = first.data!.resealWorkforceProtectedFields[0]!.remaining;
    for (let round = 0; remaining > 0 && round < 10; round++) {
      const next = await reseal();
      expect(next.errors).toBeUndefined();
      remaining = next.data!.resealWorkforceProtectedFields[0]!.remaining;
    }
    expect(remaining).toBe(0);
    const raw = await harness.db.collection('staff_members').find({}).toArray();
    for (const doc of raw) expect(doc.salary).toMatch(/^enc\.v1\.k2\./);
    harness = await harness.restart(keyrings.after);
    try {
      expect(await readAll(harness)).toEqual(expected);
    } finally {
      await harness.close();
    }
  });
});
