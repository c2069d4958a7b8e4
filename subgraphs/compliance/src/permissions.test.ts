import { isObjectType } from 'graphql';
import type { Identity } from '@casino/auth';
import { buildSecuredSubgraphSchema } from '@casino/server';
import { complianceSubgraph, typeDefs } from './index';
import { resolvers } from './resolvers';
import { rules } from './permissions';
import { ADMIN_USERS } from './admins/admin-user-store';
import { AUDIT_LOGS } from './audit/audit-log-store';
import { COMPLIANCE_REPORTS } from './reports/compliance-report-store';
import { DATA_RETENTION_POLICIES } from './retention/retention-policy-store';
import {
  IDENTITIES,
  accountOf,
  adminDoc,
  auditLogDoc,
  errorCode,
  policyDoc,
  reportDoc,
} from './testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const { superAdmin, generalAdmin, gamingManager, gamingSupervisor, fbManager, anonymous, loyaltyService } =
  IDENTITIES;
const auditReadingManager: Identity = { ...fbManager, permissions: ['audit:read'] };

type Expectation = 'ok' | 'FORBIDDEN' | 'UNAUTHENTICATED';
const MATRIX: [string, Identity][] = [
  ['SuperAdmin', superAdmin],
  ['GeneralAdmin', generalAdmin],
  ['Manager of Gaming', gamingManager],
  ['Supervisor of Gaming', gamingSupervisor],
  ['Manager of F&B', fbManager],
  ['anonymous', anonymous],
  ['a service', loyaltyService],
];

/** What each caller of the matrix gets, in MATRIX order. */
const expect7 = (...outcomes: Expectation[]) => outcomes;

