import { request as httpsRequest } from 'node:https';
import {
  REQUEST_CREDENTIAL_HEADER,
  ROUTER_SIGNATURE_HEADER,
  RedisRevocationFeed,
  connectRedis,
  developmentSigner,
  developmentTokenSettings,
  issueAccessToken,
  signRequestCredential,
  signRouterRequest,
} from '@casino/auth';
import { loyaltySubgraph } from '@casino/loyalty';
import { startRedisServer } from '@casino/testing';
import type { RedisServer } from '@casino/testing';
import { IDENTITIES } from './support/stack-harness';
import { startServedSubgraph } from '@casino/testing';
import type { ServedSubgraph } from '@casino/testing';
import { createTestPki } from '@casino/testing';
import type { TestPki } from '@casino/testing';

const SECRET = 'router-signing-secret-for-this-test-only-0123456789';
const QUERY = JSON.stringify({ query: '{ members(first: 1) { totalCount } }' });
const SESSION = '5b0e8f7a-0000-4000-8000-00000000c0de';

interface Answer {
  status: number;
  code: string | undefined;
  data: unknown;
}

describe('router mode: subgraphs behind Apollo Router or Hive Router', () => {
  let pki: TestPki;
  let redis: RedisServer;
  let hive: ServedSubgraph;
  let apollo: ServedSubgraph;
  let token: string;

  beforeAll(async () => {
    pki = createTestPki();
    redis = await startRedisServer();
    const tlsEnv = {
      HOST: '127.0.0.1',
      TLS_CERT_FILE: pki.files.server.cert,
      TLS_KEY_FILE: pki.files.server.key,
      TLS_CLIENT_CA_FILE: pki.files.routerCa,
      REDIS_URL: redis.url,
      REVOCATION_POLL_MS: '100',
    };
    // as Hive Router fronts it: client certificate and per-request signature
    hive = await startServedSubgraph(loyaltySubgraph, {
      env: { ...tlsEnv, ROUTER_TRUST: 'mtls,signature', ROUTER_SIGNING_SECRET: SECRET },
    });
    // as Apollo Router fronts it: client certificate only (it cannot compute an HMAC)
    apollo = await startServedSubgraph(loyaltySubgraph, { env: { ...tlsEnv, ROUTER_TRUST: 'mtls' } });
    const { kind: _kind, ...user } = { ...IDENTITIES.Supervisor, sessionId: SESSION };
    token = (await issueAccessToken(user, developmentTokenSettings())).token;
  }, 120_000);
  afterAll(async () => {
    await hive?.stop();
    await apollo?.stop();
    await redis?.stop();
    pki?.remove();
  });

  /** A real TLS client: optionally presenting a client certificate, always checking the subgraph's. */
  function send(
    target: ServedSubgraph,
    options: { client?: 'router' | 'rogue' | null; headers?: Record<string, string>; body?: string } = {},
  ): Promise<Answer> {
    const pair =
      options.client === undefined ? pki.files.router : options.client ? pki.files[options.client] : null;
    const url = new URL(target.running.url);
    const body = options.body ?? QUERY;
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          ca: pki.read(pki.files.serverCa),
          ...(pair ? { cert: pki.read(pair.cert), key: pki.read(pair.key) } : {}),
          headers: { 'content-type': 'application/json', ...options.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const parsed = JSON.parse(Buffer.concat(chunks).toString()) as {
              data?: unknown;
              errors?: { extensions?: { code?: string } }[];
            };
            resolve({
              status: res.statusCode!,
              code: parsed.errors?.[0]?.extensions?.code,
              data: parsed.data ?? null,
            });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const asRouter = (
    aud = 'loyalty',
    overrides: { sub?: string; sid?: string; ttlSeconds?: number } = {},
  ) => ({
    authorization: `Bearer ${token}`,
    [ROUTER_SIGNATURE_HEADER]: signRouterRequest(SECRET, {
      aud,
      sub: IDENTITIES.Supervisor.userId,
      sid: SESSION,
      ...overrides,
    }),
  });
  const refused = [401, 'UNAUTHENTICATED', null];
  const outcome = (a: Answer) => [a.status, a.code, a.data];

  it('serves the router: its client certificate, its signature and the user token verified against the JWKS', async () => {
    const answer = await send(hive, { headers: asRouter() });
    expect(answer.code).toBeUndefined();
    expect(answer.data).toEqual({ members: { totalCount: expect.any(Number) } });
  });

  it('refuses a caller without the router client certificate, or with one from another CA', async () => {
    expect(outcome(await send(hive, { client: null, headers: asRouter() }))).toEqual(refused);
    expect(outcome(await send(hive, { client: 'rogue', headers: asRouter() }))).toEqual(refused);
    expect(
      outcome(await send(apollo, { client: null, headers: { authorization: `Bearer ${token}` } })),
    ).toEqual(refused);
  });

  it('refuses a captured signature replayed, or made for another subgraph, user or lifetime', async () => {
    const headers = asRouter();
    expect((await send(hive, { headers })).code).toBeUndefined();
    expect(outcome(await send(hive, { headers }))).toEqual(refused);
    expect(outcome(await send(hive, { headers: asRouter('gaming') }))).toEqual(refused);
    expect(
      outcome(await send(hive, { headers: asRouter('loyalty', { sub: IDENTITIES.SuperAdmin.userId }) })),
    ).toEqual(refused);
    expect(
      outcome(await send(hive, { headers: asRouter('loyalty', { ttlSeconds: 10 * 365 * 86_400 }) })),
    ).toEqual(refused);
    const forged = {
      ...asRouter(),
      [ROUTER_SIGNATURE_HEADER]: signRouterRequest('x'.repeat(40), { aud: 'loyalty' }),
    };
    expect(outcome(await send(hive, { headers: forged }))).toEqual(refused);
    expect(outcome(await send(hive, { headers: { authorization: `Bearer ${token}` } }))).toEqual(refused);
  });

  it('with the certificate alone (Apollo Router), the user token decides who is asking', async () => {
    const answer = await send(apollo, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.data).toEqual({ members: { totalCount: expect.any(Number) } });
    const anonymous = await send(apollo);
    expect(anonymous.code).toBe('UNAUTHENTICATED');
    const forgedToken = `${token.slice(0, -4)}AAAA`;
    expect(outcome(await send(apollo, { headers: { authorization: `Bearer ${forgedToken}` } }))).toEqual(
      refused,
    );
  });

  it('still accepts the gateway and services, whose request credentials need no client certificate', async () => {
    const credential = await signRequestCredential(developmentSigner('gateway'), {
      identity: IDENTITIES.Supervisor,
      audience: 'loyalty',
      body: QUERY,
    });
    const answer = await send(hive, { client: null, headers: { [REQUEST_CREDENTIAL_HEADER]: credential } });
    expect(answer.data).toEqual({ members: { totalCount: expect.any(Number) } });
  });

  it('refuses a revoked session within the poll interval', async () => {
    // what compliance does when the session ends
    const client = connectRedis(redis.url);
    await new RedisRevocationFeed(client, 900_000).publish([{ sessionId: SESSION, revokedAt: new Date() }]);
    await client.quit();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(outcome(await send(apollo, { headers: { authorization: `Bearer ${token}` } }))).toEqual(refused);
    expect(outcome(await send(hive, { headers: asRouter() }))).toEqual(refused);
  });
});
