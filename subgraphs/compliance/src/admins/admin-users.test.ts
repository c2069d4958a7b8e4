import { complianceSubgraph } from '../index';
import { ADMIN_USERS } from './admin-user-store';
import { adminDoc, countReads } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const ADMIN_FIELDS = /* GraphQL */ `
  id
  username
  email
  fullName
  role
  department
  isActive
  createdAt
  lastLogin
  permissions
  twoFactorEnabled
  staffMember {
    id
  }
`;

const ADMIN_USERS_QUERY = /* GraphQL */ `
  query Admins($filter: AdminUserFilter, $first: Int, $after: String) {
    adminUsers(filter: $filter, first: $first, after: $after) {
      edges { cursor node { ${ADMIN_FIELDS} } }
      pageInfo { hasNextPage hasPreviousPage endCursor }
      totalCount
    }
  }
`;

type AdminNode = Record<string, unknown> & { id: string; username: string };
interface AdminPage {
  adminUsers: {
    edges: { cursor: string; node: AdminNode }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

const day = (n: number) => new Date(Date.UTC(2026, 0, n));

describe('admin users', () => {
  let harness: SubgraphHarness;
  const staffId = 'b5f0c8de-6a43-4c55-9f0d-0e6d1a3b7f11';
  const admins = [
    adminDoc({ username: 'superadmin', role: 'SuperAdmin', department: null, created_at: day(1) }),
    adminDoc({ username: 'generaladmin', role: 'GeneralAdmin', department: null, created_at: day(2) }),
    adminDoc({
      username: 'manager',
      role: 'Manager',
      department: 'Gaming',
      created_at: day(3),
      staff_member_id: staffId,
      permissions: ['pii:read'],
      last_login: new Date('2026-03-04T08:00:00.000Z'),
    }),
    adminDoc({ username: 'supervisor', role: 'Supervisor', department: 'Gaming', created_at: day(4) }),
    adminDoc({ username: 'fb.manager', role: 'Manager', department: 'F&B', created_at: day(5) }),
    adminDoc({
      username: 'retired',
      role: 'Supervisor',
      department: 'Security',
      is_active: false,
      created_at: day(6),
    }),
  ];

  beforeAll(async () => {
    harness = await startSubgraphHarness(complianceSubgraph);
    await harness.db.collection(ADMIN_USERS).insertMany(admins.map((a) => ({ ...a })));
  });
  afterAll(() => harness.close());

  it('returns one admin by id with its staff member reference and no password hash', async () => {
    const manager = admins[2]!;
    const result = await harness.execute<{ adminUser: AdminNode }>(
      `query($id: ID!) { adminUser(id: $id) { ${ADMIN_FIELDS} } }`,
      { id: manager.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.adminUser).toEqual({
      id: manager.id,
      username: 'manager',
      email: manager.email,
      fullName: 'Test Admin',
      role: 'Manager',
      department: 'Gaming',
      isActive: true,
      createdAt: '2026-01-03T00:00:00.000Z',
      lastLogin: '2026-03-04T08:00:00.000Z',
      permissions: ['pii:read'],
      twoFactorEnabled: false,
      staffMember: { id: staffId },
    });
    expect(JSON.stringify(result)).not.toContain('argon2');
  });

  it('has no field that could leak the password hash', async () => {
    for (const field of ['passwordHash', 'password_hash', 'password']) {
      const result = await harness.execute(`{ adminUsers { edges { node { id ${field} } } } }`);
      expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(result.data).toBeUndefined();
    }
  });

  it('answers null for an unknown id', async () => {
    const result = await harness.execute<{ adminUser: null }>(`{ adminUser(id: "nope") { id } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data!.adminUser).toBeNull();
  });

  it('filters by role, department and activity', async () => {
    const managers = await harness.execute<AdminPage>(ADMIN_USERS_QUERY, { filter: { role: 'Manager' } });
    expect(managers.data!.adminUsers.edges.map((e) => e.node.username)).toEqual(['fb.manager', 'manager']);
    expect(managers.data!.adminUsers.totalCount).toBe(2);

    const gaming = await harness.execute<AdminPage>(ADMIN_USERS_QUERY, { filter: { department: 'Gaming' } });
    expect(gaming.data!.adminUsers.edges.map((e) => e.node.username)).toEqual(['supervisor', 'manager']);

    const inactive = await harness.execute<AdminPage>(ADMIN_USERS_QUERY, { filter: { isActive: false } });
    expect(inactive.data!.adminUsers.edges.map((e) => e.node.username)).toEqual(['retired']);
  });

  it('pages newest first with after, without overlap', async () => {
    const first = await harness.execute<AdminPage>(ADMIN_USERS_QUERY, { first: 4 });
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.adminUsers;
    expect(page1.edges.map((e) => e.node.username)).toEqual([
      'retired',
      'fb.manager',
      'supervisor',
      'manager',
    ]);
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(page1.totalCount).toBe(6);

    const second = await harness.execute<AdminPage>(ADMIN_USERS_QUERY, {
      first: 4,
      after: page1.pageInfo.endCursor,
    });
    const page2 = second.data!.adminUsers;
    expect(page2.edges.map((e) => e.node.username)).toEqual(['generaladmin', 'superadmin']);
    expect(page2.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('rejects a page size over the limit and a forged cursor, naming the argument', async () => {
    const tooMany = await harness.execute(ADMIN_USERS_QUERY, { first: 100_000 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const forged = await harness.execute(ADMIN_USERS_QUERY, { after: 'not-a-cursor' });
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('resolves AdminUser entities in one query for the whole batch', async () => {
    const representations = [...admins.slice(0, 3), { id: 'missing' }].map((a) => ({
      __typename: 'AdminUser',
      id: a.id,
    }));
    let result: Awaited<ReturnType<SubgraphHarness['execute']>> | undefined;
    const reads = await countReads(async () => {
      result = await harness.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on AdminUser { id username role } } }`,
        { r: representations },
      );
    });
    expect(result!.errors).toBeUndefined();
    expect((result!.data as { _entities: unknown[] })._entities).toEqual([
      { id: admins[0]!.id, username: 'superadmin', role: 'SuperAdmin' },
      { id: admins[1]!.id, username: 'generaladmin', role: 'GeneralAdmin' },
      { id: admins[2]!.id, username: 'manager', role: 'Manager' },
      null,
    ]);
    expect(reads).toEqual({ 'admin_users.find': 1 });
  });

  it("adds a StaffMember's admin account, one query for many staff members", async () => {
    const unlinked = 'c0a801f4-7e3a-4b8e-9d1a-2f3b4c5d6e7f';
    let result: Awaited<ReturnType<SubgraphHarness['execute']>> | undefined;
    const reads = await countReads(async () => {
      result = await harness.execute(
        `query($r: [_Any!]!) { _entities(representations: $r) {
          ... on StaffMember { id adminAccount { id username } }
        } }`,
        {
          r: [
            { __typename: 'StaffMember', id: staffId },
            { __typename: 'StaffMember', id: unlinked },
          ],
        },
      );
    });
    expect(result!.errors).toBeUndefined();
    expect((result!.data as { _entities: unknown[] })._entities).toEqual([
      { id: staffId, adminAccount: { id: admins[2]!.id, username: 'manager' } },
      { id: unlinked, adminAccount: null },
    ]);
    expect(reads).toEqual({ 'admin_users.find': 1 });
  });
});
