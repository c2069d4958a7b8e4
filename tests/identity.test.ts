import { SignJWT } from 'jose';
import { REQUEST_CREDENTIAL_HEADER, developmentTokenSettings, signRequestCredential } from '@casino/auth';
import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SUBGRAPH_NAMES } from '../scripts/stack';
import { IDENTITIES, gatewayCredential, startTestStack, tokenFor } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

const MEMBERS = '{ members(first: 1) { totalCount edges { node { id firstName } } } }';

describe('identity at the edge and between services', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 3 });
  }, 180_000);
  afterAll(() => stack?.stop());

  it('serves a signed-in caller', async () => {
    const result = await stack.query<{ members: { totalCount: number } }>(
      MEMBERS,
      {},
      { as: IDENTITIES.Supervisor },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.members.totalCount).toBe(3);
  });

  it('gives an anonymous caller UNAUTHENTICATED and no data', async () => {
    const result = await stack.query(MEMBERS);
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.data ?? null).toBeNull();
  });

  it('refuses tampered, expired, foreign, alg-none, key-confusion and mis-addressed tokens', async () => {
    const good = await tokenFor(IDENTITIES.Supervisor);
    const [header, payload, signature] = good.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const dev = developmentTokenSettings();
    const sign = (claimsOverride: Record<string, unknown>, key: KeyObject = dev.signingKey!) =>
      new SignJWT({ ...claims, ...claimsOverride }).setProtectedHeader({ alg: 'EdDSA', kid }).sign(key);
    const publicKey = [...dev.publicKeys.values()][0]!.export({ format: 'jwk' }).x!;
    const tokens = {
      tampered: `${header}.${encode({ ...claims, role: 'SuperAdmin' })}.${signature}`,
      expired: await sign({ exp: Math.floor(Date.now() / 1000) - 60 }),
      foreign: await sign({}, generateKeyPairSync('ed25519').privateKey),
      algNone: `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      // HS256 keyed with the published public key: the classic algorithm-confusion forgery
      keyConfusion: await new SignJWT({ ...claims, role: 'SuperAdmin' })
        .setProtectedHeader({ alg: 'HS256', kid })
        .sign(new TextEncoder().encode(publicKey)),
      wrongAudience: await sign({ aud: 'another-app' }),
      wrongIssuer: await sign({ iss: 'another-issuer' }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const result = await stack.query(MEMBERS, {}, { token });
      expect([name, result.status, result.errors?.[0]?.extensions?.code]).toEqual([
        name,
        401,
        'UNAUTHENTICATED',
      ]);
      expect(result.data ?? null).toBeNull();
    }
  });

  it.each(SUBGRAPH_NAMES)('%s refuses a direct call without a valid request credential', async (name) => {
    const url = stack.subgraphs[name].url;
    const query = '{ __typename }';
    const body = JSON.stringify({ query, variables: {} });
    const unsigned = await stack.query(query, {}, { url });
    expect([unsigned.status, unsigned.errors?.[0]?.extensions?.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(unsigned.data ?? null).toBeNull();

    // signed with a key of the attacker's own, under the gateway's name
    const attacker = { issuer: 'gateway', key: generateKeyPairSync('ed25519').privateKey, ttlSeconds: 30 };
    const forged = await signRequestCredential(attacker, {
      identity: IDENTITIES.SuperAdmin,
      audience: name,
      body,
    });
    const forgedResult = await stack.query(
      query,
      {},
      { url, headers: { [REQUEST_CREDENTIAL_HEADER]: forged } },
    );
    expect([forgedResult.status, forgedResult.errors?.[0]?.extensions?.code]).toEqual([
      401,
      'UNAUTHENTICATED',
    ]);
    expect(forgedResult.data ?? null).toBeNull();

    const signed = await stack.query<{ __typename: string }>(
      query,
      {},
      { url, signedAs: IDENTITIES.SuperAdmin },
    );
    expect(signed.data).toEqual({ __typename: 'Query' });

    // a credential made for another subgraph
    const other = SUBGRAPH_NAMES.find((n) => n !== name)!;
    const misaddressed = await gatewayCredential(IDENTITIES.SuperAdmin, other, body);
    const misaddressedResult = await stack.query(
      query,
      {},
      {
        url,
        headers: { [REQUEST_CREDENTIAL_HEADER]: misaddressed },
      },
    );
    expect(misaddressedResult.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
