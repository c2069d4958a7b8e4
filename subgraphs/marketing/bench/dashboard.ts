/**
 * Latency of `marketingDashboard` over 30 days through the marketing subgraph's Apollo Server (shield, audit
 * middleware and resolvers included, no HTTP), against the demo data `pnpm seed --members N` writes: loyalty's
 * seed (for the members) in a scratch database of its own, then marketing's seed with those members, both with
 * the same faker seeds and admin ids as scripts/seed-all. Queried as a GeneralAdmin; prints median and p99.
 * Run: pnpm exec tsx subgraphs/marketing/bench/dashboard.ts [--runs 200] [--members 10000]
 * Uses MONGODB_URI when set, otherwise starts the embedded MongoDB.
 */
import { performance } from 'node:perf_hooks';
import { demoAdmins } from '@casino/compliance';
import { DEV_PROTECTION_ENV, protectorFromEnv } from '@casino/crypto';
import { seedLoyalty } from '@casino/loyalty';
import { CUSTOMER_ANALYTICS } from '../src/analytics/analytics-store';
import { MARKETING_CAMPAIGNS } from '../src/campaigns/campaign-store';
import { WALK_IN_GUESTS } from '../src/guests/guest-store';
import { marketingSubgraph, seedMarketing } from '../src/index';
import { NOTIFICATIONS } from '../src/notifications/notification-store';
import { MARKETING_DASHBOARD } from '../src/testing/dashboard';
import {
  benchOptions,
  latencySummary,
  mongoLabel,
  runBench,
  seededFaker,
  startDashboardBenchSubgraph,
  IDENTITIES,
  timeRuns,
  withScratchDatabase,
} from '@casino/testing';
import { DAY_MS } from '@casino/config';

const { runs: RUNS, members: MEMBERS } = benchOptions({ runs: 200, members: 10_000 });
const WARMUP = 20;
const NOW = new Date('2026-11-01T00:00:00.000Z');
// the 30 days ending at the seed's reference instant
const RANGE = { from: new Date(NOW.getTime() - 30 * DAY_MS).toISOString(), to: NOW.toISOString() };

/** scripts/seed-all's faker seeds, so the data is the same as `pnpm seed` writes */
const faker = (seed: number) => seededFaker(seed, NOW);

interface DashboardData {
  marketingDashboard: {
    campaigns: { total: number };
    walkIns: { visits: number };
    notifications: { total: number };
  };
}

async function main(): Promise<void> {
  await withScratchDatabase('bench_marketing', async ({ mongo, uri, database, embedded }) => {
    const loyaltyDatabase = `${database}_loyalty`;
    try {
      // development keys: the bench's scratch data protects nothing
      const protector = protectorFromEnv(DEV_PROTECTION_ENV);
      const seedStarted = performance.now();
      const loyalty = await seedLoyalty(mongo.client.db(loyaltyDatabase), {
        faker: faker(2026_01),
        members: MEMBERS,
        now: NOW,
        protector,
      });
      await seedMarketing(mongo.db, {
        faker: faker(2026_04),
        now: NOW,
        members: loyalty.members,
        adminIds: demoAdmins(faker(2026_05)).map((a) => a.id),
        protector,
      });
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      const [campaigns, notifications, guests, analytics] = await Promise.all(
        [MARKETING_CAMPAIGNS, NOTIFICATIONS, WALK_IN_GUESTS, CUSTOMER_ANALYTICS].map((name) =>
          mongo.db.collection(name).estimatedDocumentCount(),
        ),
      );

      const marketing = await startDashboardBenchSubgraph(marketingSubgraph, { mongo, uri, database });
      let last: DashboardData | undefined;
      const samples = await timeRuns(RUNS, WARMUP, async () => {
        last = await marketing.data<DashboardData>(
          MARKETING_DASHBOARD,
          { range: RANGE },
          IDENTITIES.GeneralAdmin,
        );
      });
      await marketing.stop();
      const figures = last!.marketingDashboard;
      const lines = [
        `marketing demo data (--members ${MEMBERS}, seeded in ${seedSeconds.toFixed(1)} s): ${campaigns} campaigns, ${notifications} notifications, ${guests} walk-in guests, ${analytics} customer analytics docs`,
        `  range ${RANGE.from} .. ${RANGE.to} holds ${figures.campaigns.total} campaigns, ${figures.walkIns.visits} walk-in visits, ${figures.notifications.total} notifications`,
        `marketingDashboard as GeneralAdmin, ${RUNS} runs after ${WARMUP} warm-up runs:`,
        `  ${latencySummary(samples)}`,
        `  MongoDB: ${mongoLabel({ uri, embedded })}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await mongo.client.db(loyaltyDatabase).dropDatabase();
    }
  });
}

runBench(main);
