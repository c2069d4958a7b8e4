/**
 * Latency of `complianceDashboard` through the compliance subgraph's Apollo Server (shield, resolvers, no HTTP
 * in front of it), with its real dependencies: the demo data `pnpm seed --members N` writes for loyalty, gaming
 * and compliance (their own seed functions, with the same faker seeds as scripts/seed-all) in scratch
 * databases, and the real loyalty and gaming subgraphs started on free ports, which compliance calls over HTTP
 * as a service for the member counts and the CTR/MTL counts.
 * Run: pnpm exec tsx subgraphs/compliance/bench/dashboard.ts [--runs 200] [--members 10000] [--profile]
 * (--profile first times the two upstream calls on their own).
 * Uses MONGODB_URI when set, otherwise starts the embedded MongoDB.
 */
import { performance } from 'node:perf_hooks';
import { DEV_PROTECTION_ENV, protectorFromEnv } from '@casino/crypto';
import { gamingSubgraph, seedGaming } from '@casino/gaming';
import { loyaltySubgraph, seedLoyalty } from '@casino/loyalty';
import { complianceSubgraph, demoAdmins, seedCompliance } from '../src/index';
import { COMPLIANCE_DASHBOARD } from '../src/testing/dashboard';
import {
  benchOptions,
  latencySummary,
  runBench,
  seededFaker,
  startDashboardBenchSubgraph,
  startServedSubgraph,
  IDENTITIES,
  timeRuns,
  withScratchDatabase,
} from '@casino/testing';
import type { ServedSubgraph } from '@casino/testing';

const {
  runs: RUNS,
  members: MEMBERS,
  profile: PROFILE,
} = benchOptions({ runs: 200, members: 10_000 }, ['profile']);
const NOW = new Date('2026-11-01T00:00:00.000Z');
// the 90 days before the seed's reference instant, where the seeded play is
const RANGE = { from: '2026-08-03T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' };

/** scripts/seed-all's faker seeds, so the data is the same as `pnpm seed` writes */
const faker = (seed: number) => seededFaker(seed, NOW);

async function main(): Promise<void> {
  await withScratchDatabase('bench_compliance', async ({ mongo, uri, database }) => {
    const databases = { loyalty: `${database}_loyalty`, gaming: `${database}_gaming` };
    const protection = { ...DEV_PROTECTION_ENV };
    const upstreams: { stop(): Promise<void> }[] = [];
    try {
      const loyaltyData = await seedLoyalty(mongo.client.db(databases.loyalty), {
        faker: faker(2026_01),
        members: MEMBERS,
        now: NOW,
        protector: protectorFromEnv(protection),
      });
      await seedGaming(mongo.client.db(databases.gaming), {
        faker: faker(2026_02),
        now: NOW,
        members: loyaltyData.members,
      });
      await seedCompliance(mongo.db, {
        faker: faker(2026_05),
        now: NOW,
        admins: demoAdmins(faker(2026_05)),
        demoPassword: 'bench-password-2026',
        staff: [],
        members: loyaltyData.members,
      });
      // the real subgraphs over HTTP, called as compliance's service identity
      const upstream = (db: string) => ({
        env: {
          ...protection,
          MONGODB_URI: uri,
          MONGODB_DATABASE: db,
          // measure slow answers instead of failing on them (the service default is a few seconds)
          SERVICE_CALL_TIMEOUT_MS: '60000',
        },
      });
      const asCompliance = (started: Promise<ServedSubgraph>) =>
        started.then((served) => {
          upstreams.push(served);
          return served.clientAs('compliance');
        });
      const [loyalty, gaming] = await Promise.all([
        asCompliance(startServedSubgraph(loyaltySubgraph, upstream(databases.loyalty))),
        asCompliance(startServedSubgraph(gamingSubgraph, upstream(databases.gaming))),
      ]);
      // built once, as the service does at start; compliance holds personal data (the sealed TOTP secrets)
      const compliance = await startDashboardBenchSubgraph(
        complianceSubgraph,
        { mongo, uri, database },
        { services: { loyalty, gaming } },
      );
      const [sessions, members] = await Promise.all([
        mongo.client.db(databases.gaming).collection('gaming_sessions').estimatedDocumentCount(),
        mongo.client.db(databases.loyalty).collection('members').estimatedDocumentCount(),
      ]);
      let last: unknown;
      const run = async () => {
        last = await compliance.data(COMPLIANCE_DASHBOARD, { range: RANGE }, IDENTITIES.GeneralAdmin);
      };
      if (PROFILE) {
        const { ComplianceCashCountsDocument } = await import('@casino/gaming/operations');
        const { ComplianceMemberCountsDocument } = await import('@casino/loyalty/operations');
        for (const [label, call] of [
          ['loyalty counts', () => loyalty.request(ComplianceMemberCountsDocument, {})],
          [
            'gaming counts',
            () =>
              gaming.request(ComplianceCashCountsDocument, {
                ...RANGE,
                dayStartHour: 6,
                ctrThreshold: '10000.00',
                mtlThreshold: '3000.00',
              }),
          ],
        ] as const) {
          const t = performance.now();
          for (let i = 0; i < 10; i++) await call();
          process.stdout.write(`${label}: ${((performance.now() - t) / 10).toFixed(1)} ms\n`);
        }
      }
      const samples = await timeRuns(RUNS, 20, run);
      await compliance.stop();
      process.stdout.write(
        [
          `demo data: ${members} members, ${sessions} gaming sessions (--members ${MEMBERS})`,
          `complianceDashboard over ${RANGE.from} .. ${RANGE.to}, ${RUNS} runs after 20 warm-up runs:`,
          `  ${latencySummary(samples)}`,
          `  figures: ${JSON.stringify((last as { complianceDashboard: unknown }).complianceDashboard)}`,
          '',
        ].join('\n'),
      );
    } finally {
      await Promise.all(upstreams.map((u) => u.stop()));
      for (const name of ['loyalty', 'gaming'] as const) {
        await mongo.client.db(databases[name]).dropDatabase();
      }
    }
  });
}

runBench(main);
