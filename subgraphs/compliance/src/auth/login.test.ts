import { createHash } from 'node:crypto';
import { verifyAccessToken } from '@casino/auth';
import { DEV_SECRETS } from '@casino/config';
import { createComplianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import type { AdminUserDocument } from '../admins/admin-user-store';
import { hashPassword } from '../admins/password';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../settings';
import { IDENTITIES, accountOf, adminDoc, errorCode } from '../testing/fixtures';
import { startSubgraphHarness } from '../../../../tests/support/subgraph-harness';
import type { SubgraphHarness } from '../../../../tests/support/subgraph-harness';
import { INVALID_CREDENTIALS } from './auth-service';
import { LOGIN_THROTTLE } from './login-throttle-store';
import type { LoginThrottleDocument } from './login-throttle-store';
import { ADMIN_SESSIONS } from './session-store';
import type { AdminSessionDocument } from './session-store';
import { ADMIN_TWO_FACTOR } from './two-factor-store';
import { base32Decode, generateTotpSecret, totp } from './totp';

const PASSWORD = 'correct horse battery staple';

const LOGIN = /* GraphQL */ `
  mutation Login($input: LoginInput!) {
    login(input: $input) {
      token
      expiresAt
      refreshToken
      refreshTokenExpiresAt
      user {
        id
        username
        email
        role
        department
        permissions
        isActive
        lastLogin
        twoFactorEnabled
        staffMember {
          id
        }
      }
    }
  }
`;

const REFRESH = /* GraphQL */ `
  mutation Refresh($input: RefreshTokenInput!) {
    refreshToken(input: $input) {
      token
      refreshToken
      user {
        id
        role
      }
    }
  }
`;

interface LoginData {
  token: string;
  expiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: Record<string, unknown> & { id: string };
}

const TOKEN_SETTINGS = {
  secret: DEV_SECRETS.JWT_SECRET,
  issuer: 'casino-supergraph',
  audience: 'casino-dashboards',
  ttlSeconds: 900,
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const anonymous = { identity: IDENTITIES.anonymous };

describe('login, refresh and logout', () => {
  let harness: SubgraphHarness;
  let passwordHash: string;
  const staffId = 'a1b2c3d4-0000-4000-8000-000000000001';
  let jane: AdminUserDocument;
  let retired: AdminUserDocument;

  const login = (input: Record<string, unknown>) =>
    harness.execute<{ login: LoginData }>(LOGIN, { input }, anonymous);
  const refresh = (refreshToken: string) =>
    harness.execute<{ refreshToken: LoginData }>(REFRESH, { input: { refreshToken } }, anonymous);
  const throttleOf = (username: string) =>
    harness.db
      .collection<LoginThrottleDocument>(LOGIN_THROTTLE)
      .findOne({ username }, { projection: { _id: 0 } });
  const sessionsOf = (userId: string) =>
    harness.db
      .collection<AdminSessionDocument>(ADMIN_SESSIONS)
      .find({ user_id: userId }, { projection: { _id: 0 } })
      .toArray();

  beforeAll(async () => {
    harness = await startSubgraphHarness(createComplianceSubgraph());
    passwordHash = await hashPassword(PASSWORD);
    jane = adminDoc({
      username: 'jane.doe',
      role: 'Manager',
      department: 'Gaming',
      permissions: ['pii:read'],
      staff_member_id: staffId,
      password_hash: passwordHash,
    });
    retired = adminDoc({ username: 'retired', is_active: false, password_hash: passwordHash });
    await harness.db.collection(ADMIN_USERS).insertMany([{ ...jane }, { ...retired }]);
  });
  afterAll(() => harness.close());
  beforeEach(() => harness.db.collection(LOGIN_THROTTLE).deleteMany({}));

  describe('login', () => {
    it('signs in with the right password: a verifiable access token, a refresh token and the account', async () => {
      const before = Date.now();
      const result = await login({ username: 'jane.doe', password: PASSWORD });
      expect(result.errors).toBeUndefined();
      const payload = result.data!.login;

      const claims = await verifyAccessToken(payload.token, TOKEN_SETTINGS);
      expect(claims).toEqual({
        kind: 'admin',
        userId: jane.id,
        username: 'jane.doe',
        role: 'Manager',
        department: 'Gaming',
        permissions: ['pii:read'],
      });
      const expiresAt = new Date(payload.expiresAt).getTime();
      expect(expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 900_000);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
      const refreshExpiresAt = new Date(payload.refreshTokenExpiresAt).getTime();
      expect(refreshExpiresAt - before).toBeGreaterThanOrEqual(12 * 3600_000 - 1000);
      expect(refreshExpiresAt - Date.now()).toBeLessThanOrEqual(12 * 3600_000);

      // the signed-in (still anonymous) caller reads its own account, private fields included
      expect(payload.user).toMatchObject({
        id: jane.id,
        username: 'jane.doe',
        email: jane.email,
        role: 'Manager',
        isActive: true,
        twoFactorEnabled: false,
        staffMember: { id: staffId },
      });
      expect(new Date(payload.user.lastLogin as string).getTime()).toBeGreaterThanOrEqual(before);
      const stored = await harness.db.collection(ADMIN_USERS).findOne({ id: jane.id });
      expect(stored!.last_login.getTime()).toBeGreaterThanOrEqual(before);
    });

    it('stores only the SHA-256 of the 32-byte refresh token', async () => {
      const { refreshToken } = (await login({ username: 'jane.doe', password: PASSWORD })).data!.login;
      expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(refreshToken, 'base64url')).toHaveLength(32);
      const sessions = await harness.db
        .collection<AdminSessionDocument>(ADMIN_SESSIONS)
        .find({ token_hash: sha256(refreshToken) })
        .toArray();
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ user_id: jane.id, revoked_at: null });
      const everything = JSON.stringify(await harness.db.collection(ADMIN_SESSIONS).find().toArray());
      expect(everything).not.toContain(refreshToken);
    });

    it('accepts the username in any case and with surrounding spaces', async () => {
      const result = await login({ username: '  Jane.DOE ', password: PASSWORD });
      expect(result.errors).toBeUndefined();
      expect(result.data!.login.user.id).toBe(jane.id);
    });

    it('gives one and the same answer for a wrong password, an unknown username and an inactive account', async () => {
      const answers = [
        await login({ username: 'jane.doe', password: 'not the password' }),
        await login({ username: 'nobody.here', password: PASSWORD }),
        await login({ username: 'retired', password: PASSWORD }),
      ];
      for (const answer of answers) {
        expect(answer.data).toBeNull();
        expect(answer.errors).toHaveLength(1);
        expect(answer.errors![0]!.message).toBe(INVALID_CREDENTIALS);
        expect(answer.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
      }
      expect(await sessionsOf(retired.id)).toEqual([]);
    });

    it('spends an argon2 verification on unknown usernames too, so timing does not reveal them', async () => {
      const median = async (input: Record<string, unknown>) => {
        const times: number[] = [];
        for (let i = 0; i < 3; i++) {
          const started = performance.now();
          await login(input);
          times.push(performance.now() - started);
        }
        return times.sort((a, b) => a - b)[1]!;
      };
      const known = await median({ username: 'jane.doe', password: 'not the password' });
      const unknown = await median({ username: 'nobody.here', password: 'not the password' });
      // an unknown username that skipped hashing would answer in a small fraction of the time
      expect(unknown).toBeGreaterThan(known * 0.5);
    });

    it('records the sign-in in the audit trail without the password or tokens', async () => {
      harness.auditEvents.length = 0;
      const { token, refreshToken } = (await login({ username: 'jane.doe', password: PASSWORD })).data!.login;
      await login({ username: 'jane.doe', password: 'a wrong password' });
      expect(harness.auditEvents.map((e) => [e.action, e.outcome])).toEqual([
        ['login', 'allowed'],
        ['login', 'denied'],
      ]);
      expect(harness.auditEvents[0]!.changes).toEqual({
        before: null,
        after: { user_id: jane.id, username: 'jane.doe', role: 'Manager' },
      });
      expect(harness.auditEvents[1]!.changes).toEqual({
        before: null,
        after: { username: 'jane.doe', password: '[redacted]' },
      });
      const trail = JSON.stringify(harness.auditEvents);
      for (const secret of [PASSWORD, 'a wrong password', token, refreshToken])
        expect(trail).not.toContain(secret);
    });

    it('refuses a blank username and an over-long password as bad input', async () => {
      const blank = await login({ username: '  ', password: PASSWORD });
      expect(blank.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.username' });
      const long = await login({ username: 'jane.doe', password: 'x'.repeat(257) });
      expect(long.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.password' });
    });
  });

  describe('failed sign-in lock', () => {
    it('locks a username at the fifth failure, and then refuses even the right password alike', async () => {
      for (let i = 1; i <= 4; i++) {
        await login({ username: 'jane.doe', password: `wrong-${i}` });
        expect(await throttleOf('jane.doe')).toMatchObject({ failures: i, locked_until: null });
      }
      const before = Date.now();
      await login({ username: 'jane.doe', password: 'wrong-5' });
      const locked = await throttleOf('jane.doe');
      expect(locked!.failures).toBe(5);
      const lockMs = locked!.locked_until!.getTime() - before;
      expect(lockMs).toBeGreaterThan(15 * 60_000 - 2_000);
      expect(lockMs).toBeLessThanOrEqual(15 * 60_000 + 2_000);

      const right = await login({ username: 'jane.doe', password: PASSWORD });
      expect(right.data).toBeNull();
      expect(right.errors![0]!.message).toBe(INVALID_CREDENTIALS);
      expect(right.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
    });

    it('locks unknown usernames the same way, so a lock does not reveal which ones exist', async () => {
      for (let i = 0; i < 5; i++) await login({ username: 'ghost', password: 'whatever' });
      expect((await throttleOf('ghost'))!.locked_until).not.toBeNull();
    });

    it('counts concurrent failures atomically', async () => {
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => login({ username: 'jane.doe', password: `parallel-${i}` })),
      );
      const entry = await throttleOf('jane.doe');
      expect(entry!.failures).toBe(5);
      expect(entry!.locked_until).not.toBeNull();
    });

    it('lets the account in once the lock has run out, and forgets the failures', async () => {
      for (let i = 0; i < 5; i++) await login({ username: 'jane.doe', password: 'wrong' });
      await harness.db
        .collection(LOGIN_THROTTLE)
        .updateOne({ username: 'jane.doe' }, { $set: { locked_until: new Date(Date.now() - 1000) } });
      const result = await login({ username: 'jane.doe', password: PASSWORD });
      expect(result.errors).toBeUndefined();
      expect(await throttleOf('jane.doe')).toBeNull();
    });

    it('starts counting afresh after a successful sign-in', async () => {
      for (let i = 0; i < 4; i++) await login({ username: 'jane.doe', password: 'wrong' });
      expect((await login({ username: 'jane.doe', password: PASSWORD })).errors).toBeUndefined();
      expect(await throttleOf('jane.doe')).toBeNull();
      for (let i = 0; i < 4; i++) await login({ username: 'jane.doe', password: 'wrong' });
      expect((await login({ username: 'jane.doe', password: PASSWORD })).errors).toBeUndefined();
    });

    it('only counts failures within the window', async () => {
      for (let i = 0; i < 4; i++) await login({ username: 'jane.doe', password: 'wrong' });
      await harness.db
        .collection(LOGIN_THROTTLE)
        .updateOne(
          { username: 'jane.doe' },
          { $set: { window_started_at: new Date(Date.now() - 16 * 60_000) } },
        );
      await login({ username: 'jane.doe', password: 'wrong' });
      expect(await throttleOf('jane.doe')).toMatchObject({ failures: 1, locked_until: null });
    });

    it('takes its limits from the settings', async () => {
      const strict = await startSubgraphHarness(
        createComplianceSubgraph({
          ...DEFAULT_COMPLIANCE_SETTINGS,
          loginMaxFailures: 2,
          loginLockMinutes: 60,
        }),
      );
      try {
        await strict.db.collection(ADMIN_USERS).insertOne({ ...jane });
        const attempt = (password: string) =>
          strict.execute(LOGIN, { input: { username: 'jane.doe', password } }, anonymous);
        await attempt('wrong');
        await attempt('wrong');
        expect(errorCode(await attempt(PASSWORD))).toBe('UNAUTHENTICATED');
        const entry = await strict.db.collection<LoginThrottleDocument>(LOGIN_THROTTLE).findOne({});
        expect(entry!.locked_until!.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
      } finally {
        await strict.close();
      }
    });
  });

  describe('two-factor sign-in', () => {
    let secret: string;
    let totpUser: AdminUserDocument;

    beforeAll(async () => {
      secret = generateTotpSecret();
      totpUser = adminDoc({ username: 'two.factor', two_factor_enabled: true, password_hash: passwordHash });
      await harness.db.collection(ADMIN_USERS).insertOne({ ...totpUser });
      await harness.db.collection(ADMIN_TWO_FACTOR).insertOne({
        user_id: totpUser.id,
        secret,
        pending_secret: null,
        pending_expires_at: null,
        last_used_step: null,
        updated_at: new Date(),
      });
    });

    const codeAt = (offsetSteps: number) =>
      totp(base32Decode(secret), new Date(Date.now() + offsetSteps * 30_000));

    it('asks for the code when it is missing, without counting a failure', async () => {
      const result = await login({ username: 'two.factor', password: PASSWORD });
      expect(result.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED', twoFactorRequired: true });
      expect(result.errors![0]!.message).toMatch(/two-factor code is required/);
      expect(await throttleOf('two.factor')).toBeNull();
    });

    it('refuses a wrong code like a wrong password, and counts it', async () => {
      const current = codeAt(0);
      const wrong = String((Number(current) + 500_000) % 1_000_000).padStart(6, '0');
      const result = await login({ username: 'two.factor', password: PASSWORD, totpCode: wrong });
      expect(result.errors![0]!.message).toBe(INVALID_CREDENTIALS);
      expect(result.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect((await throttleOf('two.factor'))!.failures).toBe(1);
    });

    it('signs in with the current code once; the same code cannot be used again', async () => {
      const code = codeAt(0);
      const first = await login({ username: 'two.factor', password: PASSWORD, totpCode: code });
      expect(first.errors).toBeUndefined();
      expect(first.data!.login.user.twoFactorEnabled).toBe(true);
      const replay = await login({ username: 'two.factor', password: PASSWORD, totpCode: code });
      expect(replay.errors![0]!.message).toBe(INVALID_CREDENTIALS);
      // an older code than the last one used is refused too
      const older = await login({ username: 'two.factor', password: PASSWORD, totpCode: codeAt(-1) });
      expect(errorCode(older)).toBe('UNAUTHENTICATED');
    });

    it('accepts the next step (clock drift) but not a code two steps away', async () => {
      const far = await login({ username: 'two.factor', password: PASSWORD, totpCode: codeAt(3) });
      expect(errorCode(far)).toBe('UNAUTHENTICATED');
      const next = await login({ username: 'two.factor', password: PASSWORD, totpCode: codeAt(1) });
      expect(next.errors).toBeUndefined();
    });

    it('refuses a right code with a wrong password', async () => {
      const result = await login({ username: 'two.factor', password: 'wrong password', totpCode: codeAt(2) });
      expect(result.errors![0]!.message).toBe(INVALID_CREDENTIALS);
    });
  });

  describe('refreshToken', () => {
    it('rotates: a new pair for the refresh token, which then stops working', async () => {
      const first = (await login({ username: 'jane.doe', password: PASSWORD })).data!.login;
      const second = await refresh(first.refreshToken);
      expect(second.errors).toBeUndefined();
      const renewed = second.data!.refreshToken;
      expect(renewed.refreshToken).not.toBe(first.refreshToken);
      expect(renewed.user).toEqual({ id: jane.id, role: 'Manager' });
      expect((await verifyAccessToken(renewed.token, TOKEN_SETTINGS)).userId).toBe(jane.id);

      const old = await harness.db
        .collection<AdminSessionDocument>(ADMIN_SESSIONS)
        .findOne({ token_hash: sha256(first.refreshToken) });
      expect(old).toMatchObject({ revoked_reason: 'rotated' });
      expect(old!.revoked_at).toBeInstanceOf(Date);
    });

    it('treats reuse of a rotated token as theft: refused, and every session of the account revoked', async () => {
      const first = (await login({ username: 'jane.doe', password: PASSWORD })).data!.login;
      const renewed = (await refresh(first.refreshToken)).data!.refreshToken;
      const reuse = await refresh(first.refreshToken);
      expect(errorCode(reuse)).toBe('UNAUTHENTICATED');
      expect(reuse.data).toBeNull();
      // the thief's (or the owner's) newer token is gone too
      expect(errorCode(await refresh(renewed.refreshToken))).toBe('UNAUTHENTICATED');
      expect((await sessionsOf(jane.id)).filter((s) => s.revoked_at === null)).toEqual([]);
    });

    it('gives only one of two simultaneous exchanges of the same token a new pair', async () => {
      const { refreshToken } = (await login({ username: 'jane.doe', password: PASSWORD })).data!.login;
      const results = await Promise.all([refresh(refreshToken), refresh(refreshToken)]);
      expect(results.filter((r) => r.errors === undefined)).toHaveLength(1);
    });

    it('refuses unknown and expired tokens', async () => {
      expect(errorCode(await refresh('not-a-token'))).toBe('UNAUTHENTICATED');
      const { refreshToken } = (await login({ username: 'jane.doe', password: PASSWORD })).data!.login;
      await harness.db
        .collection(ADMIN_SESSIONS)
        .updateOne(
          { token_hash: sha256(refreshToken) },
          { $set: { expires_at: new Date(Date.now() - 1000) } },
        );
      expect(errorCode(await refresh(refreshToken))).toBe('UNAUTHENTICATED');
    });

    it('refuses an account that was deactivated meanwhile', async () => {
      const leaving = adminDoc({ username: 'leaving', password_hash: passwordHash });
      await harness.db.collection(ADMIN_USERS).insertOne({ ...leaving });
      const { refreshToken } = (await login({ username: 'leaving', password: PASSWORD })).data!.login;
      await harness.db.collection(ADMIN_USERS).updateOne({ id: leaving.id }, { $set: { is_active: false } });
      expect(errorCode(await refresh(refreshToken))).toBe('UNAUTHENTICATED');
    });

    it('carries a changed role into the renewed access token', async () => {
      const promoted = adminDoc({ username: 'promoted', role: 'Supervisor', password_hash: passwordHash });
      await harness.db.collection(ADMIN_USERS).insertOne({ ...promoted });
      const { refreshToken } = (await login({ username: 'promoted', password: PASSWORD })).data!.login;
      await harness.db.collection(ADMIN_USERS).updateOne({ id: promoted.id }, { $set: { role: 'Manager' } });
      const renewed = (await refresh(refreshToken)).data!.refreshToken;
      expect((await verifyAccessToken(renewed.token, TOKEN_SETTINGS)).role).toBe('Manager');
    });
  });

  describe('logout', () => {
    const LOGOUT = `mutation($input: LogoutInput!) { logout(input: $input) }`;

    it("revokes the caller's refresh token, so it cannot be exchanged any more", async () => {
      const { refreshToken } = (await login({ username: 'jane.doe', password: PASSWORD })).data!.login;
      const janeIdentity = { ...IDENTITIES.gamingManager, userId: jane.id, username: 'jane.doe' };
      const someoneElse = await harness.execute<{ logout: boolean }>(
        LOGOUT,
        { input: { refreshToken } },
        { identity: IDENTITIES.generalAdmin },
      );
      expect(someoneElse.data!.logout).toBe(false);
      const out = await harness.execute<{ logout: boolean }>(
        LOGOUT,
        { input: { refreshToken } },
        { identity: janeIdentity },
      );
      expect(out.data!.logout).toBe(true);
      expect(errorCode(await refresh(refreshToken))).toBe('UNAUTHENTICATED');
    });

    it('needs a signed-in caller', async () => {
      const result = await harness.execute(LOGOUT, { input: { refreshToken: 'x' } }, anonymous);
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
    });
  });

  describe('me', () => {
    it('answers the caller its own account, private fields included', async () => {
      const manager = accountOf(IDENTITIES.fbManager, { email: 'fb.manager@casino.example' });
      await harness.db.collection(ADMIN_USERS).insertOne({ ...manager });
      const result = await harness.execute<{ me: Record<string, unknown> }>(
        `{ me { id username email role department twoFactorEnabled } }`,
        {},
        { identity: IDENTITIES.fbManager },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data!.me).toEqual({
        id: manager.id,
        username: manager.username,
        email: 'fb.manager@casino.example',
        role: 'Manager',
        department: 'F&B',
        twoFactorEnabled: false,
      });
    });

    it('is refused to anonymous callers and services', async () => {
      expect(errorCode(await harness.execute(`{ me { id } }`, {}, anonymous))).toBe('UNAUTHENTICATED');
      expect(
        errorCode(await harness.execute(`{ me { id } }`, {}, { identity: IDENTITIES.loyaltyService })),
      ).toBe('FORBIDDEN');
    });
  });
});
