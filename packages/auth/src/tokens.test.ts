import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { developmentTokenSettings } from './credential-env';
import { testIdentity } from './testing';
import {
  AccessTokenVerifier,
  TokenError,
  accessTokenJwks,
  issueAccessToken,
  keyIdOf,
  verifyAccessToken,
} from './tokens';

const settings = developmentTokenSettings();
/** The claims of a signed-in GeneralAdmin with a session: the identity without its kind, as tokens carry it. */
const { kind: _kind, ...user } = testIdentity('GeneralAdmin', {
  sessionId: '0c6f2d4e-0000-4000-8000-000000000009',
});

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access tokens', () => {
  it('verifies a token it issued and returns the identity with its session', async () => {
    const { token, expiresAt } = await issueAccessToken(user, settings);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 800_000);
    expect(await verifyAccessToken(token, settings)).toEqual({ kind: 'admin', ...user });
  });

  it('verifies with the public keys alone: a verifier holds nothing that could mint a token', async () => {
    const { token } = await issueAccessToken(user, settings);
    const verifierOnly = { ...settings, signingKey: undefined };
    expect((await verifyAccessToken(token, verifierOnly)).userId).toBe(user.userId);
    await expect(issueAccessToken(user, verifierOnly)).rejects.toBeInstanceOf(TokenError);
  });

  it('publishes its keys as a JWKS under their thumbprints', () => {
    const jwks = accessTokenJwks(settings.publicKeys);
    expect(jwks.keys).toEqual([
      expect.objectContaining({
        kty: 'OKP',
        crv: 'Ed25519',
        alg: 'EdDSA',
        kid: keyIdOf(settings.signingKey!),
      }),
    ]);
  });

  it('rejects expired, tampered, foreign, alg-none, HS256 key-confusion and mis-addressed tokens', async () => {
    const { token } = await issueAccessToken(user, settings);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const kid = keyIdOf(settings.signingKey!);
    const promoted = b64({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'SuperAdmin' });
    const expired = (await issueAccessToken(user, settings, Date.now() - 3_600_000)).token;
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const foreign = (await issueAccessToken(user, { ...settings, signingKey: stranger })).token;
    const foreignUnderKnownKid = await new SignJWT({ username: 'x', role: 'SuperAdmin' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject('s')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setExpirationTime('5m')
      .sign(stranger);
    const algNone = `${b64({ alg: 'none', typ: 'JWT', kid })}.${payload}.`;
    const x = settings.signingKey!.export({ format: 'jwk' }).x!;
    const keyConfusion = await new SignJWT({ username: 'x', role: 'SuperAdmin' })
      .setProtectedHeader({ alg: 'HS256', kid })
      .setSubject('s')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(x));
    const wrongAudience = (await issueAccessToken(user, { ...settings, audience: 'someone-else' })).token;
    const wrongIssuer = (await issueAccessToken(user, { ...settings, issuer: 'someone-else' })).token;
    const noExpiry = await new SignJWT({ username: 'x', role: 'SuperAdmin' })
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .setSubject('s')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .sign(settings.signingKey!);
    const bad = {
      promoted: `${header}.${promoted}.${signature}`,
      expired,
      foreign,
      foreignUnderKnownKid,
      algNone,
      keyConfusion,
      wrongAudience,
      wrongIssuer,
      noExpiry,
      garbage: 'garbage',
    };
    for (const [name, candidate] of Object.entries(bad)) {
      const outcome = await verifyAccessToken(candidate, settings).then(
        () => 'accepted',
        (error: unknown) => (error instanceof TokenError ? 'refused' : String(error)),
      );
      expect([name, outcome]).toEqual([name, 'refused']);
    }
    await expect(verifyAccessToken(expired, settings)).rejects.toThrow('token expired');
  });

  it('remembers a verified token until it expires, and only that long', async () => {
    const keys = new Map(settings.publicKeys);
    const verifier = new AccessTokenVerifier({ ...settings, publicKeys: keys });
    const { token, expiresAt } = await issueAccessToken(user, settings);
    expect((await verifier.verify(token)).userId).toBe(user.userId);
    // with its key gone, only the memory of the first verification can answer
    keys.clear();
    expect((await verifier.verify(token)).userId).toBe(user.userId);
    await expect(verifier.verify(token, expiresAt.getTime() + 1)).rejects.toBeInstanceOf(TokenError);
    const other = (await issueAccessToken({ ...user, username: 'someone' }, settings)).token;
    await expect(verifier.verify(other)).rejects.toBeInstanceOf(TokenError);
  });
});
