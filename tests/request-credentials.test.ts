import { SignJWT } from 'jose';
import { REQUEST_CREDENTIAL_HEADER, ServiceClient, bodyHash, developmentSigner } from '@casino/auth';
import type { RunningGateway } from '@casino/gateway';
import { loyaltySubgraph } from '@casino/loyalty';
import { startCaptureProxy } from './support/capture-proxy';
import type { CaptureProxy, CapturedRequest } from './support/capture-proxy';
import { startRedisServer } from '@casino/testing';
import type { RedisServer } from '@casino/testing';
import { IDENTITIES, startTestStack, tokenFor } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';
import { startServedSubgraph } from '@casino/testing';

const TTL_SECONDS = 2;
const MEMBERS = '{ members(first: 2) { totalCount edges { node { id pointsBalance } } } }';

interface Answer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] };
}

/** Sends a captured request again, optionally with another body or to another URL: what an attacker does. */
async function replay(
  captured: CapturedRequest,
  change: { body?: string; url?: string } = {},
): Promise<Answer> {
  const { host: _h, 'content-length': _l, connection: _c, ...headers } = captured.headers;
  const response = await fetch(change.url ?? captured.url, {
    method: 'POST',
    headers,
    body: change.body ?? captured.body,
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const refused = (answer: Answer) => [
  answer.status,
  answer.body.errors?.[0]?.extensions?.code,
  answer.body.data ?? null,
];

describe('gateway → subgraph credentials cannot be reused', () => {
  let stack: TestStack;
  let gateway: RunningGateway;
  let toLoyalty: CaptureProxy;
  let supervisorToken: string;

  beforeAll(async () => {
    stack = await startTestStack({
      seedMembers: 3,
      env: { REQUEST_CREDENTIAL_TTL_SECONDS: String(TTL_SECONDS) },
    });
    // a second gateway whose traffic to loyalty crosses a recording proxy: the wire an attacker taps
    toLoyalty = await startCaptureProxy(stack.subgraphs.loyalty.url);
    gateway = await stack.startGateway({
      env: { REQUEST_CREDENTIAL_TTL_SECONDS: String(TTL_SECONDS) },
      subgraphUrls: { loyalty: toLoyalty.url },
    });
    supervisorToken = await tokenFor(IDENTITIES.Supervisor);
  }, 180_000);
  afterAll(async () => {
    await gateway?.stop();
    await toLoyalty?.stop();
    await stack?.stop();
  });

  async function captureOne(): Promise<CapturedRequest> {
    toLoyalty.captured.length = 0;
    const result = await stack.query(MEMBERS, {}, { url: gateway.url, token: supervisorToken });
    expect(result.errors).toBeUndefined();
    expect(toLoyalty.captured).toHaveLength(1);
    return toLoyalty.captured[0]!;
  }

  it('a captured credential is refused a second time, with the same body', async () => {
    const captured = await captureOne();
    expect(captured.headers[REQUEST_CREDENTIAL_HEADER]).toBeDefined();
    expect(refused(await replay(captured))).toEqual([401, 'UNAUTHENTICATED', null]);
  });

  it('a credential held back before use works once for its own request only, never for another body', async () => {
    toLoyalty.forwarding = false;
    const held = await (async () => {
      toLoyalty.captured.length = 0;
      await stack.query(MEMBERS, {}, { url: gateway.url, token: supervisorToken });
      return toLoyalty.captured[0]!;
    })();
    toLoyalty.forwarding = true;
    const forged = JSON.stringify({
      query: 'mutation { adjustPoints(input: { memberId: "x", points: 100000, reason: "replayed" }) { id } }',
    });
    expect(refused(await replay(held, { body: forged }))).toEqual([401, 'UNAUTHENTICATED', null]);
    // the request it was made for: its one use, with exactly that body
    const once = await replay(held);
    expect(once.status).toBe(200);
    expect(once.body.errors).toBeUndefined();
    expect(refused(await replay(held))).toEqual([401, 'UNAUTHENTICATED', null]);
  });

  it('a credential made for loyalty is refused by every other subgraph', async () => {
    toLoyalty.forwarding = false;
    toLoyalty.captured.length = 0;
    await stack.query(MEMBERS, {}, { url: gateway.url, token: supervisorToken });
    toLoyalty.forwarding = true;
    const held = toLoyalty.captured[0]!;
    for (const name of ['gaming', 'workforce', 'marketing', 'compliance'] as const) {
      const answer = await replay(held, { url: stack.subgraphs[name].url });
      expect([name, ...refused(answer)]).toEqual([name, 401, 'UNAUTHENTICATED', null]);
    }
  });

  it('an unused credential is refused once its lifetime has passed', async () => {
    toLoyalty.forwarding = false;
    toLoyalty.captured.length = 0;
    await stack.query(MEMBERS, {}, { url: gateway.url, token: supervisorToken });
    toLoyalty.forwarding = true;
    const held = toLoyalty.captured[0]!;
    // lifetime plus the verifier's clock tolerance (2 s)
    await new Promise((resolve) => setTimeout(resolve, (TTL_SECONDS + 2.5) * 1000));
    expect(refused(await replay(held))).toEqual([401, 'UNAUTHENTICATED', null]);
  });

  it('no credential lives longer than the configured lifetime, whatever its claims say', async () => {
    const body = JSON.stringify({ query: MEMBERS, variables: {} });
    const now = Math.floor(Date.now() / 1000);
    const longLived = await new SignJWT({ bh: bodyHash(body), idn: IDENTITIES.SuperAdmin })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'casino-request+jwt', kid: 'gateway' })
      .setIssuer('gateway')
      .setAudience('loyalty')
      .setIssuedAt(now)
      .setExpirationTime(Date.UTC(2036, 0, 1) / 1000)
      .setJti('long-lived-1')
      .sign(developmentSigner('gateway').key);
    const answer = await replay({
      url: stack.subgraphs.loyalty.url,
      headers: { 'content-type': 'application/json', [REQUEST_CREDENTIAL_HEADER]: longLived },
      body,
    });
    expect(refused(answer)).toEqual([401, 'UNAUTHENTICATED', null]);
  });

  it('a service credential captured between subgraphs cannot be turned into a points credit or a forged audit entry', async () => {
    const toOwner = await startCaptureProxy(stack.subgraphs.loyalty.url);
    try {
      // gaming's own client, as it calls loyalty (the same signing code and key)
      const gamingClient = new ServiceClient({
        url: toOwner.url,
        target: 'loyalty',
        signer: developmentSigner('gaming'),
      });
      await gamingClient.request('{ __typename }').catch(() => undefined);
      const captured = toOwner.captured[0]!;
      const members = await stack.query<{
        members: { edges: { node: { id: string; pointsBalance: number } }[] };
      }>(MEMBERS, {}, { as: IDENTITIES.SuperAdmin });
      const member = members.data!.members.edges[0]!.node;
      const mint = JSON.stringify({
        query: `mutation { creditGamingSession(input: { memberId: "${member.id}", sessionId: "6f1c4a52-3b7e-4f0e-9d1a-2c5b8e7f9a01", theo: "5000000.00", pointsRate: 1, endedAt: "2026-11-01T00:00:00.000Z" }) { pointsEarned } }`,
      });
      expect(refused(await replay(captured, { body: mint }))).toEqual([401, 'UNAUTHENTICATED', null]);
      const audit = JSON.stringify({
        query: 'mutation { recordAuditEvents(events: []) }',
      });
      expect(refused(await replay(captured, { body: audit, url: stack.subgraphs.compliance.url }))).toEqual([
        401,
        'UNAUTHENTICATED',
        null,
      ]);
      const after = await stack.query<{
        members: { edges: { node: { id: string; pointsBalance: number } }[] };
      }>(MEMBERS, {}, { as: IDENTITIES.SuperAdmin });
      expect(after.data!.members.edges[0]!.node.pointsBalance).toBe(member.pointsBalance);
    } finally {
      await toOwner.stop();
    }
  });
});

describe('with REDIS_URL, replicas share the one-time ids', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis?.stop());

  /** Two loyalty replicas on one database; a credential captured on its way to A is replayed to B. */
  async function replayAcrossReplicas(env: Record<string, string>): Promise<Answer> {
    const a = await startServedSubgraph(loyaltySubgraph, { env });
    const b = await startServedSubgraph(loyaltySubgraph, {
      env: { ...env, MONGODB_DATABASE: a.env.MONGODB_DATABASE, ...keysOf(a.env) },
    });
    const toA = await startCaptureProxy(a.running.url);
    try {
      const client = new ServiceClient({
        url: toA.url,
        target: 'loyalty',
        signer: developmentSigner('gateway'),
      });
      await client.request('{ __typename }').catch(() => undefined);
      expect(toA.captured).toHaveLength(1);
      return await replay(toA.captured[0]!, { url: b.running.url });
    } finally {
      await toA.stop();
      await b.running.stop();
      await a.stop();
    }
  }

  const keysOf = (env: Record<string, unknown>) =>
    Object.fromEntries(
      ['DATA_ENCRYPTION_KEYS', 'DATA_ENCRYPTION_KEY_ID', 'BLIND_INDEX_KEY'].map((k) => [k, String(env[k])]),
    );

  it('a credential used at one replica is refused at the other', async () => {
    expect(refused(await replayAcrossReplicas({ REDIS_URL: redis.url }))).toEqual([
      401,
      'UNAUTHENTICATED',
      null,
    ]);
  });

  it('without Redis each replica remembers only its own (why production sets REDIS_URL)', async () => {
    const answer = await replayAcrossReplicas({});
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });
});
