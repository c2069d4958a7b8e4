/**
 * Hit and miss latency of the dashboard cache: gamingDashboard over 30 days of a floor of SESSIONS sessions,
 * asked through the gaming subgraph's Apollo Server (shield and audit, no HTTP) as a Manager, with the cache
 * off, in memory and in Redis (a real redis-server started for the run). A miss asks a range no request asked
 * before (its end one millisecond later each time), so it looks up, computes and stores; a hit repeats one
 * range. Prints median and p95 of each case.
 *
 *   pnpm bench:dashboard-cache [hits=1000] [misses=50] [sessions=20000]
 * (uses MONGODB_URI when set, otherwise starts the embedded MongoDB)
 */
import { performance } from 'node:perf_hooks';
import { closeRedis, connectRedis } from '@casino/auth';
import { DAY_MS } from '@casino/config';
import { createLogger } from '@casino/logger';
import { ensureIndexes, toMoney } from '@casino/mongo';
import { parseSubgraphEnv } from '@casino/server';
import type { SubgraphDeps } from '@casino/server';
import { createGamingSubgraph, parseGamingSettings } from '@casino/gaming';
import { sessionFixture, standardGameTypes } from '@casino/gaming/testing';
import {
  IDENTITIES,
  mongoLabel,
  percentile,
  startInProcessSubgraph,
  startRedisServer,
  withScratchDatabase,
} from '@casino/testing';
import type { InProcessSubgraph } from '@casino/testing';

const HITS = Number(process.argv[2] ?? 1_000);
const MISSES = Number(process.argv[3] ?? 50);
const SESSIONS = Number(process.argv[4] ?? 20_000);
const WARMUP = 20;

const manager = IDENTITIES.Manager;
const QUERY = `query Dashboard($range: DateRangeInput!) {
  gamingDashboard(range: $range) {
    openSessions
    totals { sessionCount totalBuyIn houseNetWin theo actualToTheo }
    byGameType { gameTypeCode performance { sessionCount houseNetWin } }
    byDay { day performance { sessionCount theo } }
  }
}`;

const ms = (value: number) => `${value.toFixed(value < 1 ? 3 : 1)} ms`;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}`;
};

async function main(): Promise<void> {
  await withScratchDatabase('bench_dashboard_cache', async ({ mongo, uri, database, embedded }) => {
    const definition = createGamingSubgraph(parseGamingSettings({}));
    await ensureIndexes(mongo.db, definition.indexes);
    const types = Object.values(standardGameTypes());
    const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    for (let done = 0; done < SESSIONS; done += 5_000) {
      const batch = Array.from({ length: Math.min(5_000, SESSIONS - done) }, (_, i) => {
        const start = new Date(end - 35 * DAY_MS + (((done + i) * 7_919) % (35 * DAY_MS)));
        return sessionFixture(types[(done + i) % types.length]!, {
          member_id: `member-${(done + i) % 2_000}`,
          session_start: start,
          session_end: new Date(start.getTime() + 3_600_000),
          buy_in_amount: toMoney(`${100 + ((done + i) % 900)}.00`),
        });
      });
      await mongo.db.collection('gaming_sessions').insertMany(batch);
    }

    const redisServer = await startRedisServer();
    const logger = createLogger({ name: 'bench', level: 'silent' });
    // the subgraph's services (with its dashboard cache) are built once per process: here once per mode
    const running: InProcessSubgraph[] = [];
    const gamingWith = async (ttlSeconds: number, redis: SubgraphDeps['redis']) => {
      const env = parseSubgraphEnv(definition, {
        MONGODB_URI: uri,
        MONGODB_DATABASE: database,
        DASHBOARD_CACHE_TTL_SECONDS: String(ttlSeconds),
      });
      const gaming = await startInProcessSubgraph(definition, { db: mongo.db, env, logger, redis });
      running.push(gaming);
      return gaming;
    };
    const ask = async (gaming: InProcessSubgraph, rangeEnd: number): Promise<number> => {
      const range = { from: new Date(end - 30 * DAY_MS).toISOString(), to: new Date(rangeEnd).toISOString() };
      const started = performance.now();
      await gaming.data(QUERY, { range }, manager);
      return performance.now() - started;
    };
    /**
     * Misses: a new range end each time; hits: one range per mode, cached by its first request. The modes take
     * turns, so none always runs on a colder or warmer process.
     */
    const measure = async (modes: Record<'off' | 'memory' | 'redis', InProcessSubgraph>) => {
      const names = Object.keys(modes) as (keyof typeof modes)[];
      const samples = Object.fromEntries(
        names.map((name) => [name, { misses: [] as number[], hits: [] as number[] }]),
      );
      const hitEnd = (k: number) => end + (k + 1) * 1_000_000;
      for (let i = 0; i < WARMUP + MISSES; i++) {
        for (const [k, name] of names.entries()) {
          const elapsed = await ask(modes[name], hitEnd(k) + 1 + i);
          if (i >= WARMUP) samples[name]!.misses.push(elapsed);
        }
      }
      for (let i = 0; i < WARMUP + HITS; i++) {
        for (const [k, name] of names.entries()) {
          if (name === 'off') continue;
          const elapsed = await ask(modes[name], hitEnd(k));
          if (i >= WARMUP) samples[name]!.hits.push(elapsed);
        }
      }
      return samples as Record<keyof typeof modes, { misses: number[]; hits: number[] }>;
    };

    const redis = connectRedis(redisServer.url);
    try {
      if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
      const {
        off,
        memory,
        redis: shared,
      } = await measure({
        off: await gamingWith(0, null),
        memory: await gamingWith(3_600, null),
        redis: await gamingWith(3_600, redis),
      });
      const lines = [
        `gamingDashboard over 30 days, ${SESSIONS.toLocaleString('en')} sessions, through Apollo Server as a Manager`,
        `  cache off (DASHBOARD_CACHE_TTL_SECONDS=0): ${summary(off.misses)} (${MISSES} runs)`,
        `  memory: miss ${summary(memory.misses)} (${MISSES} runs); hit ${summary(memory.hits)} (${HITS} runs)`,
        `  Redis:  miss ${summary(shared.misses)} (${MISSES} runs); hit ${summary(shared.hits)} (${HITS} runs)`,
        `  MongoDB: ${mongoLabel({ uri, embedded })}; Redis: local redis-server`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await Promise.all(running.map((gaming) => gaming.stop()));
      await closeRedis(redis);
      await redisServer.stop();
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
