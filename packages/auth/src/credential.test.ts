import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import {
  bodyHash,
  devPublicKeysSpec,
  parsePublicKeys,
  signRequestCredential,
  verifyRequestCredential,
} from './credential';
import type { CredentialVerifier } from './credential';
import { CredentialConfigError, credentialKeysFromEnv, developmentSigner } from './credential-env';
import { MemoryReplayGuard } from './replay-guard';
import { testIdentity } from './testing';

const manager = testIdentity('Manager', {
  department: 'Gaming',
  sessionId: 'a7d1c0de-0000-4000-8000-000000000001',
});
const body = '{"query":"{ members { totalCount } }"}';
const gateway = developmentSigner('gateway');

function verifier(overrides: Partial<CredentialVerifier> = {}): CredentialVerifier {
  return {
    audience: 'loyalty',
    keys: parsePublicKeys(devPublicKeysSpec()),
    maxTtlSeconds: 30,
    replay: new MemoryReplayGuard(),
    ...overrides,
  };
}

const reason = (attempt: () => Promise<unknown>) =>
  attempt().then(
    () => 'accepted',
    (error: Error) => error.message,
  );

describe('request credentials', () => {
  it('carry the identity, session and client address to the one subgraph they name', async () => {
    const token = await signRequestCredential(gateway, {
      identity: manager,
      audience: 'loyalty',
      body,
      ip: '10.1.2.3',
    });
    await expect(verifyRequestCredential(verifier(), token, body)).resolves.toEqual({
      identity: manager,
      issuer: 'gateway',
      ip: '10.1.2.3',
    });
  });

  it('are standard JWS: jose verifies what we sign', async () => {
    const token = await signRequestCredential(gateway, { identity: manager, audience: 'loyalty', body });
    const { payload, protectedHeader } = await jwtVerify(
      token,
      parsePublicKeys(devPublicKeysSpec()).get('gateway')!,
      {
        algorithms: ['EdDSA'],
        audience: 'loyalty',
        issuer: 'gateway',
      },
    );
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'casino-request+jwt', kid: 'gateway' });
    expect(payload).toMatchObject({ bh: bodyHash(body), idn: manager, jti: expect.any(String) });
  });

  it('are refused for every way of reusing or forging them, each for its own reason', async () => {
    const v = verifier();
    const used = await signRequestCredential(gateway, { identity: manager, audience: 'loyalty', body });
    await verifyRequestCredential(v, used, body);
    const sign = (claims: { iat?: number; exp?: number }, key = gateway.key, kid = 'gateway') => {
      const iat = claims.iat ?? Math.floor(Date.now() / 1000);
      return new SignJWT({ bh: bodyHash(body), idn: manager })
        .setProtectedHeader({ alg: 'EdDSA', typ: 'casino-request+jwt', kid })
        .setIssuer(kid)
        .setAudience('loyalty')
        .setIssuedAt(iat)
        .setExpirationTime(claims.exp ?? iat + 10)
        .setJti(crypto.randomUUID())
        .sign(key);
    };
    const cases: [string, () => Promise<unknown>, string][] = [
      ['twice', () => verifyRequestCredential(v, used, body), 'request credential was already used'],
      [
        'another body',
        async () =>
          verifyRequestCredential(
            v,
            await signRequestCredential(gateway, { identity: manager, audience: 'loyalty', body }),
            `${body} `,
          ),
        'request credential was issued for another body',
      ],
      [
        'another subgraph',
        async () =>
          verifyRequestCredential(
            v,
            await signRequestCredential(gateway, { identity: manager, audience: 'gaming', body }),
            body,
          ),
        'request credential does not verify',
      ],
      [
        'a stranger key under the gateway name',
        async () =>
          verifyRequestCredential(v, await sign({}, generateKeyPairSync('ed25519').privateKey), body),
        'request credential does not verify',
      ],
      [
        'an expiry in 2036',
        async () => verifyRequestCredential(v, await sign({ exp: Date.UTC(2036, 0, 1) / 1000 }), body),
        'request credential lives longer than allowed',
      ],
      [
        'issued long ago',
        async () =>
          verifyRequestCredential(
            v,
            await sign({ iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) + 5 }),
            body,
          ),
        'request credential expired',
      ],
      [
        'a service speaking for an admin',
        async () =>
          verifyRequestCredential(v, await sign({}, developmentSigner('gaming').key, 'gaming'), body),
        'a service may only call as itself',
      ],
      [
        'an unknown caller',
        async () => verifyRequestCredential(v, await sign({}, gateway.key, 'router'), body),
        'request credential from an unknown caller',
      ],
      [
        'HS256 keyed with the public key',
        async () =>
          verifyRequestCredential(
            v,
            await new SignJWT({ bh: bodyHash(body), idn: manager })
              .setProtectedHeader({ alg: 'HS256', typ: 'casino-request+jwt', kid: 'gateway' })
              .setIssuer('gateway')
              .setAudience('loyalty')
              .setIssuedAt()
              .setExpirationTime('10s')
              .setJti(crypto.randomUUID())
              .sign(new TextEncoder().encode(devPublicKeysSpec().split(',')[0]!.split(':')[1]!)),
            body,
          ),
        'request credential does not verify',
      ],
      [
        'no credential',
        async () => verifyRequestCredential(v, undefined, body),
        'missing request credential',
      ],
      ['not a JWS', async () => verifyRequestCredential(v, 'abc.def', body), 'malformed request credential'],
    ];
    for (const [name, attempt, expected] of cases) {
      expect([name, await reason(attempt)]).toEqual([name, expected]);
    }
  });

  it('production refuses missing keys and the public development keys', () => {
    const problems = (env: Record<string, string | undefined>) => {
      try {
        credentialKeysFromEnv('loyalty', {
          NODE_ENV: 'production',
          REQUEST_CREDENTIAL_TTL_SECONDS: 30,
          ...env,
        });
        return [];
      } catch (error) {
        if (!(error instanceof CredentialConfigError)) throw error;
        return error.problems.map((p) => p.split(':')[0]);
      }
    };
    expect(problems({})).toEqual(['SERVICE_SIGNING_KEY', 'SERVICE_PUBLIC_KEYS']);
    expect(
      problems({
        SERVICE_SIGNING_KEY: Buffer.from(
          developmentSigner('loyalty').key.export({ format: 'jwk' }).d!,
          'base64url',
        ).toString('base64'),
        SERVICE_PUBLIC_KEYS: devPublicKeysSpec(),
      }),
    ).toEqual(['SERVICE_SIGNING_KEY', ...Array(6).fill('SERVICE_PUBLIC_KEYS')]);
  });
});
