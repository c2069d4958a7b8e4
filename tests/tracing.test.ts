import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { CommandStartedEvent } from 'mongodb';
import { startCaptureProxy } from './support/capture-proxy';
import { startOtlpReceiver } from '@casino/testing';
import type { OtlpReceiver, ReceivedSpan } from '@casino/testing';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

const DASHBOARD = `query DashboardMembers($first: Int!) {
  members(first: $first) {
    edges { node { memberNumber tier playStats { sessionCount } } }
  }
}`;

const DATA_COMMANDS = new Set([
  'find',
  'getMore',
  'aggregate',
  'count',
  'distinct',
  'findAndModify',
  'insert',
  'update',
  'delete',
]);
const NEW_MEMBER = {
  firstName: 'Priyanka',
  lastName: 'Jayasuriya',
  email: 'priyanka.j@example.com',
  phone: '+94 77 765 4321',
  dateOfBirth: '1985-06-15T00:00:00.000Z',
  nationality: 'Sri Lanka',
  nicPassport: '856671234V',
};

const SERVER = 2;
const CLIENT = 3;

/** JSON log lines written by every service of a stack. */
function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

/** A client's own trace context: a W3C `traceparent` with a fresh trace id, sampled. */
function clientTraceparent() {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, header: `00-${traceId}-${parentId}-01` };
}

