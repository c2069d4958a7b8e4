import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import type { DocumentNode } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { parse, validate } from 'graphql';
import type { RunningGateway } from '@casino/gateway';
import { CLIENTS_DIR, clientApps, generateClientManifest, manifestPath } from '../clients/manifest';
import { loadApiSchema } from './support/api-schema';
import { startRedisServer } from '@casino/testing';
import type { RedisServer } from '@casino/testing';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function graphqlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.graphql'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

const floorAppOperation = (file: string): DocumentNode =>
  parse(readFileSync(path.join(CLIENTS_DIR, 'floor-app', 'operations', file), 'utf8'));

interface Manifest {
  format: string;
  version: number;
  operations: { id: string; name: string; type: string; body: string }[];
}
const committedManifest = (app: string): Manifest => JSON.parse(readFileSync(manifestPath(app), 'utf8'));

describe('the floor app’s operations', () => {
  const schema = loadApiSchema();

  it.each(graphqlFiles(CLIENTS_DIR).map((file) => [path.relative(CLIENTS_DIR, file), file]))(
    '%s is one named operation valid against the composed API schema',
    (_name, file) => {
      const document = parse(readFileSync(file, 'utf8'));
      expect(validate(schema, document)).toEqual([]);
      const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition');
      expect(operations).toHaveLength(1);
      expect(operations[0]!.name?.value).toMatch(/^Floor[A-Z]\w+$/);
    },
  );

  it('covers what supervisors do on the floor', () => {
    const names = committedManifest('floor-app').operations.map((o) => o.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'FloorSignIn',
        'FloorMemberLookup',
        'FloorMemberDetails',
        'FloorStartGamingSession',
        'FloorEndGamingSession',
        'FloorRedeemReward',
        'FloorRecordSelfExclusion',
        'FloorNotificationsInbox',
        'FloorMarkNotificationRead',
        'FloorRegisterWalkInGuest',
      ]),
    );
  });

  it.each(clientApps().map((app) => [app]))(
    'the committed manifest of %s is what `pnpm pq:manifest` generates now',
    async (app) => {
      const committed = committedManifest(app);
      expect(committed.format).toBe('apollo-persisted-query-manifest');
      expect(committed.version).toBe(1);
      expect(await generateClientManifest(app)).toEqual(committed);
      for (const operation of committed.operations) {
        expect(operation.id).toBe(sha256(operation.body));
        expect(validate(schema, parse(operation.body))).toEqual([]);
      }
    },
  );
});

interface SentRequest {
  query?: string;
  extensions?: { persistedQuery?: { sha256Hash: string } };
}

/** The mobile client as the app builds it: APQ link (sha256) in front of an HttpLink on node's fetch. */
function floorClient(url: string, token?: string) {
  const sent: SentRequest[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    sent.push(JSON.parse(String(init?.body)) as SentRequest);
    return fetch(input, init);
  };
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      new PersistedQueryLink({ sha256 }),
      new HttpLink({
        uri: url,
        fetch: recordingFetch,
        headers: {
          'apollographql-client-name': 'floor-app',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      }),
    ]),
  });
  return { client, sent };
}

async function run(
  client: ApolloClient,
  query: DocumentNode,
  variables: Record<string, unknown> = {},
): Promise<{ data: Record<string, unknown> | undefined; codes: string[] }> {
  const isMutation = query.definitions.some(
    (d) => d.kind === 'OperationDefinition' && d.operation === 'mutation',
  );
  const result = isMutation
    ? await client.mutate({ mutation: query, variables, errorPolicy: 'all' })
    : await client.query({ query, variables, errorPolicy: 'all', fetchPolicy: 'no-cache' });
  const errors = CombinedGraphQLErrors.is(result.error) ? result.error.errors : [];
  if (result.error && !CombinedGraphQLErrors.is(result.error)) throw result.error;
  return {
    data: (result.data ?? undefined) as Record<string, unknown> | undefined,
    codes: errors.map((e) => String(e.extensions?.code)),
  };
}

const SIGN_IN = floorAppOperation('sign-in.graphql');
const MEMBER_LOOKUP = floorAppOperation('member-lookup.graphql');
const MEMBER_DETAILS = floorAppOperation('member-details.graphql');
const RECORD_SELF_EXCLUSION = floorAppOperation('record-self-exclusion.graphql');
/** Not in any manifest: what an analyst might type. */
const ADHOC = parse('query AnalystMemberCount { members(first: 1) { totalCount } }');
const ADHOC_TEXT = 'query AnalystMemberCount { members(first: 1) { totalCount } }';

function gatewayAt(stack: TestStack, env: Record<string, string>): Promise<RunningGateway> {
  return stack.startGateway({ env });
}

async function post(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return {
    status: response.status,
    data: json.data,
    codes: (json.errors ?? []).map((e) => e.extensions?.code),
  };
}

const byHash = (text: string) => ({
  extensions: { persistedQuery: { version: 1, sha256Hash: sha256(text) } },
});

