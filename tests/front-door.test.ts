import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { parseGatewayEnv, startGateway } from '@casino/gateway';
import type { RunningGateway } from '@casino/gateway';
import { createLogger } from '@casino/logger';
import { SUBGRAPH_NAMES } from '../scripts/stack';
import { IDENTITIES, startTestStack, tokenFor } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/** One exchange on the wire, with the headers that differ by nature (date, connection) left out. */
interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Express adds an ETag to every body it sends; the front door does not. */
  etag: boolean;
}

function exchange(url: string, body: string, headers: Record<string, string>): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const {
          date: _date,
          connection: _connection,
          'keep-alive': _keepAlive,
          etag: _etag,
          ...kept
        } = res.headers;
        const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        resolve({
          status: res.statusCode ?? 0,
          headers: kept,
          body: text.toString('utf8'),
          etag: res.headers.etag !== undefined,
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const ORIGIN = 'https://ops.casino.example';
const MEMBERS =
  'query Members($first: Int!) { members(first: $first) { edges { node { memberNumber tier } } } }';

/**
 * The front door (GraphQL POSTs on node:http ahead of Express) answers exactly as the Express route it stands
 * in for: same status, headers (but ETag, which Express adds to every body) and body, for each kind of request
 * the front door serves itself and for those it hands to Express.
 */
describe('the gateway front door', () => {
  let stack: TestStack;
  let front: RunningGateway;
  let express: RunningGateway;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 3 });
    const start = (frontDoor: boolean) =>
      startGateway({
        env: parseGatewayEnv({
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          HOST: '127.0.0.1',
          PORT: '0',
          CORS_ORIGINS: ORIGIN,
          COMPRESSION_THRESHOLD_BYTES: '100',
          RATE_LIMIT_PER_IP: '3',
          MAX_REQUEST_BODY_BYTES: '2000',
        }),
        logger: createLogger({ name: 'gateway', level: 'silent' }),
        subgraphUrls: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, stack.subgraphs[name].url])),
        frontDoor,
      });
    front = await start(true);
    express = await start(false);
    token = await tokenFor(IDENTITIES.SuperAdmin);
  }, 180_000);
  afterAll(async () => {
    await front?.stop();
    await express?.stop();
    await stack?.stop();
  });

  let address = 0;
  const json = { 'content-type': 'application/json' };
  const cases: [string, () => { body: string; headers: Record<string, string> }][] = [
    ['a query', () => ({ body: JSON.stringify({ query: '{ __typename }' }), headers: json })],
    [
      'a signed-in query across subgraphs, compressed for a client that takes gzip',
      () => ({
        body: JSON.stringify({ query: MEMBERS, variables: { first: 3 } }),
        headers: { ...json, authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' },
      }),
    ],
    [
      'an allowed origin, with its request id and client name',
      () => ({
        body: JSON.stringify({ query: '{ __typename }' }),
        headers: {
          'content-type': 'application/json; charset=utf-8',
          origin: ORIGIN,
          'x-request-id': 'req-123',
          'apollographql-client-name': 'ops-dashboard',
        },
      }),
    ],
    [
      'a foreign origin',
      () => ({
        body: JSON.stringify({ query: '{ __typename }' }),
        headers: { ...json, origin: 'https://evil.example' },
      }),
    ],
    ['a body that is not JSON', () => ({ body: '{"query": "{ __typename }"', headers: json })],
    ['JSON that is not an object', () => ({ body: '"{ __typename }"', headers: json })],
    ['a body over the limit', () => ({ body: JSON.stringify({ query: 'x'.repeat(3000) }), headers: json })],
    [
      'another content type',
      () => ({
        body: '{ __typename }',
        headers: { 'content-type': 'text/plain', 'apollo-require-preflight': '1' },
      }),
    ],
    [
      'a bad token',
      () => ({
        body: JSON.stringify({ query: '{ __typename }' }),
        headers: { ...json, authorization: 'Bearer nope' },
      }),
    ],
    [
      'an operation GraphQL refuses',
      () => ({ body: JSON.stringify({ query: '{ noSuchField }' }), headers: json }),
    ],
  ];

  /** The requests the front door serves itself; it hands the others to Express. */
  const served = new Set([
    'a query',
    'a signed-in query across subgraphs, compressed for a client that takes gzip',
    'an allowed origin, with its request id and client name',
    'a foreign origin',
    'a body that is not JSON',
    'JSON that is not an object',
    'a bad token',
    'an operation GraphQL refuses',
  ]);

  it.each(cases)('answers %s as the Express route does', async (name, make) => {
    // each pair of requests from an address of its own (X-Forwarded-For, trusted from loopback)
    address += 1;
    const { body, headers } = make();
    const forwarded = { ...headers, 'x-forwarded-for': `10.9.0.${address}` };
    const [viaFront, viaExpress] = await Promise.all([
      exchange(front.url, body, forwarded),
      exchange(express.url, body, forwarded),
    ]);
    if (!headers['x-request-id']) {
      expect(viaFront.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      viaFront.headers['x-request-id'] = viaExpress.headers['x-request-id'];
    }
    expect(viaExpress.etag).toBe(true);
    expect(viaFront.etag).toBe(!served.has(name));
    if (headers['accept-encoding']) expect(viaFront.headers['content-encoding']).toBe('gzip');
    expect({ ...viaFront, etag: null }).toEqual({ ...viaExpress, etag: null });
  });

  it('refuses an address over its budget as the Express route does', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const headers = { ...json, 'x-forwarded-for': '10.9.1.1' };
    const answers = async (url: string) => {
      const all: Exchange[] = [];
      for (let i = 0; i < 4; i++) all.push(await exchange(url, body, headers));
      return all;
    };
    const [viaFront, viaExpress] = [await answers(front.url), await answers(express.url)];
    expect(viaFront.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    for (const answers of [viaFront, viaExpress]) {
      for (const answer of answers) {
        delete answer.headers['x-request-id'];
        answer.etag = false;
      }
    }
    // the wait may differ by a second between the two
    for (const answer of [viaFront[3]!, viaExpress[3]!]) {
      delete answer.headers['retry-after'];
      answer.body = answer.body.replace(/"retryAfterSeconds":\d+/, '').replace(/\d+ s/g, '');
    }
    expect(viaFront).toEqual(viaExpress);
  });
});