describe('without OTEL_EXPORTER_OTLP_ENDPOINT nothing is traced', () => {
  let receiver: OtlpReceiver;
  let stack: TestStack;
  const logs = logCapture();

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // the exporter's other settings are there: only the endpoint is missing
    stack = await startTestStack({
      seedMembers: 2,
      logDestination: logs.destination,
      env: { OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=abc', OTEL_TRACES_SAMPLER: 'always_on' },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.stop();
  });

  it('forwards no trace context, writes no trace ids and exports nothing', async () => {
    const client = clientTraceparent();
    const proxy = await startCaptureProxy(stack.subgraphs.loyalty.url);
    const gateway = await stack.startGateway({ subgraphUrls: { loyalty: proxy.url } });
    try {
      for (const url of [stack.gateway.url, gateway.url]) {
        const answer = await stack.query(
          DASHBOARD,
          { first: 2 },
          { url, as: IDENTITIES.Supervisor, headers: { traceparent: client.header } },
        );
        expect(answer.errors).toBeUndefined();
      }
    } finally {
      await gateway.stop();
      await proxy.stop();
    }
    expect(proxy.captured.length).toBeGreaterThan(0);
    for (const request of proxy.captured) expect(request.headers).not.toHaveProperty('traceparent');
    const requestLines = logs.lines.filter((line) => line.msg === 'graphql request');
    expect(requestLines.length).toBeGreaterThan(0);
    for (const line of logs.lines) expect(line).not.toHaveProperty('trace_id');
    expect(receiver.requests).toBe(0);
  });
});

describe('with OTEL_EXPORTER_OTLP_ENDPOINT one request is one trace', () => {
  let receiver: OtlpReceiver;
  let stack: TestStack;
  let stopped = false;
  const logs = logCapture();

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startTestStack({
      seedMembers: 3,
      logDestination: logs.destination,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        // the jobs that touch members and gaming sessions stay out of the counted request (hourly)
        GAMING_CREDIT_DISPATCH_INTERVAL_MS: '3600000',
        LOYALTY_JOBS_INTERVAL_MS: '3600000',
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (!stopped) await stack?.stop();
    await receiver?.stop();
  });

  it('joins the client, the gateway, every subgraph fetch and every MongoDB command in the client trace; outbox deliveries carry theirs to the receiver', async () => {
    const client = clientTraceparent();
    // the commands each subgraph's driver sends while the request runs, to count against the spans
    const commands: Record<string, CommandStartedEvent[]> = { loyalty: [], gaming: [] };
    const listeners = Object.keys(commands).map((name) => {
      const mongo = stack.subgraphs[name as 'loyalty' | 'gaming'].mongo.client;
      const listener = (event: CommandStartedEvent) => commands[name]!.push(event);
      mongo.on('commandStarted', listener);
      return () => mongo.off('commandStarted', listener);
    });
    const answer = await stack.query(
      DASHBOARD,
      { first: 3 },
      { as: IDENTITIES.Supervisor, headers: { traceparent: client.header } },
    );
    for (const off of listeners) off();
    expect(answer.errors).toBeUndefined();
    const members = (answer.data as { members: { edges: { node: { memberNumber: string } }[] } }).members;
    expect(members.edges).toHaveLength(3);

    // a mutation's audit event goes to compliance through loyalty's outbox
    const registered = await stack.query(
      'mutation ($input: RegisterMemberInput!) { registerMember(input: $input) { id } }',
      { input: NEW_MEMBER },
      { as: IDENTITIES.Manager, headers: { traceparent: clientTraceparent().header } },
    );
    expect(registered.errors).toBeUndefined();
    const outbox = stack.subgraphs.loyalty.mongo.db.collection('audit_outbox');
    for (let waited = 0; (await outbox.countDocuments()) > 0; waited += 50) {
      if (waited > 10_000) throw new Error('the audit event was not delivered');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // every subgraph's audit outbox runs scheduled passes (each a trace of its own) after that delivery and before
    // the stop: a pass that coincides with the delivery the request started only waits for it, reading nothing
    // itself, so two more passes make sure one started after it ended
    for (const service of ['loyalty', 'gaming'] as const) {
      const jobs = stack.subgraphs[service].mongo.db.collection('scheduler_jobs');
      const runs = async () => Number((await jobs.findOne({ name: 'audit-outbox' }))?.runs ?? 0);
      const before = await runs();
      for (let waited = 0; (await runs()) < before + 2; waited += 50) {
        if (waited > 10_000) throw new Error(`${service}'s audit outbox ran no scheduled pass`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    // a graceful stop sends every span still buffered
    await stack.stop();
    stopped = true;

    const spans = receiver.spans.filter((span) => span.traceId === client.traceId);
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId);

    // one connected trace: the gateway's server span is the child of the client's span, every other span has
    // its parent in the trace
    const roots = spans.filter((span) => !byId.has(span.parentSpanId));
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ service: 'gateway', kind: SERVER, parentSpanId: client.parentId });
    expect(spans.find((span) => span.name === 'gateway.request')?.parentSpanId).toBe(roots[0]!.spanId);

    // a fetch span per subgraph fetch, each the parent of exactly one server span of that subgraph
    const fetches = spans.filter((span) => span.service === 'gateway' && span.name === 'gateway.fetch');
    const subgraphServers = spans.filter((span) => span.service !== 'gateway' && span.kind === SERVER);
    expect(new Set(fetches.map((span) => span.attributes.service))).toEqual(new Set(['loyalty', 'gaming']));
    expect(subgraphServers).toHaveLength(fetches.length);
    for (const fetch of fetches) {
      const served = subgraphServers.filter((span) => span.parentSpanId === fetch.spanId);
      expect(served).toHaveLength(1);
      expect(served[0]).toMatchObject({ service: fetch.attributes.service, name: 'POST /graphql' });
    }
    // no request reached loyalty or gaming without the trace context of its caller
    const untraced = receiver.spans.filter(
      (span) => span.kind === SERVER && ['loyalty', 'gaming'].includes(span.service) && !span.parentSpanId,
    );
    expect(untraced).toEqual([]);

    // a span per MongoDB command the request sent, under that subgraph's server span, with what it did and
    // where, never the command document
    for (const service of ['loyalty', 'gaming']) {
      const mongoSpans = spans.filter(
        (span) => span.service === service && span.attributes['db.system'] === 'mongodb',
      );
      expect(mongoSpans.length).toBeGreaterThan(0);
      for (const span of mongoSpans) {
        expect(span.kind).toBe(CLIENT);
        expect(span.attributes['db.operation']).toEqual(expect.any(String));
        expect(span.attributes['db.name']).toBe(stack.databases[service as 'loyalty' | 'gaming']);
        let ancestor = parentOf(span);
        while (ancestor && ancestor.kind !== SERVER) ancestor = parentOf(ancestor);
        expect(ancestor).toMatchObject({ service, kind: SERVER });
      }
      // every command the driver sent to the collections this query reads while it ran has its span
      const domain = new Set(
        mongoSpans.map((span) => span.attributes['db.mongodb.collection']).filter((c) => c !== undefined),
      );
      const counted = (command: string, collection: unknown) =>
        DATA_COMMANDS.has(command) && domain.has(collection as string);
      const sent = commands[service]!.filter((event) =>
        counted(event.commandName, (event.command as Record<string, unknown>)[event.commandName]),
      );
      const traced = mongoSpans.filter((span) =>
        counted(String(span.attributes['db.operation']), span.attributes['db.mongodb.collection']),
      );
      expect(sent.length).toBeGreaterThan(0);
      expect(traced.map((span) => span.name).sort()).toEqual(
        sent.map((event) => `${event.commandName} ${String(event.command[event.commandName])}`).sort(),
      );
    }
    expect(
      spans.some(
        (span) => span.service === 'loyalty' && span.attributes['db.mongodb.collection'] === 'members',
      ),
    ).toBe(true);

    // background passes are traces of their own, each holding its MongoDB commands
    for (const service of ['loyalty', 'gaming']) {
      const passes = receiver.spans.filter(
        (span) => span.service === service && span.name === 'job audit-outbox',
      );
      expect(passes.length).toBeGreaterThan(0);
      for (const pass of passes) {
        expect(pass.parentSpanId).toBe('');
        expect(pass.traceId).not.toBe(client.traceId);
      }
      const passIds = new Set(passes.map((pass) => pass.spanId));
      expect(
        receiver.spans.some(
          (span) =>
            passIds.has(span.parentSpanId) && span.attributes['db.mongodb.collection'] === 'audit_outbox',
        ),
      ).toBe(true);
    }

    // the delivery's call carries its trace to compliance: compliance's server span under loyalty's call
    const all = new Map(receiver.spans.map((span) => [span.spanId, span]));
    const delivered = receiver.spans.filter((span) => {
      const call = all.get(span.parentSpanId);
      const delivery = call && all.get(call.parentSpanId);
      return (
        span.service === 'compliance' &&
        span.kind === SERVER &&
        call?.service === 'loyalty' &&
        call.kind === CLIENT &&
        call.name === 'POST compliance' &&
        delivery?.name === 'deliver audit events'
      );
    });
    expect(delivered.length).toBeGreaterThan(0);
    // compliance's MongoDB commands storing the events hang under it
    expect(receiver.spans.some((span) => delivered.some((d) => d.spanId === span.parentSpanId))).toBe(true);

    // no query text, variables or stored values in any span
    const exported = JSON.stringify(receiver.spans);
    expect(exported).not.toContain('graphql.document');
    expect(exported).not.toContain('memberNumber');
    for (const edge of members.edges) expect(exported).not.toContain(edge.node.memberNumber);
    for (const value of Object.values(NEW_MEMBER)) expect(exported).not.toContain(value);

    // the request's log lines carry its trace id, in the gateway and in the subgraphs it called
    const traced = logs.lines.filter((line) => line.trace_id === client.traceId);
    expect(new Set(traced.map((line) => line.service))).toEqual(new Set(['gateway', 'loyalty', 'gaming']));
    for (const line of traced) expect(byId.has(line.span_id as string)).toBe(true);
  });
});
