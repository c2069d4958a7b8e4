import { Faker, en } from '@faker-js/faker';
import { verify } from '@node-rs/argon2';
import type { Db } from 'mongodb';
import type { SeededMember } from '@casino/loyalty';
import { complianceSubgraph } from './index';
import { demoAdmins, seedCompliance } from './seed';
import type { ComplianceSeedOptions, SeedStaffMember } from './seed';
import type { AdminUserDocument } from './admins/admin-user-store';
import type { AuditLogDocument } from './audit/audit-log-store';
import type { ComplianceReportDocument } from './reports/compliance-report-store';
import type { DataRetentionPolicyDocument } from './retention/retention-policy-store';
import { startSubgraphHarness, uniqueDatabase } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const NOW = new Date('2026-06-15T09:00:00.000Z');
const DEMO_PASSWORD = 'demo-password-2026';
const DEPARTMENTS = ['Gaming', 'F&B', 'Security', 'Management', 'Maintenance'];

function fakeMembers(faker: Faker, count: number): SeededMember[] {
  return Array.from({ length: count }, (_, i) => ({
    id: faker.string.uuid(),
    tier: faker.helpers.arrayElement(['Ruby', 'Sapphire', 'Diamond', 'VIP'] as const),
    registrationDate: faker.date.past({ years: 3, refDate: NOW }),
    selfExcluded: i % 7 === 0,
    marketingConsent: faker.datatype.boolean(),
    kycVerified: i % 4 !== 0,
    email: faker.internet.email().toLowerCase(),
    phone: faker.phone.number(),
    firstName: faker.person.firstName(),
  }));
}

function fakeStaff(faker: Faker, count: number): SeedStaffMember[] {
  return Array.from({ length: count }, (_, i) => {
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    return {
      id: faker.string.uuid(),
      department: DEPARTMENTS[i % DEPARTMENTS.length]!,
      email: `${firstName}.${lastName}.${i}@staff.casino.example`.toLowerCase(),
      firstName,
      lastName,
    };
  });
}

function options(seed: number, members: number): ComplianceSeedOptions {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  // the orchestrator's order: admins first, then the other subgraphs' data, then compliance
  const admins = demoAdmins(faker);
  return {
    faker,
    now: NOW,
    admins,
    demoPassword: DEMO_PASSWORD,
    staff: fakeStaff(faker, 15),
    members: fakeMembers(faker, members),
  };
}

const all = <T>(db: Db, collection: string) =>
  db
    .collection(collection)
    .find({}, { projection: { _id: 0 } })
    .sort({ id: 1 })
    .toArray() as Promise<T[]>;

