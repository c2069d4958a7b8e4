/**
 * Latency of gamingDashboard over 30 days on a realistic floor: 200,000 sessions spread over 35 days (about
 * 5,700 a day, 5,000 members, four game types), queried through the subgraph's Apollo Server with shield and
 * audit (no HTTP), as a Manager. Prints median and p99 of the measured runs.
 * Run: pnpm exec tsx subgraphs/gaming/bench/dashboard.ts [--runs 200] [--sessions 200000]
 * (uses MONGODB_URI when set, otherwise starts the embedded MongoDB)
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { centsToMoney, ensureIndexes } from '@casino/mongo';
import { createGamingSubgraph, parseGamingSettings } from '../src/index';
import { GAMING_SESSIONS } from '../src/sessions/session-store';
import type { GamingSessionDocument } from '../src/sessions/session-store';
import { insertGameTypes, standardGameTypes } from '../src/testing/fixtures';
import {
  benchOptions,
  latencySummary,
  mongoLabel,
  runBench,
  startDashboardBenchSubgraph,
  IDENTITIES,
  timeRuns,
  withScratchDatabase,
} from '@casino/testing';
import { DAY_MS } from '@casino/config';

const { runs: RUNS, sessions: SESSIONS } = benchOptions({ runs: 200, sessions: 200_000 });
const DAYS = 35;
const MEMBERS = 5_000;
const BATCH = 5_000;
const WARMUP = 5;

const QUERY = /* GraphQL */ `
  query Dashboard($range: DateRangeInput!) {
    gamingDashboard(range: $range) {
      totals {
        sessionCount
        totalBuyIn
        totalCashOut
        houseNetWin
        theo
        actualToTheo
      }
      byGameType {
        gameTypeCode
        performance {
          sessionCount
          houseNetWin
          theo
          actualToTheo
        }
      }
      byDay {
        day
        performance {
          sessionCount
          houseNetWin
          theo
        }
      }
      openSessions
      topPlayers {
        member {
          id
        }
        theo
      }
    }
  }
`;

/** A small deterministic generator, so every run inserts the same floor. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

async function main(): Promise<void> {
  await withScratchDatabase('bench_gaming', async ({ mongo, uri, database, embedded }) => {
    const definition = createGamingSubgraph(parseGamingSettings({}));
    await ensureIndexes(mongo.db, definition.indexes);
    const types = Object.values(standardGameTypes()).filter((t) => t.is_active);
    await insertGameTypes(mongo.db, types);

    const next = random(42);
    const members = Array.from({ length: MEMBERS }, () => randomUUID());
    const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const start = end - DAYS * DAY_MS;
    const insertStarted = performance.now();
    for (let done = 0; done < SESSIONS; done += BATCH) {
      const batch: GamingSessionDocument[] = [];
      for (let i = done; i < Math.min(done + BATCH, SESSIONS); i++) {
        const gameType = types[Math.floor(next() * types.length)]!;
        const sessionStart = new Date(start + Math.floor(next() * DAYS * DAY_MS));
        const minutes = 15 + Math.floor(next() * 240);
        const buyIn = BigInt(2_000 + Math.floor(next() * 500_000));
        const cashOut = BigInt(Math.floor(Number(buyIn) * next() * 1.8));
        // the last few hours' sessions are still running
        const active = sessionStart.getTime() > end - 3 * 3_600_000 && next() < 0.5;
        batch.push({
          id: randomUUID(),
          member_id: members[Math.floor(next() * members.length)]!,
          session_start: sessionStart,
          session_end: active ? null : new Date(sessionStart.getTime() + minutes * 60_000),
          game_type: gameType.code,
          game_type_id: gameType.id,
          table_number: gameType.kind === 'table' ? `T-${Math.floor(next() * 60)}` : null,
          seat_number: null,
          machine_number: gameType.kind === 'machine' ? `SL-${Math.floor(next() * 400)}` : null,
          buy_in_amount: centsToMoney(buyIn),
          cash_out_amount: active ? null : centsToMoney(cashOut),
          net_result: active ? null : centsToMoney(cashOut - buyIn),
          average_bet: active ? null : centsToMoney(buyIn / 20n),
          coin_in: null,
          theo: active ? null : centsToMoney(BigInt(Math.floor(Number(buyIn) * 0.02 * (minutes / 60)))),
          duration_minutes: active ? null : minutes,
          points_earned: 0,
          status: active ? 'active' : 'completed',
        });
      }
      await mongo.db.collection(GAMING_SESSIONS).insertMany(batch, { ordered: false });
    }
    const insertSeconds = (performance.now() - insertStarted) / 1000;

    const gaming = await startDashboardBenchSubgraph(definition, { mongo, uri, database });
    const range = { from: new Date(end - 30 * DAY_MS).toISOString(), to: new Date(end).toISOString() };
    let last: { gamingDashboard: { totals: { sessionCount: number }; byDay: unknown[] } } | undefined;
    const sorted = await timeRuns(RUNS, WARMUP, async () => {
      last = await gaming.data(QUERY, { range }, IDENTITIES.Manager);
    });
    await gaming.stop();
    const lines = [
      `gamingDashboard over 30 days: ${SESSIONS.toLocaleString('en')} sessions in ${DAYS} days inserted in ${insertSeconds.toFixed(1)} s`,
      `  range holds ${last!.gamingDashboard.totals.sessionCount.toLocaleString('en')} sessions, ${last!.gamingDashboard.byDay.length} gaming days`,
      `  ${RUNS} runs (after ${WARMUP} warm-up): ${latencySummary(sorted, 1)}`,
      `  MongoDB: ${mongoLabel({ uri, embedded })}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

runBench(main);