describe('compliance rules', () => {
  it('give every field of every object type an explicit rule', () => {
    const schema = buildSecuredSubgraphSchema({ typeDefs, resolvers, rules });
    const tree = rules as Record<string, unknown>;
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || type.name === '_Service') continue;
      const entry = tree[type.name];
      if (entry === undefined) {
        missing.push(type.name);
        continue;
      }
      // a rule object covers the whole type; a plain map must name each field or give a '*' default
      if (entry && typeof entry === 'object' && entry.constructor === Object) {
        const fields = entry as Record<string, unknown>;
        for (const field of Object.keys(type.getFields())) {
          if (field === '_service' || field === '_entities') continue;
          if (!(field in fields) && !('*' in fields)) missing.push(`${type.name}.${field}`);
        }
      }
    }
    expect(missing).toEqual([]);
    // Query and Mutation fields are all named, not left to a default
    for (const root of ['Query', 'Mutation']) {
      const type = schema.getType(root);
      if (!isObjectType(type)) throw new Error(`${root} is missing`);
      const named = Object.keys(tree[root] as object);
      const unnamed = Object.keys(type.getFields()).filter((f) => !f.startsWith('_') && !named.includes(f));
      expect([root, unnamed]).toEqual([root, []]);
    }
  });

  describe('by role', () => {
    let harness: SubgraphHarness;
    const other = adminDoc({ username: 'someone.else', role: 'Supervisor', department: 'Security' });
    const report = reportDoc({ generated_by: generalAdmin.userId });
    const policy = policyDoc({ created_by: superAdmin.userId });
    const log = auditLogDoc({ admin_user_id: superAdmin.userId, role: 'SuperAdmin' });
    const staffId = 'd0d0d0d0-0000-4000-8000-000000000001';

    beforeAll(async () => {
      harness = await startSubgraphHarness(complianceSubgraph);
      await harness.db.collection(ADMIN_USERS).insertMany([
        ...[superAdmin, generalAdmin, gamingManager, gamingSupervisor, fbManager].map((identity) => ({
          ...accountOf(identity, identity === gamingManager ? { staff_member_id: staffId } : {}),
        })),
        { ...other },
      ]);
      await harness.db.collection(COMPLIANCE_REPORTS).insertOne({ ...report });
      await harness.db.collection(DATA_RETENTION_POLICIES).insertOne({ ...policy });
      await harness.db.collection(AUDIT_LOGS).insertOne({ ...log });
    });
    afterAll(() => harness.close());

    const outcomesOf = async (query: string, variables: Record<string, unknown> = {}) => {
      const outcomes: Expectation[] = [];
      for (const [, identity] of MATRIX) {
        const result = await harness.execute(query, variables, { identity });
        const code = errorCode(result);
        if (code !== null && code !== 'FORBIDDEN' && code !== 'UNAUTHENTICATED') {
          throw new Error(`unexpected ${code}: ${result.errors![0]!.message}`);
        }
        outcomes.push(code ?? 'ok');
      }
      return outcomes;
    };

    const FB = 'FORBIDDEN';
    const UN = 'UNAUTHENTICATED';

    it('admin users: listed by GeneralAdmin and up', async () => {
      expect(
        await outcomesOf(
          `{ adminUsers { totalCount edges { node { id email } } pageInfo { hasNextPage } } }`,
        ),
      ).toEqual(expect7('ok', 'ok', FB, FB, FB, UN, FB));
    });

    it("one admin user: GeneralAdmin and up, or the caller's own", async () => {
      expect(
        await outcomesOf(`query($id: ID!) { adminUser(id: $id) { id email } }`, { id: other.id }),
      ).toEqual(expect7('ok', 'ok', FB, FB, FB, UN, FB));
      const own = await harness.execute<{
        adminUser: { email: string; lastLogin: null; staffMember: unknown };
      }>(
        `query($id: ID!) { adminUser(id: $id) { id email lastLogin isActive permissions twoFactorEnabled createdAt staffMember { id } } }`,
        { id: gamingManager.userId },
        { identity: gamingManager },
      );
      expect(own.errors).toBeUndefined();
      expect(own.data!.adminUser).toMatchObject({
        email: `${gamingManager.username}@casino.example`,
        staffMember: { id: staffId },
      });
    });

    it("me: every admin role, the caller's own account", async () => {
      expect(await outcomesOf(`{ me { id username email isActive } }`)).toEqual(
        expect7('ok', 'ok', 'ok', 'ok', 'ok', UN, FB),
      );
    });

    it('another account seen through a report: its name and role for Managers, not its private fields', async () => {
      const query = (fields: string) =>
        `query($id: ID!) { complianceReport(id: $id) { id generatedBy { ${fields} } } }`;
      expect(await outcomesOf(query('id username fullName role department'), { id: report.id })).toEqual(
        expect7('ok', 'ok', 'ok', FB, 'ok', UN, FB),
      );
      for (const field of [
        'email',
        'lastLogin',
        'isActive',
        'permissions',
        'twoFactorEnabled',
        'createdAt',
        'staffMember { id }',
      ]) {
        const result = await harness.execute(query(field), { id: report.id }, { identity: gamingManager });
        expect([field, errorCode(result)]).toEqual([field, FB]);
        expect(result.errors![0]!.message).toContain('AdminUser.');
      }
    });

    it('audit logs: GeneralAdmin and up, or a lower role granted audit:read', async () => {
      const list = `{ auditLogs { totalCount edges { node { id action actorUsername service actor { id username } } } } }`;
      expect(await outcomesOf(list)).toEqual(expect7('ok', 'ok', FB, FB, FB, UN, FB));
      expect(await outcomesOf(`query($id: ID!) { auditLog(id: $id) { id } }`, { id: log.id })).toEqual(
        expect7('ok', 'ok', FB, FB, FB, UN, FB),
      );
      const granted = await harness.execute(list, {}, { identity: auditReadingManager });
      expect(granted.errors).toBeUndefined();
    });

    it('compliance reports and retention policies: Manager and up', async () => {
      expect(await outcomesOf(`{ complianceReports { totalCount edges { node { id status } } } }`)).toEqual(
        expect7('ok', 'ok', 'ok', FB, 'ok', UN, FB),
      );
      expect(
        await outcomesOf(`query($id: ID!) { complianceReport(id: $id) { id } }`, { id: report.id }),
      ).toEqual(expect7('ok', 'ok', 'ok', FB, 'ok', UN, FB));
      expect(
        await outcomesOf(
          `{ dataRetentionPolicies { totalCount edges { node { id createdBy { username } } } } }`,
        ),
      ).toEqual(expect7('ok', 'ok', 'ok', FB, 'ok', UN, FB));
      expect(
        await outcomesOf(`query($id: ID!) { dataRetentionPolicy(id: $id) { id } }`, { id: policy.id }),
      ).toEqual(expect7('ok', 'ok', 'ok', FB, 'ok', UN, FB));
    });

    it("a member's compliance status: every admin role", async () => {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id complianceStatus { kycVerified openViolations } } } }`;
      const r = [{ __typename: 'Member', id: 'm-1', kycVerified: true, selfExcluded: false }];
      expect(await outcomesOf(query, { r })).toEqual(expect7('ok', 'ok', 'ok', 'ok', 'ok', UN, FB));
    });

    it("a staff member's admin account: GeneralAdmin and up", async () => {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on StaffMember { id adminAccount { id } } } }`;
      expect(await outcomesOf(query, { r: [{ __typename: 'StaffMember', id: staffId }] })).toEqual(
        expect7('ok', 'ok', FB, FB, FB, UN, FB),
      );
    });

    it('entities of restricted types follow their type rules', async () => {
      const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on AuditLog { id } ... on ComplianceReport { id } } }`;
      expect(await outcomesOf(query, { r: [{ __typename: 'AuditLog', id: log.id }] })).toEqual(
        expect7('ok', 'ok', FB, FB, FB, UN, FB),
      );
      expect(await outcomesOf(query, { r: [{ __typename: 'ComplianceReport', id: report.id }] })).toEqual(
        expect7('ok', 'ok', 'ok', FB, 'ok', UN, FB),
      );
    });

    it('federation plumbing stays open to everyone', async () => {
      expect(await outcomesOf(`{ _service { sdl } }`)).toEqual(
        expect7('ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
      );
    });
  });
});
