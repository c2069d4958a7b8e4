import { randomUUID } from 'node:crypto';
import { MongoClient, ObjectId } from 'mongodb';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition. */
function parseMetrics(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => {
      const match = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[key!] = value!;
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

function find(samples: Sample[], name: string, labels: Record<string, string>): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  );
}

const total = (samples: Sample[], name: string, labels: Record<string, string>) =>
  find(samples, name, labels).reduce((sum, s) => sum + s.value, 0);

const DASHBOARD = `query DashboardMembers($first: Int!) {
  members(first: $first) {
    edges { node { memberNumber tier playStats { sessionCount } } }
  }
}`;

describe('Prometheus metrics on the gateway and every subgraph', () => {
  let stack: TestStack;
  let gatewayMetrics: string;

  const scrape = async (url: string): Promise<Sample[]> => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parseMetrics(await response.text());
  };
  const subgraphMetrics = (name: keyof TestStack['subgraphs']) =>
    new URL('/metrics', stack.subgraphs[name].url).href;

  beforeAll(async () => {
    stack = await startTestStack({ seedMembers: 3 });
    gatewayMetrics = new URL('/metrics', stack.gateway.url).href;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('times a named cross-subgraph query at the gateway, its subgraph fetches, and the subgraphs with their MongoDB commands', async () => {
    const labels = {
      service: 'gateway',
      operation: 'DashboardMembers',
      client: 'floor-dashboard',
      outcome: 'ok',
    };
    const before = await scrape(gatewayMetrics);
    const loyaltyBefore = await scrape(subgraphMetrics('loyalty'));

    const answer = await stack.query(
      DASHBOARD,
      { first: 3 },
      { as: IDENTITIES.Supervisor, headers: { 'apollographql-client-name': 'floor-dashboard' } },
    );
    expect(answer.errors).toBeUndefined();

    const after = await scrape(gatewayMetrics);
    const count = 'casino_graphql_request_duration_seconds_count';
    expect(total(after, count, labels) - total(before, count, labels)).toBe(1);
    expect(
      find(after, 'casino_graphql_request_duration_seconds_bucket', { ...labels, le: '+Inf' }),
    ).toHaveLength(1);

    const fetches = 'casino_gateway_subgraph_fetch_duration_seconds_count';
    for (const subgraph of ['loyalty', 'gaming']) {
      const labels = { service: 'gateway', subgraph, outcome: 'ok' };
      expect(total(after, fetches, labels) - total(before, fetches, labels)).toBeGreaterThanOrEqual(1);
    }

    const loyalty = await scrape(subgraphMetrics('loyalty'));
    // the gateway names its fetches after the client's operation and forwards the client name
    const served = find(loyalty, count, {
      service: 'loyalty',
      client: 'floor-dashboard',
      outcome: 'ok',
    }).filter((s) => s.labels.operation!.startsWith('DashboardMembers__loyalty'));
    expect(served.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThanOrEqual(1);

    const commands = 'casino_mongodb_command_duration_seconds_count';
    const memberReads = { service: 'loyalty', collection: 'members', outcome: 'ok' };
    expect(total(loyalty, commands, memberReads)).toBeGreaterThan(
      total(loyaltyBefore, commands, memberReads),
    );
    expect(find(loyalty, 'casino_mongodb_pool_connections_in_use', { service: 'loyalty' })).toHaveLength(1);

    expect(find(loyalty, 'casino_audit_outbox_backlog', { service: 'loyalty' })).toHaveLength(1);
    const age = find(loyalty, 'casino_audit_outbox_oldest_pending_age_seconds', { service: 'loyalty' });
    expect(age).toHaveLength(1);
    expect(age[0]!.value).toBeGreaterThanOrEqual(0);

    // one registry per service: loyalty's scrape holds no other service's series, and process metrics are there
    expect(loyalty.every((s) => s.labels.service === 'loyalty')).toBe(true);
    expect(find(loyalty, 'process_cpu_user_seconds_total', { service: 'loyalty' })).toHaveLength(1);
    expect(find(after, 'nodejs_heap_size_used_bytes', { service: 'gateway' })).toHaveLength(1);
  });

  it('counts errors by extensions.code and times the failed request as an error', async () => {
    const before = await scrape(gatewayMetrics);
    const answer = await stack.query('query Broken { noSuchField }', {}, { as: IDENTITIES.Supervisor });
    expect(answer.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const after = await scrape(gatewayMetrics);
    const errors = { service: 'gateway', code: 'GRAPHQL_VALIDATION_FAILED' };
    expect(
      total(after, 'casino_graphql_errors_total', errors) -
        total(before, 'casino_graphql_errors_total', errors),
    ).toBe(1);
    // an operation that never resolved is not named after what the client sent
    const failed = { service: 'gateway', operation: 'unresolved', outcome: 'error' };
    const count = 'casino_graphql_request_duration_seconds_count';
    expect(total(after, count, failed) - total(before, count, failed)).toBe(1);
    expect(find(after, count, { operation: 'Broken' })).toHaveLength(0);
  });

  it('keeps operation and client labels bounded when callers send hundreds of names', async () => {
    for (let i = 0; i < 300; i++) {
      const name = `Flood${i}_${Math.random().toString(36).slice(2)}`;
      const answer = await stack.query(
        `query ${name} { __typename }`,
        {},
        {
          headers: { 'apollographql-client-name': `client-${name}` },
        },
      );
      expect(answer.errors).toBeUndefined();
    }
    const samples = find(await scrape(gatewayMetrics), 'casino_graphql_request_duration_seconds_count', {
      service: 'gateway',
    });
    const operations = new Set(samples.map((s) => s.labels.operation));
    const clients = new Set(samples.map((s) => s.labels.client));
    // the first 200 names seen, then `other` (plus `unresolved` from the test above)
    expect(operations.size).toBeLessThanOrEqual(200 + 2);
    expect(clients.size).toBeLessThanOrEqual(200 + 2);
    expect(operations.has('other')).toBe(true);
    expect(clients.has('other')).toBe(true);
    expect(
      total(samples, 'casino_graphql_request_duration_seconds_count', { operation: 'other' }),
    ).toBeGreaterThanOrEqual(100);
  }, 60_000);

  it('reports the outboxes: rows waiting and the age of the oldest', async () => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    const later = new Date(Date.now() + 3_600_000);
    const client = await MongoClient.connect(stack.mongoUri);
    try {
      // rows that wait but are not due yet, so no dispatcher takes them while the test scrapes
      await client
        .db(stack.databases.loyalty)
        .collection('audit_outbox')
        .insertOne({
          _id: ObjectId.createFromTime(Math.floor(hourAgo.getTime() / 1000)),
          id: randomUUID(),
          event: {},
          attempts: 1,
          next_attempt_at: later,
          created_at: hourAgo,
        });
      await client
        .db(stack.databases.gaming)
        .collection('gaming_sessions')
        .insertOne({
          id: randomUUID(),
          session_start: new Date(hourAgo.getTime() - 60_000),
          session_end: hourAgo,
          credit: { status: 'pending', attempts: 1, next_attempt_at: later },
        });
    } finally {
      await client.close();
    }

    const loyalty = await scrape(subgraphMetrics('loyalty'));
    expect(total(loyalty, 'casino_audit_outbox_backlog', {})).toBeGreaterThanOrEqual(1);
    expect(total(loyalty, 'casino_audit_outbox_oldest_pending_age_seconds', {})).toBeGreaterThanOrEqual(
      3_600,
    );
    const gaming = await scrape(subgraphMetrics('gaming'));
    expect(total(gaming, 'casino_gaming_credit_outbox_backlog', {})).toBeGreaterThanOrEqual(1);
    expect(
      total(gaming, 'casino_gaming_credit_outbox_oldest_pending_age_seconds', {}),
    ).toBeGreaterThanOrEqual(3_600);
    const marketing = await scrape(subgraphMetrics('marketing'));
    expect(
      find(marketing, 'casino_marketing_notification_outbox_backlog', { service: 'marketing' }),
    ).toHaveLength(1);
    expect(
      find(marketing, 'casino_marketing_notification_outbox_oldest_pending_age_seconds', {
        service: 'marketing',
      }),
    ).toHaveLength(1);
  });

  it('serves /metrics on every subgraph without GraphQL credentials', async () => {
    for (const name of ['gaming', 'workforce', 'marketing', 'compliance'] as const) {
      const samples = await scrape(subgraphMetrics(name));
      expect(find(samples, 'process_cpu_user_seconds_total', { service: name })).toHaveLength(1);
    }
  });
});

describe('/metrics settings', () => {
  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'scrape-token-0123456789';
    const stack = await startTestStack({ env: { METRICS_TOKEN: token } });
    try {
      for (const url of [stack.gateway.url, stack.subgraphs.loyalty.url]) {
        const metrics = new URL('/metrics', url).href;
        expect((await fetch(metrics)).status).toBe(401);
        expect((await fetch(metrics, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
        const scraped = await fetch(metrics, { headers: { authorization: `Bearer ${token}` } });
        expect(scraped.status).toBe(200);
        expect(await scraped.text()).toContain('process_cpu_user_seconds_total');
      }
    } finally {
      await stack.stop();
    }
  }, 120_000);

  it('serves no /metrics with METRICS_ENABLED=false, and GraphQL still answers', async () => {
    const stack = await startTestStack({ env: { METRICS_ENABLED: 'false' } });
    try {
      const answer = await stack.query('query Typename { __typename }');
      expect(answer.data).toEqual({ __typename: 'Query' });
      for (const url of [stack.gateway.url, stack.subgraphs.loyalty.url]) {
        expect((await fetch(new URL('/metrics', url))).status).toBe(404);
      }
    } finally {
      await stack.stop();
    }
  }, 120_000);
});
