import { createHash } from 'node:crypto';
import { verifyAccessToken, developmentTokenSettings } from '@casino/auth';
import { createComplianceSubgraph } from '../index';
import { ADMIN_USERS } from '../admins/admin-user-store';
import type { AdminUserDocument } from '../admins/admin-user-store';
import { hashPassword } from '../admins/password';
import { DEFAULT_COMPLIANCE_SETTINGS } from '../settings';
import { IDENTITIES, accountOf, adminDoc, errorCode } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { INVALID_CREDENTIALS } from './auth-service';
import { LOGIN_THROTTLE, UNKNOWN_ADDRESS } from './login-throttle-store';
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

const TOKEN_SETTINGS = developmentTokenSettings();

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
  const throttle = () => harness.db.collection<LoginThrottleDocument>(LOGIN_THROTTLE);
  const pairOf = (username: string, address: string) =>
    throttle().findOne({ scope: 'pair', username, address }, { projection: { _id: 0 } });
  const usernameEntry = (username: string) =>
    throttle().findOne({ scope: 'username', username }, { projection: { _id: 0 } });
  const addressEntry = (address: string) =>
    throttle().findOne({ scope: 'address', address }, { projection: { _id: 0 } });
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
        sessionId: expect.any(String),
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

  describe('sign-in limits', () => {
    const A = '203.0.113.10';
    const B = '198.51.100.20';
    const loginFrom = (ip: string, input: Record<string, unknown>) =>
      harness.execute<{ login: LoginData }>(LOGIN, { input }, { ...anonymous, ip });
    const rateLimit = (result: { errors?: { extensions?: Record<string, unknown> }[] }) => {
      expect(result.errors).toHaveLength(1);
      const extensions = result.errors![0]!.extensions!;
      expect(extensions.code).toBe('RATE_LIMITED');
      expect(Number.isInteger(extensions.retryAfterSeconds)).toBe(true);
      return extensions.retryAfterSeconds as number;
    };

    it('locks a username at one address at the fifth failure; the right password from there is refused too', async () => {
      for (let i = 1; i <= 4; i++) {
        await loginFrom(A, { username: 'jane.doe', password: `wrong-${i}` });
        expect(await pairOf('jane.doe', A)).toMatchObject({ failures: i, locked_until: null });
      }
      const before = Date.now();
      const fifth = await loginFrom(A, { username: 'jane.doe', password: 'wrong-5' });
      // the attempt that was checked answers like every failed one
      expect(fifth.errors![0]!.message).toBe(INVALID_CREDENTIALS);
      const locked = await pairOf('jane.doe', A);
      expect(locked!.failures).toBe(5);
      const lockMs = locked!.locked_until!.getTime() - before;
      expect(lockMs).toBeGreaterThan(15 * 60_000 - 2_000);
      expect(lockMs).toBeLessThanOrEqual(15 * 60_000 + 2_000);

      // refused before the password is looked at, so saying so reveals nothing about the password
      const right = await loginFrom(A, { username: 'jane.doe', password: PASSWORD });
      expect(right.data).toBeNull();
      const retryAfter = rateLimit(right);
      expect(retryAfter).toBeGreaterThan(15 * 60 - 5);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      expect(await loginFrom(A, { username: 'jane.doe', password: 'wrong-6' })).toMatchObject({
        errors: [{ extensions: { code: 'RATE_LIMITED' } }],
      });
      expect((await pairOf('jane.doe', A))!.failures).toBe(5);
    });

    it('does not let wrong passwords from one address lock the admin out from another', async () => {
      const superadmin = adminDoc({
        username: 'superadmin',
        role: 'SuperAdmin',
        department: null,
        password_hash: passwordHash,
      });
      await harness.db.collection(ADMIN_USERS).insertOne({ ...superadmin });
      for (let i = 0; i < 8; i++) await loginFrom(A, { username: 'superadmin', password: `guess-${i}` });
      expect(errorCode(await loginFrom(A, { username: 'superadmin', password: PASSWORD }))).toBe(
        'RATE_LIMITED',
      );

      const started = Date.now();
      const owner = await loginFrom(B, { username: 'superadmin', password: PASSWORD });
      expect(owner.errors).toBeUndefined();
      expect(owner.data!.login.user.id).toBe(superadmin.id);
      expect(Date.now() - started).toBeLessThan(5_000);
      // A stays locked: the owner's success does not clear the guesser's lock
      expect(errorCode(await loginFrom(A, { username: 'superadmin', password: PASSWORD }))).toBe(
        'RATE_LIMITED',
      );
    });

    it('treats unknown usernames the same, so a refusal does not reveal which ones exist', async () => {
      for (let i = 0; i < 5; i++) {
        await loginFrom(A, { username: 'ghost', password: 'whatever' });
        await loginFrom(A, { username: 'jane.doe', password: 'whatever' });
      }
      const ghost = await loginFrom(A, { username: 'ghost', password: 'whatever' });
      const jane = await loginFrom(A, { username: 'jane.doe', password: PASSWORD });
      expect(ghost.errors![0]!.message).toBe(jane.errors![0]!.message);
      expect(Math.abs(rateLimit(ghost) - rateLimit(jane))).toBeLessThanOrEqual(1);
    });

    it('counts concurrent failures atomically', async () => {
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          loginFrom(A, { username: 'jane.doe', password: `parallel-${i}` }),
        ),
      );
      const entry = await pairOf('jane.doe', A);
      expect(entry!.failures).toBe(5);
      expect(entry!.locked_until).not.toBeNull();
      expect(await usernameEntry('jane.doe')).toMatchObject({ failures: 5 });
      expect(await addressEntry(A)).toMatchObject({ failures: 5 });
    });

    it('lets the address in once the lock has run out, and forgets its failures for the username', async () => {
      for (let i = 0; i < 5; i++) await loginFrom(A, { username: 'jane.doe', password: 'wrong' });
      await harness.db
        .collection(LOGIN_THROTTLE)
        .updateOne(
          { scope: 'pair', username: 'jane.doe', address: A },
          { $set: { locked_until: new Date(Date.now() - 1000) } },
        );
      const result = await loginFrom(A, { username: 'jane.doe', password: PASSWORD });
      expect(result.errors).toBeUndefined();
      expect(await pairOf('jane.doe', A)).toBeNull();
    });

    it('starts counting afresh at that address after a successful sign-in', async () => {
      for (let i = 0; i < 4; i++) await loginFrom(A, { username: 'jane.doe', password: 'wrong' });
      expect((await loginFrom(A, { username: 'jane.doe', password: PASSWORD })).errors).toBeUndefined();
      expect(await pairOf('jane.doe', A)).toBeNull();
      // a success does not wipe what the username and the address have seen
      expect(await usernameEntry('jane.doe')).toMatchObject({ failures: 4 });
      expect(await addressEntry(A)).toMatchObject({ failures: 4 });
      for (let i = 0; i < 4; i++) await loginFrom(A, { username: 'jane.doe', password: 'wrong' });
      expect((await loginFrom(A, { username: 'jane.doe', password: PASSWORD })).errors).toBeUndefined();
    });

    it('only counts failures within the window', async () => {
      for (let i = 0; i < 4; i++) await loginFrom(A, { username: 'jane.doe', password: 'wrong' });
      await harness.db
        .collection(LOGIN_THROTTLE)
        .updateMany({}, { $set: { window_started_at: new Date(Date.now() - 16 * 60_000) } });
      await loginFrom(A, { username: 'jane.doe', password: 'wrong' });
      expect(await pairOf('jane.doe', A)).toMatchObject({ failures: 1, locked_until: null });
      expect(await usernameEntry('jane.doe')).toMatchObject({ failures: 1 });
    });

    it('shares one bucket between requests that carry no address', async () => {
      for (let i = 0; i < 5; i++) await login({ username: 'jane.doe', password: 'wrong' });
      expect(errorCode(await login({ username: 'jane.doe', password: PASSWORD }))).toBe('RATE_LIMITED');
      expect(await pairOf('jane.doe', UNKNOWN_ADDRESS)).toMatchObject({ failures: 5 });
      expect((await loginFrom(B, { username: 'jane.doe', password: PASSWORD })).errors).toBeUndefined();
    });

    describe('with small windows', () => {
      let quick: SubgraphHarness;
      const quickLogin = (ip: string, username: string, password: string) =>
        quick.execute<{ login: LoginData }>(LOGIN, { input: { username, password } }, { ...anonymous, ip });

      beforeAll(async () => {
        quick = await startSubgraphHarness(
          createComplianceSubgraph({
            ...DEFAULT_COMPLIANCE_SETTINGS,
            loginAddressMaxFailures: 6,
            loginAddressWindowSeconds: 2,
            loginSlowdownAfterFailures: 3,
            loginSlowdownBaseSeconds: 1,
            loginSlowdownMaxSeconds: 8,
          }),
        );
        await quick.db.collection(ADMIN_USERS).insertOne({ ...jane });
      });
      afterAll(() => quick.close());
      beforeEach(() => quick.db.collection(LOGIN_THROTTLE).deleteMany({}));

      it('refuses an address that fails across many usernames until its window ends, then lets it in', async () => {
        const answers = [];
        for (let i = 0; i < 6; i++) answers.push(errorCode(await quickLogin(A, `user-${i}`, 'guess')));
        expect(answers).toEqual(Array(6).fill('UNAUTHENTICATED'));

        const refused = await quickLogin(A, 'jane.doe', PASSWORD);
        const retryAfter = rateLimit(refused);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(2);
        expect(errorCode(await quickLogin(A, 'user-99', 'guess'))).toBe('RATE_LIMITED');
        // other addresses are not affected
        expect((await quickLogin(B, 'jane.doe', PASSWORD)).errors).toBeUndefined();

        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000 + 100));
        expect((await quickLogin(A, 'jane.doe', PASSWORD)).errors).toBeUndefined();
      });

      it('slows a username guessed from many addresses, but not its owner at an address that has not failed', async () => {
        const guessers = Array.from({ length: 7 }, (_, i) => `10.0.0.${i + 1}`);
        // three failures from three addresses: the slow-down starts, 1 s
        for (const ip of guessers.slice(0, 3)) {
          expect(errorCode(await quickLogin(ip, 'jane.doe', 'guess'))).toBe('UNAUTHENTICATED');
        }
        expect(rateLimit(await quickLogin(guessers[0]!, 'jane.doe', 'guess'))).toBe(1);
        // each new address gets its one guess, and every failure doubles the wait, up to 8 s
        const waits = [];
        for (const ip of guessers.slice(3)) {
          expect(errorCode(await quickLogin(ip, 'jane.doe', 'guess'))).toBe('UNAUTHENTICATED');
          waits.push(rateLimit(await quickLogin(ip, 'jane.doe', PASSWORD)));
        }
        expect(waits).toEqual([2, 4, 8, 8]);
        // a refusal is not a failure: the counters did not move
        expect(await quick.db.collection(LOGIN_THROTTLE).findOne({ scope: 'username' })).toMatchObject({
          failures: 7,
        });

        // the owner at an address that has not failed gets straight to the password check
        const owner = await quickLogin('192.0.2.50', 'jane.doe', PASSWORD);
        expect(owner.errors).toBeUndefined();

        // once the wait has passed, a guesser may try again (and fails on the password)
        await quick.db
          .collection(LOGIN_THROTTLE)
          .updateOne({ scope: 'username' }, { $set: { next_attempt_at: new Date(Date.now() - 1) } });
        expect(errorCode(await quickLogin(guessers[0]!, 'jane.doe', 'guess'))).toBe('UNAUTHENTICATED');
        expect(rateLimit(await quickLogin(guessers[0]!, 'jane.doe', 'guess'))).toBe(8);
      });
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
          strict.execute(LOGIN, { input: { username: 'jane.doe', password } }, { ...anonymous, ip: A });
        await attempt('wrong');
        await attempt('wrong');
        expect(rateLimit(await attempt(PASSWORD))).toBeGreaterThan(59 * 60);
        const entry = await strict.db
          .collection<LoginThrottleDocument>(LOGIN_THROTTLE)
          .findOne({ scope: 'pair' });
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
      expect(await pairOf('two.factor', UNKNOWN_ADDRESS)).toBeNull();
    });

    it('refuses a wrong code like a wrong password, and counts it', async () => {
      const current = codeAt(0);
      const wrong = String((Number(current) + 500_000) % 1_000_000).padStart(6, '0');
      const result = await login({ username: 'two.factor', password: PASSWORD, totpCode: wrong });
      expect(result.errors![0]!.message).toBe(INVALID_CREDENTIALS);
      expect(result.errors![0]!.extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect((await pairOf('two.factor', UNKNOWN_ADDRESS))!.failures).toBe(1);
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
