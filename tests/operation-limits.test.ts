import { readFileSync } from 'node:fs';
import { Kind, Lexer, Source, TokenKind, parse } from 'graphql';
import type { RunningGateway } from '@casino/gateway';
import { measureOperation } from '@casino/gateway/src/operation-limits';
import { manifestPath } from '../clients/manifest';
import { loadApiSchema } from './support/api-schema';
import { startCaptureProxy } from './support/capture-proxy';
import type { CaptureProxy } from './support/capture-proxy';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

/** The defaults (README): depth 15, aliases 30, root fields 20, tokens 10,000, cost 50,000. */
const DEFAULTS = { depth: 15, aliases: 30, rootFields: 20, tokens: 10_000, cost: 50_000 };

/** A member nested through its redemptions: the leaf sits at exactly `depth`. */
function nestedTo(depth: number): string {
  const path = ['member(id: "00000000-0000-4000-8000-000000000000")'];
  const cycle = ['redemptions(first: 1)', 'edges', 'node', 'member'];
  while (path.length < depth - 1) path.push(cycle[(path.length - 1) % cycle.length]!);
  const leaf = { member: 'id', redemptions: 'totalCount', edges: 'cursor', node: 'id' }[
    path.at(-1)!.replace(/\(.*/, '')
  ];
  return `{ ${path.map((field) => `${field} {`).join(' ')} ${leaf} ${'}'.repeat(path.length)} }`;
}

function tokensOf(query: string): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count += 1;
  return count;
}

/** A valid operation of exactly `tokens` tokens (a list literal of that many more strings), within every other limit. */
function withTokens(tokens: number): string {
  const make = (n: number) =>
    `mutation { recordGuestExit(input: { id: "00000000-0000-4000-8000-000000000000", spendAmount: "0", gamesPlayed: [${repeat(n, () => '"g"')}] }) { id } }`;
  const query = make(tokens - tokensOf(make(0)));
  expect(tokensOf(query)).toBe(tokens);
  return query;
}

const repeat = (n: number, make: (i: number) => string) =>
  Array.from({ length: n }, (_, i) => make(i)).join(' ');

describe('operation limits', () => {
  let stack: TestStack;
  let toLoyalty: CaptureProxy;
  let gateway: RunningGateway;
  /** The same limits but room for 20,000 tokens, so the other limits are what refuse a long operation. */
  let roomyTokens: RunningGateway;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 2 });
    toLoyalty = await startCaptureProxy(stack.subgraphs.loyalty.url);
    gateway = await stack.startGateway({ subgraphUrls: { loyalty: toLoyalty.url } });
    roomyTokens = await stack.startGateway({
      env: { MAX_OPERATION_TOKENS: '20000' },
      subgraphUrls: { loyalty: toLoyalty.url },
    });
    token = await stack.tokenFor(IDENTITIES.SuperAdmin);
  }, 180_000);
  afterAll(async () => {
    await gateway?.stop();
    await roomyTokens?.stop();
    await toLoyalty?.stop();
    await stack?.stop();
  });

  async function send(query: string, at: RunningGateway = gateway) {
    const before = toLoyalty.captured.length;
    const response = await fetch(at.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    return { status: response.status, body, loyaltyCalls: toLoyalty.captured.length - before };
  }

  async function refused(query: string, limit: string, at: RunningGateway = gateway) {
    const result = await send(query, at);
    expect(result.status).toBe(400);
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors![0]!.extensions).toMatchObject({ code: 'OPERATION_LIMIT_EXCEEDED', limit });
    expect(result.body.errors![0]!.message).toContain(limit);
    expect(result.body.data ?? null).toBeNull();
    expect(result.loyaltyCalls).toBe(0);
  }

  async function admitted(query: string) {
    const result = await send(query);
    const codes = (result.body.errors ?? []).map((e) => e.extensions?.code);
    expect(codes).not.toContain('OPERATION_LIMIT_EXCEEDED');
    expect(codes).not.toContain('GRAPHQL_PARSE_FAILED');
    expect(codes).not.toContain('GRAPHQL_VALIDATION_FAILED');
    expect(result.status).toBe(200);
    return result;
  }

  it('depth: 15 levels run, 16 and 52 are refused', async () => {
    expect((await admitted(nestedTo(DEFAULTS.depth))).loyaltyCalls).toBeGreaterThan(0);
    await refused(nestedTo(DEFAULTS.depth + 1), 'depth');
    await refused(nestedTo(52), 'depth');
  });

  it('aliases: 30 run, 31 are refused', async () => {
    await admitted(`{ me { ${repeat(DEFAULTS.aliases, (i) => `a${i}: id`)} } }`);
    await refused(`{ me { ${repeat(DEFAULTS.aliases + 1, (i) => `a${i}: id`)} } }`, 'aliases');
  });

  it('1,000 aliases of me are refused', async () => {
    await refused(`{ ${repeat(1000, (i) => `a${i}: me { id }`)} }`, 'aliases');
  });

  it('members(first: 50) under 1,000 aliases is refused before loyalty is called: by its tokens at the defaults, by the alias count where tokens are allowed', async () => {
    const query = `{ ${repeat(1000, (i) => `m${i}: members(first: 50) { edges { node { id } } }`)} }`;
    await refused(query, 'tokens');
    await refused(query, 'aliases', roomyTokens);
  });

  it('root fields: 20 run, 21 are refused', async () => {
    const members = 'members(first: 1) { totalCount }';
    expect(
      (await admitted(`{ ${repeat(DEFAULTS.rootFields, () => members)} }`)).loyaltyCalls,
    ).toBeGreaterThan(0);
    await refused(`{ ${repeat(DEFAULTS.rootFields + 1, () => members)} }`, 'rootFields');
  });

  it('tokens: 10,000 run, 10,001 are refused', async () => {
    await admitted(withTokens(DEFAULTS.tokens));
    await refused(withTokens(DEFAULTS.tokens + 1), 'tokens');
  });

  it('cost multiplies `first` through nesting: 49,801 runs, 50,401 is refused', async () => {
    // 1 + 200 × (edges + node + redemptions + k × (edges + node + id)) = 601 + 600k
    const page = (k: number) =>
      `{ members(first: 200) { edges { node { redemptions(first: ${k}) { edges { node { id } } } } } } }`;
    expect((await admitted(page(82))).loyaltyCalls).toBeGreaterThan(0);
    await refused(page(83), 'cost');
  });

  it('cost takes `first` from the variables', async () => {
    const query =
      'query ($n: Int) { members(first: 200) { edges { node { redemptions(first: $n) { edges { node { id } } } } } } }';
    const over = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: { n: 83 } }),
    });
    expect(over.status).toBe(400);
    expect(
      ((await over.json()) as { errors: { extensions: { limit: string } }[] }).errors[0]!.extensions.limit,
    ).toBe('cost');
  });

  it('every floor app operation is far within every limit', () => {
    const schema = loadApiSchema();
    const manifest = JSON.parse(readFileSync(manifestPath('floor-app'), 'utf8')) as {
      operations: { body: string }[];
    };
    for (const { body } of manifest.operations) {
      const document = parse(body);
      const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION)!;
      const measured = measureOperation(schema, document, operation, {}, 20);
      expect(measured.depth).toBeLessThanOrEqual(DEFAULTS.depth / 2);
      expect(measured.aliases).toBe(0);
      expect(measured.rootFields).toBeLessThanOrEqual(DEFAULTS.rootFields / 2);
      expect(measured.cost).toBeLessThanOrEqual(DEFAULTS.cost / 10);
    }
  });
});
