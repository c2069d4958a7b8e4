import { SignJWT } from 'jose';
import { TokenError, issueAccessToken, verifyAccessToken } from './tokens';
import type { TokenSettings } from './tokens';

const settings: TokenSettings = {
  secret: 'jwt-test-secret-of-at-least-thirty-two-chars',
  issuer: 'casino-supergraph',
  audience: 'casino-dashboards',
  ttlSeconds: 900,
};
const user = {
  userId: '7d9c2a3e-0000-4000-8000-000000000001',
  username: 'generaladmin',
  role: 'GeneralAdmin' as const,
  department: null,
  permissions: [],
};

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  it('verifies a token it issued and returns the identity', async () => {
    const { token, expiresAt } = await issueAccessToken(user, settings);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 800_000);
    expect(await verifyAccessToken(token, settings)).toEqual({ kind: 'admin', ...user });
  });

  it('rejects expired, tampered, foreign, alg-none and mis-addressed tokens', async () => {
    const { token } = await issueAccessToken(user, settings);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const promoted = b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'SuperAdmin' });
    const expired = (await issueAccessToken(user, settings, Date.now() - 3_600_000)).token;
    const foreign = (await issueAccessToken(user, { ...settings, secret: 'x'.repeat(40) })).token;
    const algNone = `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`;
    const wrongAudience = (await issueAccessToken(user, { ...settings, audience: 'someone-else' })).token;
    const wrongIssuer = (await issueAccessToken(user, { ...settings, issuer: 'someone-else' })).token;
    const noExpiry = await new SignJWT({ username: 'x', role: 'SuperAdmin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('s')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .sign(new TextEncoder().encode(settings.secret));
    const bad = [
      `${header}.${promoted}.${signature}`,
      expired,
      foreign,
      algNone,
      wrongAudience,
      wrongIssuer,
      noExpiry,
      'garbage',
    ];
    for (const candidate of bad) {
      await expect(verifyAccessToken(candidate, settings)).rejects.toBeInstanceOf(TokenError);
    }
    await expect(verifyAccessToken(expired, settings)).rejects.toThrow('token expired');
  });
});
