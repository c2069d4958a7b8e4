/**
 * What the operation limits and the safelist check add to a request, measured in-process on the composed API
 * schema: the same operations through two Apollo Servers, one bare and one with the gateway's limits plugin,
 * parse options and safelist plugin, runs interleaved; the medians and their difference are printed.
 *
 *   pnpm bench:operation-limits [iterations]
 */
import { readFileSync } from 'node:fs';
import { ApolloServer } from '@apollo/server';
import type { ApolloServerPlugin } from '@apollo/server';
import { ANONYMOUS } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { parseGatewayEnv } from '@casino/gateway';
import {
  operationLimitsOf,
  operationLimitsPlugin,
  parseOptionsOf,
} from '@casino/gateway/src/operation-limits';
import { createPersistedQueries, sha256Hex } from '@casino/gateway/src/persisted-queries';
import { createLogger } from '@casino/logger';
import type { RequestBase } from '@casino/server';
import { loadApiSchema } from '@casino/schema';
import { percentile } from '@casino/testing';

const iterations = Number(process.argv[2] ?? 5_000);
const schema = loadApiSchema();
const env = parseGatewayEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PERSISTED_QUERIES: 'safelist' });
const log = createLogger({ name: 'bench', level: 'silent' });

const manifest = JSON.parse(readFileSync(`${env.PERSISTED_QUERY_MANIFEST_DIR}/floor-app.json`, 'utf8')) as {
  operations: { name: string; body: string }[];
};
const memberDetails = manifest.operations.find((o) => o.name === 'FloorMemberDetails')!.body;
const DASHBOARD = `query Floor($range: DateRangeInput!) {
  gamingDashboard(range: $range) { openSessions totals { sessionCount totalBuyIn houseNetWin theo } }
  loyaltyDashboard(range: $range) { newMembers activeMembers pointsIssued membersByTier { tier count } topRewards { redemptions reward { name } } }
  members(first: 100, filter: { tier: VIP }) { totalCount edges { node { memberNumber firstName lastName tier pointsBalance
    playStats { sessionCount totalTheo } analytics { riskScore } complianceStatus { kycVerified amlFlagged } } } }
}`;

const manager: Identity = {
  kind: 'admin',
  userId: '00000000-0000-4000-8000-000000000001',
  username: 'manager',
  role: 'Manager',
  department: 'Gaming',
  permissions: [],
};

function server(plugins: ApolloServerPlugin<RequestBase>[], withLimits: boolean): ApolloServer<RequestBase> {
  const limits = operationLimitsOf(env);
  return new ApolloServer<RequestBase>({
    schema,
    plugins,
    ...(withLimits ? { parseOptions: parseOptionsOf(limits) } : {}),
  });
}

interface Case {
  name: string;
  request: { query?: string; extensions?: Record<string, unknown>; variables: Record<string, unknown> };
  identity: Identity;
}

const cases: Case[] = [
  {
    name: 'floor app FloorMemberDetails by id (safelist hit)',
    request: {
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(memberDetails) } },
      variables: { id: 'x' },
    },
    identity: ANONYMOUS,
  },
  {
    name: 'floor app FloorMemberDetails as reformatted text by a Supervisor (safelist body match)',
    request: { query: memberDetails.replace(/\s+/g, ' '), variables: { id: 'x' } },
    identity: { ...manager, role: 'Supervisor' },
  },
  {
    name: 'dashboard query as text by a Manager (ad hoc)',
    request: {
      query: DASHBOARD,
      variables: { range: { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' } },
    },
    identity: manager,
  },
];

async function main(): Promise<void> {
  const bare = server([], false);
  const pq = createPersistedQueries(env, null);
  const guarded = server([operationLimitsPlugin<RequestBase>(operationLimitsOf(env)), pq.plugin], true);
  // the bare server needs the manifest too, to answer by id
  const bareWithIds = new ApolloServer<RequestBase>({ schema, persistedQueries: pq.apolloOption });
  const guardedWithIds = new ApolloServer<RequestBase>({
    schema,
    persistedQueries: pq.apolloOption,
    parseOptions: parseOptionsOf(operationLimitsOf(env)),
    plugins: [operationLimitsPlugin<RequestBase>(operationLimitsOf(env)), pq.plugin],
  });
  for (const s of [bare, guarded, bareWithIds, guardedWithIds]) await s.start();

  console.log(`${iterations} runs each, interleaved; µs per operation (median, p90)`);
  for (const [index, c] of cases.entries()) {
    const [without, withChecks] = index === 0 ? [bareWithIds, guardedWithIds] : [bare, guarded];
    const contextValue = { requestId: 'bench', clientName: null, ip: null, log, identity: c.identity };
    const samples: Record<'without' | 'with', number[]> = { without: [], with: [] };
    const time = async (target: ApolloServer<RequestBase>, into: number[]) => {
      const started = process.hrtime.bigint();
      const result = await target.executeOperation(c.request, { contextValue });
      into.push(Number(process.hrtime.bigint() - started) / 1_000);
      if (result.body.kind === 'single') {
        const codes = (result.body.singleResult.errors ?? []).map((e) => e.extensions?.code);
        if (codes.includes('OPERATION_LIMIT_EXCEEDED') || codes.includes('PERSISTED_QUERY_NOT_IN_LIST')) {
          throw new Error(`${c.name} was refused: ${codes.join(', ')}`);
        }
      }
    };
    for (let i = 0; i < 500; i++) {
      await time(without, []);
      await time(withChecks, []);
    }
    for (let i = 0; i < iterations; i++) {
      if (i % 2 === 0) {
        await time(without, samples.without);
        await time(withChecks, samples.with);
      } else {
        await time(withChecks, samples.with);
        await time(without, samples.without);
      }
    }
    const stats = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { median: percentile(sorted, 50), p90: percentile(sorted, 90) };
    };
    const a = stats(samples.without);
    const b = stats(samples.with);
    console.log(
      `${c.name}: without ${a.median.toFixed(1)} (${a.p90.toFixed(1)}), with ${b.median.toFixed(1)} (${b.p90.toFixed(1)}), added ${(b.median - a.median).toFixed(1)} µs`,
    );
  }
  for (const s of [bare, guarded, bareWithIds, guardedWithIds]) await s.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
