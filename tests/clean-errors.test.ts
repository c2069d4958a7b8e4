import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '@casino/logger';
import { startProductionGateway } from './support/production-gateway';
import type { ProductionGateway } from './support/production-gateway';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

interface Answer {
  status: number;
  contentType: string | null;
  text: string;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  } | null;
}

async function send(url: string, init: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: Answer['body'] = null;
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = null;
  }
  return { status: response.status, contentType: response.headers.get('content-type'), text, body };
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

/** What a client can rely on: the status, the codes, and that no HTML or stack trace ever comes back. */
function shape(answer: Answer): [number, unknown[] | undefined] {
  expect(answer.contentType).toMatch(/^application\/(graphql-response\+)?json/);
  expect(answer.text).not.toMatch(/<html|<pre|\bat [\w.<>]+ \(|node_modules|\.ts:\d+/i);
  return [answer.status, answer.body?.errors?.map((e) => e.extensions?.code)];
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('clean errors from the gateway', () => {
  let stack: TestStack;
  let production: ProductionGateway;
  const logLines: string[] = [];
  const productionLogLines: string[] = [];
  const writable = (lines: string[]) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });

  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 2, logDestination: writable(logLines) });
    production = await startProductionGateway(stack, {
      logger: createLogger({ name: 'gateway', level: 'info', destination: writable(productionLogLines) }),
    });
  }, 180_000);
  afterAll(async () => {
    await production?.gateway.stop();
    await stack?.stop();
  });

  const modes = () =>
    [
      ['development', stack.gateway.url],
      ['production', production.gateway.url],
    ] as const;

  describe.each(['development', 'production'] as const)('in %s', (mode) => {
    const url = () => (mode === 'development' ? stack.gateway.url : production.gateway.url);

    it('answers a malformed JSON body with BAD_REQUEST 400', async () => {
      expect(shape(await post(url(), '{"query": "{ __typename }"'))).toEqual([400, ['BAD_REQUEST']]);
    });

    it('answers a body of the wrong content type with BAD_REQUEST 400', async () => {
      const answer = await post(url(), JSON.stringify({ query: '{ __typename }' }), {
        'content-type': 'text/plain',
        'apollo-require-preflight': 'true',
      });
      expect(shape(answer)).toEqual([400, ['BAD_REQUEST']]);
      const xml = await post(url(), '<query/>', { 'content-type': 'application/xml' });
      expect(shape(xml)).toEqual([400, ['BAD_REQUEST']]);
    });

    it('answers a body over the limit (1 MB) with PAYLOAD_TOO_LARGE 413', async () => {
      const big = JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(1_100_000) } });
      expect(shape(await post(url(), big))).toEqual([413, ['PAYLOAD_TOO_LARGE']]);
    });

    it('answers an unknown path with NOT_FOUND 404 in JSON', async () => {
      const answer = await send(new URL('/no-such-page', url()).toString(), { method: 'GET' });
      expect(shape(answer)).toEqual([404, ['NOT_FOUND']]);
    });

    it('answers an unknown operationName with 400, not 500', async () => {
      const answer = await post(
        url(),
        JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }),
      );
      const [status, codes] = shape(answer);
      expect(status).toBe(400);
      expect(codes).toEqual([expect.stringMatching(/^(BAD_REQUEST|GRAPHQL_VALIDATION_FAILED)$/)]);
    });

    it('answers a subscription over HTTP with 400, not 500', async () => {
      const answer = await post(url(), JSON.stringify({ query: 'subscription { __typename }' }));
      const [status, codes] = shape(answer);
      expect(status).toBe(400);
      expect(codes).toEqual([expect.stringMatching(/^(BAD_REQUEST|GRAPHQL_VALIDATION_FAILED)$/)]);
    });

    it('answers two anonymous operations with 400, not 500', async () => {
      const answer = await post(url(), JSON.stringify({ query: '{ __typename } { __typename }' }));
      const [status, codes] = shape(answer);
      expect(status).toBe(400);
      expect(new Set(codes)).toEqual(new Set(['GRAPHQL_VALIDATION_FAILED']));
    });

    it('answers APQ problems with their codes: unknown hash, unsupported version, hash mismatch', async () => {
      const query = '{ __typename }';
      const apq = (sha: string, version: number, withQuery: boolean) =>
        post(
          url(),
          JSON.stringify({
            ...(withQuery ? { query } : {}),
            extensions: { persistedQuery: { version, sha256Hash: sha } },
          }),
        );
      expect(shape(await apq(sha256(`${query} `), 1, false))).toEqual([
        expect.any(Number),
        ['PERSISTED_QUERY_NOT_FOUND'],
      ]);
      expect(shape(await apq(sha256(query), 2, true))).toEqual([400, ['BAD_REQUEST']]);
      expect(shape(await apq(sha256('{ other }'), 1, true))).toEqual([400, ['BAD_REQUEST']]);
    });
  });

  it('gives "Did you mean" suggestions in development only', async () => {
    const typo = '{ membrs(first: 1) { totalCount } }';
    const dev = await post(stack.gateway.url, JSON.stringify({ query: typo }));
    expect(shape(dev)).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
    expect(dev.body?.errors?.[0]?.message).toMatch(/Did you mean "members"/);
    const token = await production.tokenFor(IDENTITIES.SuperAdmin);
    const prod = await post(production.gateway.url, JSON.stringify({ query: typo }), {
      authorization: `Bearer ${token}`,
    });
    expect(shape(prod)).toEqual([400, ['GRAPHQL_VALIDATION_FAILED']]);
    expect(prod.body?.errors?.[0]?.message).toBe('Cannot query field "membrs" on type "Query".');
    // nor in a variable's value, which is coerced outside validation
    const enumTypo = await post(
      production.gateway.url,
      JSON.stringify({
        query: 'query ($tier: Tier) { members(first: 1, filter: { tier: $tier }) { totalCount } }',
        variables: { tier: 'VIPP' },
      }),
      { authorization: `Bearer ${token}` },
    );
    const [, codes] = shape(enumTypo);
    expect(codes).toEqual(['BAD_USER_INPUT']);
    expect(enumTypo.text).not.toMatch(/Did you mean/);
  });

  it('clips client-supplied names in the request log to 100 characters', async () => {
    const longName = `Op${'x'.repeat(5000)}`;
    const clientName = `client-${'y'.repeat(5000)}`;
    for (const [, url] of modes()) {
      await post(
        url,
        JSON.stringify({ query: `query ${longName} { __typename }`, operationName: longName }),
        {
          'apollographql-client-name': clientName,
        },
      );
    }
    for (const lines of [logLines, productionLogLines]) {
      const line = lines
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => typeof l.operationName === 'string' && l.operationName.startsWith('Opxxx'));
      expect(line).toBeDefined();
      expect(String(line!.operationName).length).toBeLessThanOrEqual(101);
      expect(String(line!.clientName).length).toBeLessThanOrEqual(101);
      expect(lines.join('\n')).not.toContain('x'.repeat(200));
      expect(lines.join('\n')).not.toContain('y'.repeat(200));
    }
  });

  describe('a subgraph that is down', () => {
    beforeAll(async () => {
      await stack.stopSubgraph('gaming');
    }, 30_000);
    afterAll(async () => {
      await stack.startSubgraphAgain('gaming');
    }, 30_000);

    it('leaves its fields null with SERVICE_UNAVAILABLE and their path, and the rest of the data', async () => {
      const answer = await stack.query(
        '{ members(first: 2) { edges { node { memberNumber segments playStats { sessionCount } theo: averageDailyTheo } } } }',
        undefined,
        { as: IDENTITIES.SuperAdmin },
      );
      expect(answer.status).toBe(200);
      const nodes = (
        answer.data as { members: { edges: { node: Record<string, unknown> }[] } }
      ).members.edges.map((e) => e.node);
      expect(nodes).toHaveLength(2);
      for (const node of nodes) {
        // loyalty's and marketing's parts survive; gaming's are null
        expect(node).toEqual({
          memberNumber: expect.any(String),
          segments: expect.any(Array),
          playStats: null,
          theo: null,
        });
      }
      const located = (answer.errors ?? []).map((e) => [e.extensions?.code, (e.path ?? []).join('.')]).sort();
      expect(located).toEqual([
        ['SERVICE_UNAVAILABLE', 'members.edges.0.node.playStats'],
        ['SERVICE_UNAVAILABLE', 'members.edges.0.node.theo'],
        ['SERVICE_UNAVAILABLE', 'members.edges.1.node.playStats'],
        ['SERVICE_UNAVAILABLE', 'members.edges.1.node.theo'],
      ]);
      expect(JSON.stringify(answer.errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|fetch failed|localhost/);
      // the operator still learns which subgraph failed, from the gateway's log
      expect(logLines.some((l) => /"subgraph":"gaming".*subgraph unreachable/.test(l))).toBe(true);
    });

    it('answers a query only that subgraph serves with SERVICE_UNAVAILABLE too, never INTERNAL_SERVER_ERROR', async () => {
      const answer = await stack.query('{ gameTypes(first: 1) { __typename } }', undefined, {
        as: IDENTITIES.SuperAdmin,
      });
      expect(answer.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(answer.errors?.[0]?.path).toEqual(['gameTypes']);
    });
  });
});