describe('seedCompliance', () => {
  let harness: SubgraphHarness;
  let seeded: ComplianceSeedOptions;
  let admins: AdminUserDocument[];

  beforeAll(async () => {
    harness = await startSubgraphHarness(complianceSubgraph);
    seeded = options(7, 20);
    const result = await seedCompliance(harness.db, seeded);
    admins = await all<AdminUserDocument>(harness.db, 'admin_users');
    expect(result).toEqual({ admins: seeded.admins.length });
  });
  afterAll(() => harness.close());

  it('stores every given admin, including one demo account per role', async () => {
    expect(seeded.admins.length).toBeGreaterThanOrEqual(12);
    expect(admins).toHaveLength(seeded.admins.length);
    expect(new Set(admins.map((a) => a.id))).toEqual(new Set(seeded.admins.map((a) => a.id)));
    const byName = new Map(admins.map((a) => [a.username, a]));
    expect(
      ['superadmin', 'generaladmin', 'manager', 'supervisor'].map((u) => {
        const admin = byName.get(u)!;
        return [admin.role, admin.department, admin.is_active, admin.two_factor_enabled];
      }),
    ).toEqual([
      ['SuperAdmin', null, true, false],
      ['GeneralAdmin', null, true, false],
      ['Manager', 'Gaming', true, false],
      ['Supervisor', 'Gaming', true, false],
    ]);
    expect(new Set(admins.map((a) => a.email)).size).toBe(admins.length);
  });

  it('stores an argon2id hash of the demo password, never the password itself', async () => {
    const hashes = new Set(admins.map((a) => a.password_hash));
    expect(hashes.size).toBe(1); // hashed once and shared
    const [hash] = [...hashes];
    expect(hash).not.toBe(DEMO_PASSWORD);
    expect(hash).not.toContain(DEMO_PASSWORD);
    expect(hash).toMatch(/^\$argon2id\$/);
    await expect(verify(hash!, DEMO_PASSWORD)).resolves.toBe(true);
    await expect(verify(hash!, 'wrong-password')).resolves.toBe(false);
  });

  it('links admins to distinct staff members of their own department', async () => {
    const staff = new Map(seeded.staff.map((s) => [s.id, s]));
    const linked = admins.filter((a) => a.staff_member_id !== null);
    expect(linked.length).toBeGreaterThan(1);
    expect(new Set(linked.map((a) => a.staff_member_id)).size).toBe(linked.length);
    for (const admin of linked) {
      const member = staff.get(admin.staff_member_id!)!;
      expect(member.department).toBe(admin.department);
      expect(admin.email).toBe(member.email);
      expect(admin.full_name).toBe(`${member.firstName} ${member.lastName}`);
    }
    expect(admins.filter((a) => a.department === null).every((a) => a.staff_member_id === null)).toBe(true);
    const manager = admins.find((a) => a.username === 'manager')!;
    expect(manager.staff_member_id).not.toBeNull();
  });

  it('writes about 200 audit entries from the last 30 days by the seeded admins', async () => {
    const logs = await all<AuditLogDocument>(harness.db, 'audit_logs');
    expect(logs.length).toBe(200);
    const roles = new Map(admins.map((a) => [a.id, a.role]));
    const from = NOW.getTime() - 30 * 86_400_000;
    for (const log of logs) {
      expect(log.timestamp.getTime()).toBeGreaterThanOrEqual(from);
      expect(log.timestamp.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(log.role).toBe(roles.get(log.admin_user_id!));
      if (log.outcome !== 'allowed') expect(log.changes).toBeNull();
    }
    expect(new Set(logs.map((l) => l.outcome))).toEqual(new Set(['allowed', 'denied', 'failed']));
    // PII never appears in the recorded changes
    const memberEmails = seeded.members.map((m) => m.email);
    const changes = JSON.stringify(logs.map((l) => l.changes));
    expect(memberEmails.some((email) => changes.includes(email))).toBe(false);
  });

  it('writes reports of every type and status whose violations point at seeded members', async () => {
    const reports = await all<ComplianceReportDocument>(harness.db, 'compliance_reports');
    expect(reports.length).toBe(10);
    expect(new Set(reports.map((r) => r.report_type))).toEqual(
      new Set(['audit_trail', 'data_retention', 'kyc_compliance', 'aml_report', 'gambling_activity']),
    );
    expect(new Set(reports.map((r) => r.status))).toEqual(
      new Set(['draft', 'completed', 'submitted', 'approved']),
    );
    const memberIds = new Set(seeded.members.map((m) => m.id));
    const adminIds = new Set(admins.map((a) => a.id));
    const mentioned = reports.flatMap((r) => r.violations.flatMap((v) => (v.member_id ? [v.member_id] : [])));
    expect(mentioned.length).toBeGreaterThan(0);
    expect(mentioned.every((id) => memberIds.has(id))).toBe(true);
    for (const report of reports) {
      expect(adminIds.has(report.generated_by)).toBe(true);
      expect(report.compliance_score).toBeGreaterThanOrEqual(0);
      expect(report.compliance_score).toBeLessThanOrEqual(100);
      expect(report.report_period_start.getTime()).toBeLessThan(report.report_period_end.getTime());
      expect(report.created_at.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(Object.keys(report.summary).length).toBeGreaterThan(0);
      expect(report.submitted_to === null).toBe(report.status === 'draft' || report.status === 'completed');
    }
    const kyc = reports.find((r) => r.report_type === 'kyc_compliance')!;
    expect(kyc.summary).toMatchObject({
      membersReviewed: 20,
      kycVerified: seeded.members.filter((m) => m.kycVerified).length,
    });
    const selfExcluded = new Set(seeded.members.filter((m) => m.selfExcluded).map((m) => m.id));
    const breaches = reports.flatMap((r) => r.violations.filter((v) => v.category === 'self_exclusion'));
    expect(breaches.every((v) => selfExcluded.has(v.member_id!))).toBe(true);
  });

  it('writes a retention policy for every data category, some awaiting approval', async () => {
    const policies = await all<DataRetentionPolicyDocument>(harness.db, 'data_retention_policies');
    expect(policies.length).toBe(6);
    expect(new Set(policies.map((p) => p.data_category))).toEqual(
      new Set(['member_data', 'gaming_logs', 'audit_logs', 'marketing_data']),
    );
    const pending = policies.filter((p) => p.status === 'pending_approval');
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((p) => p.approved_by === null && p.approval_date === null)).toBe(true);
    const superAdmins = new Set(admins.filter((a) => a.role === 'SuperAdmin').map((a) => a.id));
    for (const policy of policies.filter((p) => p.status !== 'pending_approval')) {
      expect(superAdmins.has(policy.approved_by!)).toBe(true);
    }
  });

  it("serves a seeded member's compliance status consistent with the stored violations", async () => {
    const reports = await all<ComplianceReportDocument>(harness.db, 'compliance_reports');
    const member = seeded.members.find((m) =>
      reports.some((r) => r.violations.some((v) => v.member_id === m.id)),
    )!;
    // only completed (or later) reports count their findings
    const open = reports
      .filter((r) => r.status !== 'draft')
      .flatMap((r) => r.violations)
      .filter((v) => v.member_id === member.id && v.status !== 'resolved').length;
    const result = await harness.execute<{ _entities: { complianceStatus: Record<string, unknown> }[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Member { complianceStatus { kycVerified openViolations } }
      } }`,
      { r: [{ __typename: 'Member', id: member.id, kycVerified: member.kycVerified, selfExcluded: false }] },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities[0]!.complianceStatus).toEqual({
      kycVerified: member.kycVerified,
      openViolations: open,
    });
  });

  it('is deterministic for the same faker seed (apart from the salted hash)', async () => {
    const other = harness.mongo.client.db(uniqueDatabase('compliance_again'));
    try {
      await seedCompliance(other, options(7, 20));
      for (const collection of [
        'admin_users',
        'audit_logs',
        'compliance_reports',
        'data_retention_policies',
      ]) {
        const strip = (docs: Record<string, unknown>[]) => docs.map(({ password_hash: _, ...rest }) => rest);
        expect(strip(await all(other, collection))).toEqual(strip(await all(harness.db, collection)));
      }
    } finally {
      await other.dropDatabase();
    }
  });

  it('seeds against 10,000 members in a few seconds', async () => {
    const big = harness.mongo.client.db(uniqueDatabase('compliance_big'));
    try {
      const started = performance.now();
      await seedCompliance(big, options(11, 10_000));
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(await big.collection('compliance_reports').countDocuments()).toBe(10);
    } finally {
      await big.dropDatabase();
    }
  });
});
