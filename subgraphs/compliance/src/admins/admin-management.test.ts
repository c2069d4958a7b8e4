import { createHash } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import type { Identity } from '@casino/auth';
import { createComplianceSubgraph } from '../index';
import { LOGIN_THROTTLE } from '../auth/login-throttle-store';
import { ADMIN_SESSIONS } from '../auth/session-store';
import type { AdminSessionDocument } from '../auth/session-store';
import { COMPLIANCE_REPORTS } from '../reports/compliance-report-store';
import { IDENTITIES, accountOf, adminDoc, errorCode, reportDoc } from '../testing/fixtures';
import { startSubgraphHarness, testIdentity } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ADMIN_USERS } from './admin-user-store';
import type { AdminUserDocument } from './admin-user-store';
import { hashPassword } from './password';

const ADMIN = 'id username email fullName role department isActive permissions staffMember { id }';

const CREATE = `mutation($input: CreateAdminUserInput!) { createAdminUser(input: $input) { ${ADMIN} } }`;
const CHANGE_ROLE = `mutation($input: ChangeAdminRoleInput!) { changeAdminRole(input: $input) { id role department } }`;
const CHANGE_PRIVILEGES = `mutation($input: ChangeAdminRoleInput!) { changeAdminRole(input: $input) { id role permissions } }`;
const APPROVE_REPORT = `mutation($id: ID!) { approveComplianceReport(id: $id) { id status } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateAdminUser(id: $id) { id isActive } }`;
const RESET = `mutation($input: ResetAdminPasswordInput!) { resetAdminPassword(input: $input) { id } }`;
const CHANGE_OWN = `mutation($input: ChangeOwnPasswordInput!) { changeOwnPassword(input: $input) { id } }`;
const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { refreshToken } }`;
const REFRESH = `mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { token } }`;

const PASSWORD = 'the original password';
const { superAdmin, generalAdmin, gamingManager, gamingSupervisor, anonymous } = IDENTITIES;

describe('admin user management', () => {
  let harness: SubgraphHarness;
  let passwordHash: string;
  let serial = 0;

  const run = <T = Record<string, unknown>>(
    query: string,
    variables: Record<string, unknown>,
    identity: Identity,
  ) => harness.execute<T>(query, variables, { identity });
  const stored = (id: string) =>
    harness.db.collection<AdminUserDocument>(ADMIN_USERS).findOne({ id }, { projection: { _id: 0 } });
  const countAdmins = () => harness.db.collection(ADMIN_USERS).countDocuments();
  /** The GeneralAdmin's refused creation is the one audit event, and it does not carry the password. */
  const expectOneDeniedCreationAudited = () => {
    expect(harness.auditEvents).toHaveLength(1);
    expect(harness.auditEvents[0]).toMatchObject({
      action: 'createAdminUser',
      outcome: 'denied',
      actorId: generalAdmin.userId,
    });
    expect(JSON.stringify(harness.auditEvents)).not.toContain('twelve chars!');
  };
  /** A fresh account of the role, stored with the known password. */
  const account = async (role: AdminUserDocument['role'], overrides: Partial<AdminUserDocument> = {}) => {
    serial += 1;
    const doc = adminDoc({
      username: `${role.toLowerCase()}.${serial}`,
      role,
      department: role === 'Manager' || role === 'Supervisor' ? 'Gaming' : null,
      password_hash: passwordHash,
      ...overrides,
    });
    await harness.db.collection(ADMIN_USERS).insertOne({ ...doc });
    return doc;
  };
  const newAdmin = (overrides: Record<string, unknown> = {}) => {
    serial += 1;
    return {
      username: `New.User${serial}`,
      email: `new.user${serial}@casino.example`,
      fullName: 'New User',
      role: 'Supervisor',
      department: 'Gaming',
      password: 'twelve chars!',
      ...overrides,
    };
  };
  const signIn = async (username: string, password: string) =>
    harness.execute<{ login: { refreshToken: string } }>(
      LOGIN,
      { input: { username, password } },
      { identity: anonymous },
    );

  beforeAll(async () => {
    harness = await startSubgraphHarness(createComplianceSubgraph());
    passwordHash = await hashPassword(PASSWORD);
    await harness.db.collection(ADMIN_USERS).insertMany(
      [superAdmin, generalAdmin, gamingManager, gamingSupervisor].map((identity) => ({
        ...accountOf(identity, { password_hash: passwordHash }),
      })),
    );
  });
  afterAll(() => harness.close());

  describe('createAdminUser', () => {
    it('lets a SuperAdmin create any role, hashing the password with argon2id', async () => {
      for (const role of ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor']) {
        const input = newAdmin({
          role,
          department: role === 'Manager' || role === 'Supervisor' ? 'F&B' : null,
        });
        const result = await run<{ createAdminUser: Record<string, unknown> & { id: string } }>(
          CREATE,
          { input },
          superAdmin,
        );
        expect(result.errors).toBeUndefined();
        const created = result.data!.createAdminUser;
        expect(created).toMatchObject({
          username: (input.username as string).toLowerCase(),
          email: input.email,
          role,
          isActive: true,
          permissions: [],
          staffMember: null,
        });
        const doc = (await stored(created.id))!;
        expect(doc.password_hash).toMatch(/^\$argon2id\$/);
        await expect(verify(doc.password_hash, 'twelve chars!')).resolves.toBe(true);
        expect(doc).toMatchObject({ two_factor_enabled: false, last_login: null });
      }
    });

    it('lets the new account sign in', async () => {
      const input = newAdmin({ permissions: ['pii:read'] });
      await run(CREATE, { input }, superAdmin);
      const result = await signIn(input.username as string, 'twelve chars!');
      expect(result.errors).toBeUndefined();
    });

    it('lets a GeneralAdmin create Managers and Supervisors only', async () => {
      for (const role of ['Manager', 'Supervisor']) {
        expect((await run(CREATE, { input: newAdmin({ role }) }, generalAdmin)).errors).toBeUndefined();
      }
      for (const role of ['GeneralAdmin', 'SuperAdmin']) {
        const before = await countAdmins();
        const result = await run(CREATE, { input: newAdmin({ role, department: null }) }, generalAdmin);
        expect(errorCode(result)).toBe('FORBIDDEN');
        expect(await countAdmins()).toBe(before);
      }
    });

    it('refuses Managers, Supervisors and anonymous callers, writing nothing', async () => {
      const before = await countAdmins();
      for (const [identity, code] of [
        [gamingManager, 'FORBIDDEN'],
        [gamingSupervisor, 'FORBIDDEN'],
        [anonymous, 'UNAUTHENTICATED'],
        [IDENTITIES.loyaltyService, 'FORBIDDEN'],
      ] as const) {
        const result = await run(CREATE, { input: newAdmin() }, identity);
        expect(errorCode(result)).toBe(code);
      }
      expect(await countAdmins()).toBe(before);
    });

    it('audits a refused creation as denied, without the password', async () => {
      harness.auditEvents.length = 0;
      await run(CREATE, { input: newAdmin({ role: 'SuperAdmin', department: null }) }, generalAdmin);
      expectOneDeniedCreationAudited();
    });

    it('requires 12 characters of password, naming input.password', async () => {
      const before = await countAdmins();
      const result = await run(CREATE, { input: newAdmin({ password: 'elevenchars' }) }, superAdmin);
      expect(result.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.password',
      });
      expect(await countAdmins()).toBe(before);
    });

    it('requires a department for Managers and Supervisors, and a known one', async () => {
      const missing = await run(CREATE, { input: newAdmin({ department: null }) }, superAdmin);
      expect(missing.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.department',
      });
      const unknown = await run(CREATE, { input: newAdmin({ department: 'Casino' }) }, superAdmin);
      expect(unknown.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.department',
      });
    });

    it('refuses a taken username or email with CONFLICT naming the field', async () => {
      const first = newAdmin();
      await run(CREATE, { input: first }, superAdmin);
      const before = await countAdmins();
      const sameName = await run(
        CREATE,
        { input: newAdmin({ username: (first.username as string).toUpperCase() }) },
        superAdmin,
      );
      expect(sameName.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.username' });
      const sameEmail = await run(CREATE, { input: newAdmin({ email: first.email }) }, superAdmin);
      expect(sameEmail.errors![0]!.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
      expect(await countAdmins()).toBe(before);
    });
  });

  describe('changeAdminRole', () => {
    it('lets a GeneralAdmin move accounts between Supervisor and Manager, recording before and after', async () => {
      const target = await account('Supervisor');
      harness.auditEvents.length = 0;
      const result = await run<{ changeAdminRole: unknown }>(
        CHANGE_ROLE,
        { input: { id: target.id, role: 'Manager', department: 'Security' } },
        generalAdmin,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.changeAdminRole).toEqual({
        id: target.id,
        role: 'Manager',
        department: 'Security',
      });
      expect(await stored(target.id)).toMatchObject({ role: 'Manager', department: 'Security' });
      expect(harness.auditEvents[0]).toMatchObject({
        action: 'changeAdminRole',
        outcome: 'allowed',
        targetId: target.id,
      });
      expect(harness.auditEvents[0]!.changes).toMatchObject({
        before: { role: 'Supervisor', department: 'Gaming', email: '[redacted]' },
        after: { role: 'Manager', department: 'Security' },
      });
    });

    it('refuses a GeneralAdmin promoting to or demoting from GeneralAdmin and SuperAdmin', async () => {
      const manager = await account('Manager');
      const general = await account('GeneralAdmin');
      const superAdminAccount = await account('SuperAdmin');
      for (const input of [
        { id: manager.id, role: 'GeneralAdmin' },
        { id: manager.id, role: 'SuperAdmin' },
        { id: general.id, role: 'Manager', department: 'Gaming' },
        { id: superAdminAccount.id, role: 'Supervisor', department: 'Gaming' },
      ]) {
        expect(errorCode(await run(CHANGE_ROLE, { input }, generalAdmin))).toBe('FORBIDDEN');
      }
      expect((await stored(manager.id))!.role).toBe('Manager');
      expect((await stored(general.id))!.role).toBe('GeneralAdmin');
      expect((await stored(superAdminAccount.id))!.role).toBe('SuperAdmin');
    });

    it('lets a SuperAdmin promote to GeneralAdmin and SuperAdmin', async () => {
      const manager = await account('Manager');
      const promoted = await run(
        CHANGE_ROLE,
        { input: { id: manager.id, role: 'GeneralAdmin', department: null } },
        superAdmin,
      );
      expect(promoted.errors).toBeUndefined();
      expect(await stored(manager.id)).toMatchObject({ role: 'GeneralAdmin', department: null });
      expect(
        (await run(CHANGE_ROLE, { input: { id: manager.id, role: 'SuperAdmin' } }, superAdmin)).errors,
      ).toBeUndefined();
    });

    it('needs a department when the new role is Manager or Supervisor', async () => {
      const general = await account('GeneralAdmin');
      const result = await run(CHANGE_ROLE, { input: { id: general.id, role: 'Manager' } }, superAdmin);
      expect(result.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.department',
      });
      expect((await stored(general.id))!.role).toBe('GeneralAdmin');
    });

    it('answers NOT_FOUND for an unknown account', async () => {
      const result = await run(
        CHANGE_ROLE,
        { input: { id: 'missing', role: 'Manager', department: 'Gaming' } },
        superAdmin,
      );
      expect(errorCode(result)).toBe('NOT_FOUND');
    });

    it('refuses Managers and Supervisors', async () => {
      const target = await account('Supervisor');
      for (const identity of [gamingManager, gamingSupervisor]) {
        const result = await run(CHANGE_ROLE, { input: { id: target.id, role: 'Manager' } }, identity);
        expect(errorCode(result)).toBe('FORBIDDEN');
      }
      expect((await stored(target.id))!.role).toBe('Supervisor');
    });
  });

  describe('the last active SuperAdmin', () => {
    let other: SubgraphHarness;
    beforeEach(async () => {
      other = await startSubgraphHarness(createComplianceSubgraph());
    });
    afterEach(() => other.close());

    it('cannot be demoted or deactivated; with a second one, either can be', async () => {
      const only = accountOf(superAdmin);
      const retiredSuper = adminDoc({
        username: 'retired.super',
        role: 'SuperAdmin',
        department: null,
        is_active: false,
      });
      await other.db.collection(ADMIN_USERS).insertMany([{ ...only }, { ...retiredSuper }]);

      const demote = await other.execute(CHANGE_ROLE, { input: { id: only.id, role: 'GeneralAdmin' } });
      expect(errorCode(demote)).toBe('CONFLICT');
      expect(demote.errors![0]!.message).toMatch(/last active SuperAdmin/);
      const deactivate = await other.execute(DEACTIVATE, { id: only.id });
      expect(errorCode(deactivate)).toBe('CONFLICT');
      // the compensating update put everything back
      expect(
        await other.db.collection(ADMIN_USERS).findOne({ id: only.id }, { projection: { _id: 0 } }),
      ).toEqual(only);

      const second = adminDoc({ username: 'second.super', role: 'SuperAdmin', department: null });
      await other.db.collection(ADMIN_USERS).insertOne({ ...second });
      expect(
        (await other.execute(CHANGE_ROLE, { input: { id: second.id, role: 'GeneralAdmin' } })).errors,
      ).toBeUndefined();
      expect(errorCode(await other.execute(DEACTIVATE, { id: only.id }))).toBe('CONFLICT');
      await other.db.collection(ADMIN_USERS).updateOne({ id: second.id }, { $set: { role: 'SuperAdmin' } });
      const done = await other.execute<{ deactivateAdminUser: { isActive: boolean } }>(DEACTIVATE, {
        id: only.id,
      });
      expect(done.errors).toBeUndefined();
      expect(done.data!.deactivateAdminUser.isActive).toBe(false);
    });
  });

  describe('deactivateAdminUser', () => {
    it("lets a GeneralAdmin deactivate a Supervisor, ending the account's sessions and sign-in", async () => {
      const target = await account('Supervisor');
      const { refreshToken } = (await signIn(target.username, PASSWORD)).data!.login;
      const result = await run<{ deactivateAdminUser: { isActive: boolean } }>(
        DEACTIVATE,
        { id: target.id },
        generalAdmin,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.deactivateAdminUser).toEqual({ id: target.id, isActive: false });
      const session = await harness.db
        .collection<AdminSessionDocument>(ADMIN_SESSIONS)
        .findOne({ token_hash: createHash('sha256').update(refreshToken).digest('hex') });
      expect(session).toMatchObject({ revoked_reason: 'deactivated' });
      expect(errorCode(await run(REFRESH, { input: { refreshToken } }, anonymous))).toBe('UNAUTHENTICATED');
      expect(errorCode(await signIn(target.username, PASSWORD))).toBe('UNAUTHENTICATED');
    });

    it('refuses a GeneralAdmin deactivating a GeneralAdmin or SuperAdmin', async () => {
      for (const role of ['GeneralAdmin', 'SuperAdmin'] as const) {
        const target = await account(role);
        expect(errorCode(await run(DEACTIVATE, { id: target.id }, generalAdmin))).toBe('FORBIDDEN');
        expect((await stored(target.id))!.is_active).toBe(true);
      }
    });

    it('refuses Managers and Supervisors, even on their own account', async () => {
      for (const identity of [gamingManager, gamingSupervisor]) {
        expect(errorCode(await run(DEACTIVATE, { id: identity.userId }, identity))).toBe('FORBIDDEN');
        expect((await stored(identity.userId))!.is_active).toBe(true);
      }
    });
  });

  describe('resetAdminPassword', () => {
    it('lets a GeneralAdmin set a Manager password: the old one stops working, sessions end, the lock clears', async () => {
      const target = await account('Manager');
      const { refreshToken } = (await signIn(target.username, PASSWORD)).data!.login;
      for (let i = 0; i < 5; i++) await signIn(target.username, 'wrong password');
      harness.auditEvents.length = 0;

      const result = await run(
        RESET,
        { input: { id: target.id, newPassword: 'a brand new password' } },
        generalAdmin,
      );
      expect(result.errors).toBeUndefined();
      expect(await harness.db.collection(LOGIN_THROTTLE).findOne({ username: target.username })).toBeNull();
      expect(errorCode(await run(REFRESH, { input: { refreshToken } }, anonymous))).toBe('UNAUTHENTICATED');
      expect(errorCode(await signIn(target.username, PASSWORD))).toBe('UNAUTHENTICATED');
      expect((await signIn(target.username, 'a brand new password')).errors).toBeUndefined();
      const trail = JSON.stringify(harness.auditEvents);
      expect(trail).not.toContain('a brand new password');
      expect(trail).not.toContain('$argon2');
    });

    it('refuses a GeneralAdmin resetting a GeneralAdmin or SuperAdmin, and Managers entirely', async () => {
      const general = await account('GeneralAdmin');
      const input = { id: general.id, newPassword: 'a brand new password' };
      expect(errorCode(await run(RESET, { input }, generalAdmin))).toBe('FORBIDDEN');
      expect(errorCode(await run(RESET, { input: { ...input, id: superAdmin.userId } }, generalAdmin))).toBe(
        'FORBIDDEN',
      );
      const supervisor = await account('Supervisor');
      expect(errorCode(await run(RESET, { input: { ...input, id: supervisor.id } }, gamingManager))).toBe(
        'FORBIDDEN',
      );
      expect((await stored(general.id))!.password_hash).toBe(passwordHash);
      expect((await stored(supervisor.id))!.password_hash).toBe(passwordHash);
    });

    it('requires 12 characters, naming input.newPassword', async () => {
      const target = await account('Supervisor');
      const result = await run(RESET, { input: { id: target.id, newPassword: 'short' } }, superAdmin);
      expect(result.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.newPassword',
      });
      expect((await stored(target.id))!.password_hash).toBe(passwordHash);
    });
  });

  describe('changeOwnPassword', () => {
    it('lets every role change its own password with the current one', async () => {
      for (const role of ['Supervisor', 'Manager', 'GeneralAdmin', 'SuperAdmin'] as const) {
        const self = await account(role);
        const identity: Identity = testIdentity(role, {
          userId: self.id,
          username: self.username,
          department: self.department,
        });
        const result = await run(
          CHANGE_OWN,
          { input: { currentPassword: PASSWORD, newPassword: 'my own new password' } },
          identity,
        );
        expect(result.errors).toBeUndefined();
        expect((await signIn(self.username, 'my own new password')).errors).toBeUndefined();
        expect(errorCode(await signIn(self.username, PASSWORD))).toBe('UNAUTHENTICATED');
      }
    });

    it('refuses a wrong current password, and a short or unchanged new one, changing nothing', async () => {
      const self = await account('Supervisor');
      const identity: Identity = { ...gamingSupervisor, userId: self.id, username: self.username };
      const refusal = async (currentPassword: string, newPassword: string) =>
        (await run(CHANGE_OWN, { input: { currentPassword, newPassword } }, identity)).errors![0]!.extensions;
      expect(await refusal('not my password', 'my own new password')).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.currentPassword',
      });
      expect(await refusal(PASSWORD, 'short')).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.newPassword',
      });
      expect(await refusal(PASSWORD, PASSWORD)).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.newPassword',
      });
      expect((await stored(self.id))!.password_hash).toBe(passwordHash);
    });

    it('throttles guesses of the current password like sign-in', async () => {
      const self = await account('Supervisor');
      const identity: Identity = { ...gamingSupervisor, userId: self.id, username: self.username };
      const from = { identity, ip: '203.0.113.7' };
      for (let i = 0; i < 5; i++) {
        await harness.execute(
          CHANGE_OWN,
          { input: { currentPassword: `guess ${i}`, newPassword: 'my own new password' } },
          from,
        );
      }
      const right = await harness.execute(
        CHANGE_OWN,
        { input: { currentPassword: PASSWORD, newPassword: 'my own new password' } },
        from,
      );
      // refused before the password is checked, so the answer says nothing about it
      expect(right.errors![0]!.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(right.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(14 * 60);
      expect((await stored(self.id))!.password_hash).toBe(passwordHash);
      // the guesses locked that address only: the owner can still sign in elsewhere
      expect((await signIn(self.username, PASSWORD)).errors).toBeUndefined();
      expect(
        errorCode(
          await harness.execute(
            LOGIN,
            { input: { username: self.username, password: PASSWORD } },
            { identity: anonymous, ip: from.ip },
          ),
        ),
      ).toBe('RATE_LIMITED');
    });

    it('refuses anonymous callers and deactivated accounts', async () => {
      const input = { currentPassword: PASSWORD, newPassword: 'my own new password' };
      expect(errorCode(await run(CHANGE_OWN, { input }, anonymous))).toBe('UNAUTHENTICATED');
      const gone = await account('Supervisor', { is_active: false });
      const identity: Identity = { ...gamingSupervisor, userId: gone.id, username: gone.username };
      expect(errorCode(await run(CHANGE_OWN, { input }, identity))).toBe('UNAUTHENTICATED');
      expect((await stored(gone.id))!.password_hash).toBe(passwordHash);
    });
  });
  describe('grants stay within the granter', () => {
    /** The identity a token of the stored account would carry. */
    const identityOf = (doc: AdminUserDocument): Identity =>
      testIdentity(doc.role, {
        userId: doc.id,
        username: doc.username,
        department: doc.department,
        permissions: [...doc.permissions],
      });
    const created = (username: string) =>
      harness.db.collection<AdminUserDocument>(ADMIN_USERS).findOne({ username: username.toLowerCase() });
    const sessionOf = async (refreshToken: string) =>
      harness.db
        .collection<AdminSessionDocument>(ADMIN_SESSIONS)
        .findOne({ token_hash: createHash('sha256').update(refreshToken).digest('hex') });

    it('refuses the GeneralAdmin creating a Manager with reports:approve, audit:read and pii:read, writing nothing', async () => {
      const before = await countAdmins();
      harness.auditEvents.length = 0;
      const input = newAdmin({
        role: 'Manager',
        permissions: ['reports:approve', 'audit:read', 'pii:read'],
      });
      const result = await run(CREATE, { input }, generalAdmin);
      expect(result.data).toBeNull();
      expect(result.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN' });
      expect(result.errors![0]!.message).toBe(
        'Granting reports:approve needs SuperAdmin or the reports:approve permission',
      );
      expect(await countAdmins()).toBe(before);
      expect(await created(input.username as string)).toBeNull();
      expectOneDeniedCreationAudited();
    });

    it('lets a GeneralAdmin grant audit:read and pii:read, which its role holds; that Manager still cannot approve', async () => {
      const input = newAdmin({ role: 'Manager', permissions: ['audit:read', 'pii:read', 'audit:read'] });
      const result = await run<{ createAdminUser: { permissions: string[] } }>(
        CREATE,
        { input },
        generalAdmin,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.createAdminUser.permissions).toEqual(['audit:read', 'pii:read']);
      const manager = (await created(input.username as string))!;
      expect(manager.permissions).toEqual(['audit:read', 'pii:read']);

      // the report the GeneralAdmin submitted waits for someone with reports:approve
      const report = reportDoc({ status: 'submitted', generated_by: generalAdmin.userId });
      await harness.db
        .collection(COMPLIANCE_REPORTS)
        .insertOne({ ...report, submitted_by: generalAdmin.userId, submitted_to: 'Regulator' });
      const approval = await run(APPROVE_REPORT, { id: report.id }, identityOf(manager));
      expect(errorCode(approval)).toBe('FORBIDDEN');
      expect(await harness.db.collection(COMPLIANCE_REPORTS).findOne({ id: report.id })).toMatchObject({
        status: 'submitted',
      });
    });

    it('lets a GeneralAdmin given reports:approve by a SuperAdmin pass it on, and not once it is withdrawn', async () => {
      const approver = await account('GeneralAdmin');
      const grant = await run(
        CHANGE_PRIVILEGES,
        { input: { id: approver.id, role: 'GeneralAdmin', permissions: ['reports:approve'] } },
        superAdmin,
      );
      expect(grant.errors).toBeUndefined();
      const granter = (await stored(approver.id))!;
      const input = newAdmin({ role: 'Manager', permissions: ['reports:approve'] });
      expect((await run(CREATE, { input }, identityOf(granter))).errors).toBeUndefined();
      expect((await created(input.username as string))!.permissions).toEqual(['reports:approve']);

      // withdrawn: an access token that still claims it is not enough, the account decides
      await run(
        CHANGE_PRIVILEGES,
        { input: { id: approver.id, role: 'GeneralAdmin', permissions: [] } },
        superAdmin,
      );
      const again = newAdmin({ role: 'Manager', permissions: ['reports:approve'] });
      expect(errorCode(await run(CREATE, { input: again }, identityOf(granter)))).toBe('FORBIDDEN');
      expect(await created(again.username as string)).toBeNull();
    });

    it('lets a SuperAdmin grant every known permission to any role', async () => {
      const input = newAdmin({
        role: 'Supervisor',
        permissions: ['reports:approve', 'audit:read', 'pii:read'],
      });
      expect((await run(CREATE, { input }, superAdmin)).errors).toBeUndefined();
      expect((await created(input.username as string))!.permissions).toEqual([
        'reports:approve',
        'audit:read',
        'pii:read',
      ]);
    });

    it('refuses unknown permissions as bad input, naming the field', async () => {
      const before = await countAdmins();
      for (const permissions of [['reports:approve', 'staff:salary'], ['training:write']]) {
        const result = await run(CREATE, { input: newAdmin({ permissions }) }, superAdmin);
        expect(result.errors![0]!.extensions).toMatchObject({
          code: 'BAD_USER_INPUT',
          field: 'input.permissions',
        });
      }
      const target = await account('Manager');
      const update = await run(
        CHANGE_PRIVILEGES,
        { input: { id: target.id, role: 'Manager', permissions: ['staff:salary'] } },
        superAdmin,
      );
      expect(update.errors![0]!.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.permissions',
      });
      expect(await countAdmins()).toBe(before + 1);
      expect((await stored(target.id))!.permissions).toEqual([]);
    });

    it('lets no Manager or Supervisor grant anything, even a permission it was given', async () => {
      const manager = await account('Manager', { permissions: ['pii:read'] });
      const supervisor = await account('Supervisor', { permissions: ['audit:read'] });
      const target = await account('Supervisor');
      const before = await countAdmins();
      for (const [granter, permission] of [
        [manager, 'pii:read'],
        [supervisor, 'audit:read'],
      ] as const) {
        const create = newAdmin({ role: 'Supervisor', permissions: [permission] });
        expect(errorCode(await run(CREATE, { input: create }, identityOf(granter)))).toBe('FORBIDDEN');
        const update = { id: target.id, role: 'Supervisor', permissions: [permission] };
        expect(errorCode(await run(CHANGE_PRIVILEGES, { input: update }, identityOf(granter)))).toBe(
          'FORBIDDEN',
        );
      }
      expect(await countAdmins()).toBe(before);
      expect((await stored(target.id))!.permissions).toEqual([]);
    });

    it('applies the same rules to changes: a GeneralAdmin cannot add reports:approve, nothing is written', async () => {
      const target = await account('Manager');
      harness.auditEvents.length = 0;
      const result = await run(
        CHANGE_PRIVILEGES,
        { input: { id: target.id, role: 'Manager', permissions: ['pii:read', 'reports:approve'] } },
        generalAdmin,
      );
      expect(result.errors![0]!.extensions).toEqual({ code: 'FORBIDDEN' });
      expect(result.errors![0]!.message).toMatch(/^Granting reports:approve needs SuperAdmin/);
      expect(await stored(target.id)).toEqual(target);
      expect(harness.auditEvents[0]).toMatchObject({ action: 'changeAdminRole', outcome: 'denied' });
    });

    it("ends the account's sessions when its permissions change, and lets a GeneralAdmin take away what it cannot give", async () => {
      const target = await account('Manager', { permissions: ['reports:approve'] });
      const { refreshToken } = (await signIn(target.username, PASSWORD)).data!.login;

      // keeping a permission the GeneralAdmin lacks is not granting it
      const added = await run<{ changeAdminRole: { permissions: string[] } }>(
        CHANGE_PRIVILEGES,
        { input: { id: target.id, role: 'Manager', permissions: ['reports:approve', 'pii:read'] } },
        generalAdmin,
      );
      expect(added.errors).toBeUndefined();
      expect(added.data!.changeAdminRole.permissions).toEqual(['reports:approve', 'pii:read']);
      expect(await sessionOf(refreshToken)).toMatchObject({ revoked_reason: 'privileges_changed' });
      expect(errorCode(await run(REFRESH, { input: { refreshToken } }, anonymous))).toBe('UNAUTHENTICATED');

      const second = (await signIn(target.username, PASSWORD)).data!.login.refreshToken;
      const reduced = await run(
        CHANGE_PRIVILEGES,
        { input: { id: target.id, role: 'Manager', permissions: [] } },
        generalAdmin,
      );
      expect(reduced.errors).toBeUndefined();
      expect((await stored(target.id))!.permissions).toEqual([]);
      expect(await sessionOf(second)).toMatchObject({ revoked_reason: 'privileges_changed' });

      // no change, no ended sessions
      const third = (await signIn(target.username, PASSWORD)).data!.login.refreshToken;
      await run(CHANGE_PRIVILEGES, { input: { id: target.id, role: 'Manager' } }, generalAdmin);
      expect(await sessionOf(third)).toMatchObject({ revoked_at: null });
    });

    it("ends the account's sessions when its role changes", async () => {
      const target = await account('Supervisor');
      const { refreshToken } = (await signIn(target.username, PASSWORD)).data!.login;
      const result = await run(CHANGE_ROLE, { input: { id: target.id, role: 'Manager' } }, generalAdmin);
      expect(result.errors).toBeUndefined();
      expect(await sessionOf(refreshToken)).toMatchObject({ revoked_reason: 'privileges_changed' });
    });

    it('judges the caller by its account as it is now, not by an older access token', async () => {
      const demoted = await account('Manager');
      const staleToken: Identity = testIdentity('GeneralAdmin', {
        userId: demoted.id,
        username: demoted.username,
      });
      const input = newAdmin({ role: 'Supervisor' });
      const result = await run(CREATE, { input }, staleToken);
      expect(errorCode(result)).toBe('FORBIDDEN');
      expect(await created(input.username as string)).toBeNull();
    });
  });
});