describe('persisted queries through the gateway', () => {
  let stack: TestStack;
  let safelist: RunningGateway;
  let memberNumber: string;
  let supervisorToken: string;
  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 2 });
    safelist = await gatewayAt(stack, { PERSISTED_QUERIES: 'safelist' });
    const page = await stack.query<{ members: { edges: { node: { memberNumber: string } }[] } }>(
      '{ members(first: 1) { edges { node { memberNumber } } } }',
      {},
      { as: IDENTITIES.Manager },
    );
    memberNumber = page.data!.members.edges[0]!.node.memberNumber;
    const { client } = floorClient(stack.gateway.url);
    const signedIn = await run(client, SIGN_IN, { username: 'supervisor', password: 'demo-password-2026' });
    supervisorToken = (signedIn.data!.login as { token: string }).token;
  }, 180_000);
  afterAll(async () => {
    await safelist?.stop();
    await stack?.stop();
  });

  describe('apq mode (the default)', () => {
    it('the app’s operations run by hash alone: the manifest is known before any registration', async () => {
      const { client, sent } = floorClient(stack.gateway.url, supervisorToken);
      const lookup = await run(client, MEMBER_LOOKUP, { memberNumber });
      expect(lookup.codes).toEqual([]);
      const member = (lookup.data!.members as { edges: { node: { id: string; memberNumber: string } }[] })
        .edges[0]!.node;
      expect(member.memberNumber).toBe(memberNumber);
      const details = await run(client, MEMBER_DETAILS, { id: member.id });
      expect(details.codes).toEqual([]);
      expect(details.data!.member).toMatchObject({ id: member.id, pointsBalance: expect.any(Number) });
      expect(sent).toHaveLength(2);
      for (const request of sent) {
        expect(request.query).toBeUndefined();
        expect(request.extensions?.persistedQuery?.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
      }
    });

    it('an unknown operation is registered on first use (not found, then sent in full), then runs by hash', async () => {
      const first = floorClient(stack.gateway.url, supervisorToken);
      const result = await run(first.client, ADHOC);
      expect(result.codes).toEqual([]);
      expect(result.data!.members).toMatchObject({ totalCount: expect.any(Number) });
      expect(first.sent.map((r) => r.query === undefined)).toEqual([true, false]);
      // what the client registered: its cache adds __typename before hashing
      const again = await post(stack.gateway.url, byHash(first.sent[1]!.query!), supervisorToken);
      expect(again.codes).toEqual([]);
      expect(again.data).toMatchObject({ members: { totalCount: expect.any(Number) } });
    });
  });

  describe('safelist mode', () => {
    it('the app runs its registered operations by id', async () => {
      const { client, sent } = floorClient(safelist.url, supervisorToken);
      const lookup = await run(client, MEMBER_LOOKUP, { memberNumber });
      expect(lookup.codes).toEqual([]);
      expect(lookup.data!.members).toMatchObject({ edges: [{ node: { memberNumber } }] });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.query).toBeUndefined();
    });

    it('a supervisor records a self-exclusion with its length through the app', async () => {
      const { client } = floorClient(safelist.url, supervisorToken);
      const lookup = await run(client, MEMBER_LOOKUP, { memberNumber });
      const member = (lookup.data!.members as { edges: { node: { id: string } }[] }).edges[0]!.node;
      const recorded = await run(client, RECORD_SELF_EXCLUSION, {
        memberId: member.id,
        length: 'ONE_YEAR',
        reason: 'Asked at the cage to be excluded',
      });
      expect(recorded.codes).toEqual([]);
      expect(recorded.data!.recordSelfExclusion).toMatchObject({
        length: 'ONE_YEAR',
        endsAt: expect.any(String),
        member: { id: member.id, selfExcluded: true },
      });
    });

    it('signing in through the app works anonymously (the sign-in is registered)', async () => {
      const { client } = floorClient(safelist.url);
      const signedIn = await run(client, SIGN_IN, { username: 'supervisor', password: 'demo-password-2026' });
      expect(signedIn.codes).toEqual([]);
      expect(signedIn.data!.login).toMatchObject({ token: expect.any(String) });
    });

    it('a registered operation sent as text runs, however it is formatted', async () => {
      const body = committedManifest('floor-app').operations.find(
        (o) => o.name === 'FloorMemberLookup',
      )!.body;
      const reformatted = body.replace(/\s+/g, ' ');
      expect(sha256(reformatted)).not.toBe(sha256(body));
      const result = await post(
        safelist.url,
        { query: reformatted, variables: { memberNumber } },
        supervisorToken,
      );
      expect(result.codes).toEqual([]);
      expect(result.status).toBe(200);
    });

    it('refuses an unregistered operation by text, by id and as an APQ registration', async () => {
      const asText = await post(safelist.url, { query: ADHOC_TEXT }, supervisorToken);
      expect(asText).toMatchObject({ status: 400, codes: ['PERSISTED_QUERY_NOT_IN_LIST'] });
      expect(asText.data ?? null).toBeNull();

      const unknownId = await post(safelist.url, byHash(`${ADHOC_TEXT} `), supervisorToken);
      expect(unknownId).toMatchObject({ status: 400, codes: ['PERSISTED_QUERY_NOT_IN_LIST'] });

      const registration = await post(
        safelist.url,
        { query: ADHOC_TEXT, ...byHash(ADHOC_TEXT) },
        supervisorToken,
      );
      expect(registration).toMatchObject({ status: 400, codes: ['PERSISTED_QUERY_NOT_IN_LIST'] });
      const afterRegistration = await post(safelist.url, byHash(ADHOC_TEXT), supervisorToken);
      expect(afterRegistration).toMatchObject({ status: 400, codes: ['PERSISTED_QUERY_NOT_IN_LIST'] });

      // the real client gets the refusal too, and does not get to register it
      const { client, sent } = floorClient(safelist.url, supervisorToken);
      expect((await run(client, ADHOC)).codes).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
      expect(sent).toHaveLength(1);

      const anonymous = await post(safelist.url, { query: ADHOC_TEXT });
      expect(anonymous.codes).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    });

    it('an analyst with operations:adhoc, or a Manager, runs ad-hoc operations, which are never registered', async () => {
      const analyst = await stack.tokenFor({ ...IDENTITIES.Supervisor, permissions: ['operations:adhoc'] });
      const byAnalyst = await post(safelist.url, { query: ADHOC_TEXT, ...byHash(ADHOC_TEXT) }, analyst);
      expect(byAnalyst).toMatchObject({ status: 200, codes: [] });
      expect(byAnalyst.data).toEqual({ members: { totalCount: expect.any(Number) } });

      const manager = await stack.tokenFor(IDENTITIES.Manager);
      const byManager = await post(safelist.url, { query: ADHOC_TEXT }, manager);
      expect(byManager).toMatchObject({ status: 200, codes: [] });

      // the analyst's APQ registration did not put it on the list for anyone else
      const bySupervisor = await post(safelist.url, byHash(ADHOC_TEXT), supervisorToken);
      expect(bySupervisor.codes).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
      // the analyst's own APQ client is told to send the text, which then runs
      const analystByHash = await post(safelist.url, byHash(ADHOC_TEXT), analyst);
      expect(analystByHash.codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    });

    it('analysts can still sign in from Sandbox with a query of their own', async () => {
      const result = await post(safelist.url, {
        query: 'mutation { login(input: { username: "manager", password: "demo-password-2026" }) { token } }',
      });
      expect(result.codes).toEqual([]);
    });
  });

  describe('off', () => {
    let off: RunningGateway;
    beforeAll(async () => {
      off = await gatewayAt(stack, { PERSISTED_QUERIES: 'off' });
    });
    afterAll(() => off?.stop());

    it('refuses persisted queries and runs plain ones', async () => {
      const id = await post(off.url, byHash(ADHOC_TEXT), supervisorToken);
      expect(id.codes).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
      const text = await post(off.url, { query: ADHOC_TEXT }, supervisorToken);
      expect(text.codes).toEqual([]);
    });
  });

  describe('with REDIS_URL the replicas share registrations', () => {
    let redis: RedisServer;
    let a: RunningGateway;
    let b: RunningGateway;
    beforeAll(async () => {
      redis = await startRedisServer();
      a = await gatewayAt(stack, { REDIS_URL: redis.url });
      b = await gatewayAt(stack, { REDIS_URL: redis.url });
    });
    afterAll(async () => {
      await a?.stop();
      await b?.stop();
      await redis?.stop();
    });

    /** Apollo writes a registration without awaiting it: allow the write a moment to land. */
    async function registeredAt(url: string, text: string) {
      for (let attempt = 0; ; attempt++) {
        const result = await post(url, byHash(text), supervisorToken);
        if (result.codes[0] !== 'PERSISTED_QUERY_NOT_FOUND' || attempt === 20) return result;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }

    it('an operation registered at one replica runs by hash at the other', async () => {
      const text = 'query ReplicaShared { members(first: 2) { totalCount } }';
      const { client, sent } = floorClient(a.url, supervisorToken);
      expect((await run(client, parse(text))).codes).toEqual([]);
      expect(sent.map((r) => r.query === undefined)).toEqual([true, false]);
      const { sha256Hash } = sent[0]!.extensions!.persistedQuery!;
      expect(sha256Hash).toBe(sha256(sent[1]!.query!));
      const atB = await registeredAt(b.url, sent[1]!.query!);
      expect(atB.codes).toEqual([]);
      expect(atB.data).toMatchObject({ members: { totalCount: expect.any(Number) } });
    });

    it('B does not know a hash until A registers it', async () => {
      const text = 'query ReplicaRaw { members(first: 3) { totalCount } }';
      expect((await post(b.url, byHash(text), supervisorToken)).codes).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
      expect((await post(a.url, { query: text, ...byHash(text) }, supervisorToken)).codes).toEqual([]);
      expect((await registeredAt(b.url, text)).codes).toEqual([]);
    });
  });
});
