/**
 * Latency of loyaltyDashboard with comps at the demo size: loyalty's own seed (the faker seed of scripts/seed-all,
 * 10,000 members by default, with their points ledger, redemptions and comps) in a scratch database, queried
 * through the subgraph's Apollo Server with shield and audit (no HTTP) as a Manager, every figure the dashboard
 * has (points, rewards and comps), computed on every run (DASHBOARD_CACHE_TTL_SECONDS=0). Prints median and p99.
 * Run: pnpm exec tsx subgraphs/loyalty/bench/dashboard.ts [--runs 30] [--members 10000] [--days 30]
 * (uses MONGODB_URI when set, otherwise starts the embedded MongoDB)
 */
import { DAY_MS } from '@casino/config';
import { DEV_PROTECTION_ENV, protectorFromEnv } from '@casino/crypto';
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
import { loyaltySubgraph, seedLoyalty } from '../src/index';
import { LOYALTY_DASHBOARD } from '../src/testing/dashboard';

const { runs: RUNS, members: MEMBERS, days: DAYS } = benchOptions({ runs: 30, members: 10_000, days: 30 });
const WARMUP = 3;
const NOW = new Date('2026-11-01T00:00:00.000Z');

interface Dashboard {
  loyaltyDashboard: {
    compsIssued: string;
    compsOutstanding: string;
    compBalanceOutstanding: string;
    reinvestmentByTier: { tier: string; theo: string; comps: string; ratio: number | null }[];
  };
}

async function main(): Promise<void> {
  await withScratchDatabase('bench_loyalty', async ({ mongo, uri, database, embedded }) => {
    const seedStarted = Date.now();
    await seedLoyalty(mongo.db, {
      // scripts/seed-all's faker seed for loyalty, so the data is the same as `pnpm seed` writes
      faker: seededFaker(2026_01, NOW),
      members: MEMBERS,
      now: NOW,
      protector: protectorFromEnv(DEV_PROTECTION_ENV),
    });
    const seedSeconds = (Date.now() - seedStarted) / 1000;
    const [members, entries, comps] = await Promise.all([
      mongo.db.collection('members').estimatedDocumentCount(),
      mongo.db.collection('points_ledger').estimatedDocumentCount(),
      mongo.db.collection('comps').estimatedDocumentCount(),
    ]);
    const loyalty = await startDashboardBenchSubgraph(loyaltySubgraph, { mongo, uri, database });
    const range = { from: new Date(NOW.getTime() - DAYS * DAY_MS).toISOString(), to: NOW.toISOString() };
    let last: Dashboard | undefined;
    const sorted = await timeRuns(RUNS, WARMUP, async () => {
      last = await loyalty.data<Dashboard>(LOYALTY_DASHBOARD, { range }, IDENTITIES.Manager);
    });
    await loyalty.stop();
    const d = last!.loyaltyDashboard;
    const ratios = d.reinvestmentByTier
      .map((row) => `${row.tier} ${row.ratio === null ? '-' : (row.ratio * 100).toFixed(1)} %`)
      .join(', ');
    const lines = [
      `loyaltyDashboard with comps over ${DAYS} days: ${members.toLocaleString('en')} members, ${entries.toLocaleString('en')} ledger entries, ${comps.toLocaleString('en')} comps (seeded in ${seedSeconds.toFixed(1)} s)`,
      `  comps issued ${d.compsIssued}, outstanding ${d.compsOutstanding}, comp balances ${d.compBalanceOutstanding}; reinvestment ${ratios}`,
      `  ${RUNS} runs (after ${WARMUP} warm-up): ${latencySummary(sorted, 1)}`,
      `  MongoDB: ${mongoLabel({ uri, embedded })}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

runBench(main);
