/**
 * The floor: what an operation costs without any gateway. The subgraph requests a gateway's query plan makes
 * for the operation are captured once (an in-process ApolloGateway records every fetch and the plan), then
 * replayed straight to the subgraphs in the plan's order, each with a credential signed for that request.
 */
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { ApolloGateway } from '@apollo/gateway';
import type {
  Experimental_DidResolveQueryPlanCallback,
  GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { REQUEST_CREDENTIAL_HEADER, signRequestCredential } from '@casino/auth';
import type { CredentialSigner, Identity } from '@casino/auth';
import type { BenchOperation } from './operations';
import { IdentityForwardingDataSource } from './stock-gateway';
import type { StockContext } from './stock-gateway';

export interface FloorFetch {
  kind: 'fetch';
  subgraph: string;
  url: string;
  body: string;
  /** The subgraph's `data` when the plan was captured. */
  expected: unknown;
}

export type FloorStep =
  FloorFetch | { kind: 'sequence'; steps: FloorStep[] } | { kind: 'parallel'; steps: FloorStep[] };

export interface CapturedOperation {
  /** The whole response's `data`, as the capturing gateway assembled it. */
  data: unknown;
  errors: unknown;
  plan: FloorStep;
  fetchCount: number;
}

type QueryPlan = Parameters<Experimental_DidResolveQueryPlanCallback>[0]['queryPlan'];
interface PlanNodeShape {
  kind: string;
  nodes?: PlanNodeShape[];
  node?: PlanNodeShape;
  serviceName?: string;
  operation?: string;
}

interface RecordedFetch {
  subgraph: string;
  query: string;
  body: string;
  data: unknown;
  used: boolean;
}

class RecordingDataSource extends IdentityForwardingDataSource {
  constructor(
    url: string,
    private readonly subgraph: string,
    signer: CredentialSigner,
    private readonly record: (fetch: RecordedFetch) => void,
  ) {
    super(url, subgraph, signer);
  }

  override async process(options: GraphQLDataSourceProcessOptions<StockContext>) {
    const response = await super.process(options);
    const { http: _http, query, ...rest } = options.request;
    this.record({
      subgraph: this.subgraph,
      query: query ?? '',
      body: JSON.stringify({ query, ...rest }),
      // a copy: the gateway merges later fetches' fields into these very objects
      data: structuredClone(response.data),
      used: false,
    });
    return response;
  }
}

/** Runs each operation once through an in-process gateway and keeps its plan with the exact fetches made. */
export async function captureOperations(options: {
  supergraphSdl: string;
  subgraphUrls: Record<string, string>;
  signer: CredentialSigner;
  identity: Identity;
  operations: BenchOperation[];
}): Promise<Map<string, CapturedOperation>> {
  let records: RecordedFetch[] = [];
  let lastPlan: QueryPlan | null = null;
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name];
      if (!url) throw new Error(`no URL for subgraph ${name}`);
      return new RecordingDataSource(url, name, options.signer, (fetch) => records.push(fetch));
    },
    experimental_didResolveQueryPlan: ({ queryPlan }) => {
      lastPlan = queryPlan;
    },
  });
  const server = new ApolloServer<StockContext>({ gateway });
  await server.start();
  try {
    const captured = new Map<string, CapturedOperation>();
    for (const operation of options.operations) {
      records = [];
      lastPlan = null;
      const response = await server.executeOperation(
        { query: operation.query, operationName: operation.operationName, variables: operation.variables },
        { contextValue: { identity: options.identity, ip: '127.0.0.1' } },
      );
      if (response.body.kind !== 'single') throw new Error(`${operation.name}: incremental response`);
      const plan = lastPlan as QueryPlan | null;
      if (!plan?.node) throw new Error(`${operation.name}: the gateway made no query plan`);
      const step = floorStepOf(plan.node as unknown as PlanNodeShape, records, options.subgraphUrls);
      const unused = records.filter((r) => !r.used);
      if (!step || unused.length > 0) {
        throw new Error(`${operation.name}: ${unused.length} subgraph requests are not in the query plan`);
      }
      captured.set(operation.name, {
        data: response.body.singleResult.data,
        errors: response.body.singleResult.errors,
        plan: step,
        fetchCount: records.length,
      });
    }
    return captured;
  } finally {
    await server.stop();
  }
}

/** The plan's shape with each fetch replaced by the request the gateway made for it (skipped ones drop out). */
function floorStepOf(
  node: PlanNodeShape,
  records: RecordedFetch[],
  urls: Record<string, string>,
): FloorStep | null {
  switch (node.kind) {
    case 'Fetch': {
      const record = records.find(
        (r) => !r.used && r.subgraph === node.serviceName && r.query === node.operation,
      );
      if (!record) return null;
      record.used = true;
      return {
        kind: 'fetch',
        subgraph: record.subgraph,
        url: urls[record.subgraph]!,
        body: record.body,
        expected: record.data,
      };
    }
    case 'Flatten':
      return floorStepOf(node.node!, records, urls);
    case 'Sequence':
    case 'Parallel': {
      const steps = node.nodes!.map((n) => floorStepOf(n, records, urls)).filter((s) => s !== null);
      if (steps.length === 0) return null;
      if (steps.length === 1) return steps[0]!;
      return { kind: node.kind === 'Sequence' ? 'sequence' : 'parallel', steps };
    }
    default:
      throw new Error(`query plan node ${node.kind} is not supported by the floor`);
  }
}

export interface FloorClient {
  signer: CredentialSigner;
  identity: Identity;
  agent: Agent;
  /** Time spent signing credentials, in ms (the load generator's share of the identity cost). */
  signingMs: number;
}

export function floorClient(signer: CredentialSigner, identity: Identity, connections: number): FloorClient {
  return {
    signer,
    identity,
    agent: new Agent({ keepAlive: true, maxSockets: connections * 4 }),
    signingMs: 0,
  };
}

function post(
  agent: Agent,
  url: string,
  body: string,
  credential: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          [REQUEST_CREDENTIAL_HEADER]: credential,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Runs one operation's fetches in the plan's order. Returns false when a subgraph refused or answered errors;
 * with `check`, also when a fetch's `data` differs from what the gateway got when the plan was captured.
 */
export async function runFloorStep(
  client: FloorClient,
  step: FloorStep,
  check?: (fetch: FloorFetch, data: unknown) => boolean,
): Promise<boolean> {
  if (step.kind === 'sequence') {
    for (const inner of step.steps) if (!(await runFloorStep(client, inner, check))) return false;
    return true;
  }
  if (step.kind === 'parallel') {
    const results = await Promise.all(step.steps.map((inner) => runFloorStep(client, inner, check)));
    return results.every(Boolean);
  }
  // signing is synchronous work behind a promise: timed up to the promise, not to its turn on the event loop
  const started = performance.now();
  const signing = signRequestCredential(client.signer, {
    identity: client.identity,
    ip: '127.0.0.1',
    audience: step.subgraph,
    body: step.body,
  });
  client.signingMs += performance.now() - started;
  const { status, text } = await post(client.agent, step.url, step.body, await signing);
  if (status !== 200 || text.includes('"errors"')) return false;
  return check ? check(step, (JSON.parse(text) as { data?: unknown }).data) : true;
}
