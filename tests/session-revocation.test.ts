import type { RunningGateway } from '@casino/gateway';
import { startRedisServer } from '@casino/testing';
import type { RedisServer } from '@casino/testing';
import { startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

const DEMO_PASSWORD = 'demo-password-2026';
const LOGIN = `mutation ($username: String!, $password: String!) {
  login(input: { username: $username, password: $password }) { token refreshToken user { id } }
}`;
const ME = '{ me { username } }';

interface Session {
  token: string;
  refreshToken: string;
  userId: string;
}

/** Revocation takes effect within about REVOCATION_POLL_MS (500 ms); the bound leaves room for a busy CI box. */
const WITHIN_MS = 1_500;

async function signIn(stack: TestStack, username: string, url?: string): Promise<Session> {
  const result = await stack.query<{ login: { token: string; refreshToken: string; user: { id: string } } }>(
    LOGIN,
    { username, password: DEMO_PASSWORD },
    { url },
  );
  expect(result.errors).toBeUndefined();
  const { token, refreshToken, user } = result.data!.login;
  return { token, refreshToken, userId: user.id };
}

/** How long after `since` the token stopped working (it must work right before). */
async function refusedAfter(stack: TestStack, token: string, since: number, url?: string): Promise<number> {
  for (;;) {
    const result = await stack.query(ME, {}, { token, url });
    const elapsed = Date.now() - since;
    if (result.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED') {
      expect(result.status).toBe(401);
      expect(result.data ?? null).toBeNull();
      return elapsed;
    }
    expect(result.data).toEqual({ me: expect.objectContaining({}) });
    if (elapsed > 5_000) throw new Error('the token still works 5 s after its session ended');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function works(stack: TestStack, token: string, url?: string): Promise<void> {
  const result = await stack.query<{ me: { username: string } }>(ME, {}, { token, url });
  expect(result.errors).toBeUndefined();
  expect(result.data!.me).not.toBeNull();
}

describe('ending a session revokes its access tokens at once', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 2 });
  }, 180_000);
  afterAll(() => stack?.stop());

  it('logout', async () => {
    const session = await signIn(stack, 'supervisor');
    await works(stack, session.token);
    const loggedOut = await stack.query(
      'mutation ($r: String!) { logout(input: { refreshToken: $r }) }',
      { r: session.refreshToken },
      { token: session.token },
    );
    expect(loggedOut.data).toEqual({ logout: true });
    expect(await refusedAfter(stack, session.token, Date.now())).toBeLessThan(WITHIN_MS);
  });

  it('a password change ends every session of the account', async () => {
    const first = await signIn(stack, 'manager');
    const second = await signIn(stack, 'manager');
    const changed = await stack.query(
      'mutation ($c: String!, $n: String!) { changeOwnPassword(input: { currentPassword: $c, newPassword: $n }) { id } }',
      { c: DEMO_PASSWORD, n: 'a-brand-new-password-2026' },
      { token: first.token },
    );
    expect(changed.errors).toBeUndefined();
    const at = Date.now();
    expect(await refusedAfter(stack, first.token, at)).toBeLessThan(WITHIN_MS);
    expect(await refusedAfter(stack, second.token, at)).toBeLessThan(WITHIN_MS);
  });

  it('a password reset by an administrator ends the account’s sessions', async () => {
    const target = await signIn(stack, 'supervisor');
    const admin = await signIn(stack, 'superadmin');
    const reset = await stack.query(
      'mutation ($id: ID!) { resetAdminPassword(input: { id: $id, newPassword: "reset-by-the-superadmin-2026" }) { id } }',
      { id: target.userId },
      { token: admin.token },
    );
    expect(reset.errors).toBeUndefined();
    expect(await refusedAfter(stack, target.token, Date.now())).toBeLessThan(WITHIN_MS);
  });

  it('deactivation', async () => {
    const target = await signIn(stack, 'generaladmin');
    const admin = await signIn(stack, 'superadmin');
    const deactivated = await stack.query(
      'mutation ($id: ID!) { deactivateAdminUser(id: $id) { isActive } }',
      { id: target.userId },
      { token: admin.token },
    );
    expect(deactivated.errors).toBeUndefined();
    expect(await refusedAfter(stack, target.token, Date.now())).toBeLessThan(WITHIN_MS);
    await works(stack, admin.token);
  });

  it('reuse of a refresh token ends the session it belongs to, and the refreshed one', async () => {
    const session = await signIn(stack, 'superadmin');
    const refresh = 'mutation ($r: String!) { refreshToken(input: { refreshToken: $r }) { token } }';
    const rotated = await stack.query<{ refreshToken: { token: string } }>(refresh, {
      r: session.refreshToken,
    });
    expect(rotated.errors).toBeUndefined();
    const newer = rotated.data!.refreshToken.token;
    await works(stack, newer);
    // someone presents the first refresh token again: it was copied
    const reused = await stack.query(refresh, { r: session.refreshToken });
    expect(reused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const at = Date.now();
    expect(await refusedAfter(stack, session.token, at)).toBeLessThan(WITHIN_MS);
    expect(await refusedAfter(stack, newer, at)).toBeLessThan(WITHIN_MS);
  });
});

describe('with REDIS_URL every gateway replica refuses a revoked session', () => {
  let redis: RedisServer;
  let stack: TestStack;
  let second: RunningGateway;
  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startTestStack({ seedMembers: 2, env: { REDIS_URL: redis.url } });
    second = await stack.startGateway({ env: { REDIS_URL: redis.url } });
  }, 180_000);
  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
    await redis?.stop();
  });

  it('signing out at one gateway stops the token at the other', async () => {
    const session = await signIn(stack, 'supervisor');
    await works(stack, session.token, second.url);
    await stack.query(
      'mutation ($r: String!) { logout(input: { refreshToken: $r }) }',
      { r: session.refreshToken },
      { token: session.token },
    );
    expect(await refusedAfter(stack, session.token, Date.now(), second.url)).toBeLessThan(WITHIN_MS);
  });
});
