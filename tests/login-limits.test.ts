import { startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

const LOGIN = `mutation ($username: String!, $password: String!) {
  login(input: { username: $username, password: $password }) { token }
}`;

/**
 * Sign-in limits as an attacker meets them at the gateway. The test client is on loopback, the proxy the
 * gateway trusts by default (TRUST_PROXY), so X-Forwarded-For stands for the client's network address.
 */
describe('sign-in limits through the gateway', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 1 });
  }, 180_000);
  afterAll(() => stack?.stop());

  const attempt = (username: string, password: string, address: string) =>
    stack.query<{ login: { token: string } }>(
      LOGIN,
      { username, password },
      {
        headers: { 'x-forwarded-for': address },
      },
    );

  it('locks the attacker’s address out with 429 and Retry-After, never the admin at another address', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push(await attempt('superadmin', `wrong-password-${i}`, '203.0.113.9'));
    expect(answers.slice(0, 5).map((a) => a.errors?.[0]?.extensions?.code)).toEqual(
      Array(5).fill('UNAUTHENTICATED'),
    );
    const locked = answers[5]!;
    expect(locked.status).toBe(429);
    expect(locked.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBe(locked.errors?.[0]?.extensions?.retryAfterSeconds);
    // even the right password is refused from the locked address, and says nothing about it
    const rightButLocked = await attempt('superadmin', 'demo-password-2026', '203.0.113.9');
    expect(rightButLocked.status).toBe(429);
    expect(rightButLocked.data ?? null).toBeNull();

    const admin = await attempt('superadmin', 'demo-password-2026', '198.51.100.20');
    expect(admin.errors).toBeUndefined();
    expect(admin.data!.login.token).toEqual(expect.any(String));
  });
});
