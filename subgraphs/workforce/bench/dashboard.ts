/**
 * Latency of `workforceDashboard` through the subgraph's Apollo Server (shield, audit middleware and
 * resolvers included, no HTTP), against the workforce demo data scaled up to about 1,200 staff (the demo
 * data of `pnpm seed --members 10000` has the default ~120 staff: the workforce seed does not scale with
 * members, so the staff are multiplied by --staff-scale, default 10, to make the measurement meaningful).
 * Run: pnpm exec tsx subgraphs/workforce/bench/dashboard.ts [--runs 300] [--staff-scale 10]
 * Uses MONGODB_URI when set, otherwise starts the embedded MongoDB.
 */
import { parseArgs } from 'node:util';
import { Faker, en } from '@faker-js/faker';
import type { AdminIdentity } from '@casino/auth';
import { createLogger } from '@casino/logger';
import { DEV_PROTECTION_ENV } from '@casino/crypto';
import { createProtector, parseSubgraphEnv } from '@casino/server';
import { workforceSubgraph, seedWorkforce } from '../src/index';
import {
  latencySummary,
  runBench,
  startInProcessSubgraph,
  testIdentity,
  timeRuns,
  withScratchDatabase,
} from '@casino/testing';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '300' }, 'staff-scale': { type: 'string', default: '10' } },
});
const RUNS = Number(values.runs);
const STAFF_SCALE = Number(values['staff-scale']);
const NOW = new Date('2026-11-01T00:00:00.000Z');
const QUERY = /* GraphQL */ `
  query Dashboard($range: DateRangeInput!) {
    workforceDashboard(range: $range) {
      headcount {
        department
        employmentStatus
        count
      }
      totals {
        ...Figures
      }
      byDepartment {
        department
        ...Figures
      }
    }
  }
  fragment Figures on WorkforceFigures {
    activeHeadcount
    averagePerformanceScore
    averageCommitmentScore
    trainingCompletionRate
    overdueTrainingCount
    staffWithOverdueTraining
    reviewsDueInRange
  }
`;
const RANGE = { from: '2026-10-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' };

const admin = (role: AdminIdentity['role'], department: string | null): AdminIdentity =>
  testIdentity(role, {
    userId: '00000000-0000-4000-8000-000000000001',
    username: role.toLowerCase(),
    department,
  });

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');
  if (!(STAFF_SCALE > 0)) throw new Error('--staff-scale must be positive');
  await withScratchDatabase('bench_workforce', async ({ mongo, uri, database }) => {
    const faker = new Faker({ locale: [en] });
    faker.seed(7);
    // development keys: the bench's scratch data protects nothing
    const env = parseSubgraphEnv(workforceSubgraph, {
      MONGODB_URI: uri,
      MONGODB_DATABASE: database,
      ...DEV_PROTECTION_ENV,
      // every run computes the figures: this measures the computation, not the dashboard cache
      DASHBOARD_CACHE_TTL_SECONDS: '0',
    });
    const protector = createProtector(workforceSubgraph, env)!;
    const seeded = await seedWorkforce(mongo.db, {
      faker,
      now: NOW,
      adminIds: [],
      staffScale: STAFF_SCALE,
      protector,
    });
    const logger = createLogger({ name: 'bench', level: 'silent' });
    const workforce = await startInProcessSubgraph(workforceSubgraph, { db: mongo.db, env, logger });
    const lines = [
      `workforce demo data: ${seeded.staff.length} staff (staff scale ${STAFF_SCALE}), ${seeded.trainingRecords} training records, ${seeded.performanceReviews} reviews`,
      `workforceDashboard, ${RUNS} runs each after 20 warm-up runs:`,
    ];
    for (const [label, identity] of [
      ['GeneralAdmin (all departments)', admin('GeneralAdmin', null)],
      ['Manager (Gaming only)        ', admin('Manager', 'Gaming')],
    ] as const) {
      const samples = await timeRuns(RUNS, 20, () => workforce.data(QUERY, { range: RANGE }, identity));
      lines.push(`  ${label}: ${latencySummary(samples)}`);
    }
    await workforce.stop();
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

runBench(main);
