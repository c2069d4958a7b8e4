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
import { createRequestAudit } from '@casino/audit';
import { closeRedis, connectRedis } from '@casino/auth';
import { createLogger } from '@casino/logger';
import { ensureIndexes, toMoney } from '@casino/mongo';
import {
  createServiceClients,
  createSubgraphApollo,
  createSubgraphServices,
  parseSubgraphEnv,
} from '@casino/server';
import type { SubgraphDeps } from '@casino/server';
import { createGamingSubgraph, parseGamingSettings } from '@casino/gaming';
import type { GamingServices } from '@casino/gaming';
import { sessionFixture, standardGameTypes } from '@casino/gaming/testing';
import { startRedisServer } from '@casino/testing';
import { IDENTITIES } from '@casino/testing';
import { percentile, withScratchDatabase } from '@casino/testing';

const HITS = Number(process.argv[2] ?? 1_000);
const MISSES = Number(process.argv[3] ?? 50);
const SESSIONS = Number(process.argv[4] ?? 20_000);
const DAY_MS = 86_400_000;
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
    const apollo = createSubgraphApollo({ ...definition, logger });
    await apollo.start();
    const depsWith = (ttlSeconds: number, redis: SubgraphDeps['redis']): SubgraphDeps => {
      const env = parseSubgraphEnv(definition, {
        MONGODB_URI: uri,
        MONGODB_DATABASE: database,
        DASHBOARD_CACHE_TTL_SECONDS: String(ttlSeconds),
      });
      return {
        db: mongo.db,
        env,
        logger,
        paging: { defaultSize: env.DEFAULT_PAGE_SIZE, maxSize: env.MAX_PAGE_SIZE },
        services: createServiceClients('gaming', env),
        redis,
      };
    };
    // the subgraph's services (with its dashboard cache) are built once per process: here once per mode
    const servicesOf = new Map<SubgraphDeps, GamingServices>();
    const ask = async (deps: SubgraphDeps, rangeEnd: number): Promise<number> => {
      if (!servicesOf.has(deps)) servicesOf.set(deps, createSubgraphServices(definition, deps));
      const range = { from: new Date(end - 30 * DAY_MS).toISOString(), to: new Date(rangeEnd).toISOString() };
      const base = { requestId: 'bench', clientName: null, ip: null, log: logger, identity: manager };
      const audit = createRequestAudit({ ...base, service: 'gaming' }, () => undefined);
      const started = performance.now();
      const response = await apollo.executeOperation(
        { query: QUERY, variables: { range } },
        { contextValue: definition.createContext({ ...base, audit }, servicesOf.get(deps)!) },
      );
      const elapsed = performance.now() - started;
      if (response.body.kind !== 'single' || response.body.singleResult.errors) {
        throw new Error(`dashboard failed: ${JSON.stringify(response.body)}`);
      }
      return elapsed;
    };
    /**
     * Misses: a new range end each time; hits: one range per mode, cached by its first request. The modes take
     * turns, so none always runs on a colder or warmer process.
     */
    const measure = async (modes: Record<'off' | 'memory' | 'redis', SubgraphDeps>) => {
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
        off: depsWith(0, null),
        memory: depsWith(3_600, null),
        redis: depsWith(3_600, redis),
      });
      const lines = [
        `gamingDashboard over 30 days, ${SESSIONS.toLocaleString('en')} sessions, through Apollo Server as a Manager`,
        `  cache off (DASHBOARD_CACHE_TTL_SECONDS=0): ${summary(off.misses)} (${MISSES} runs)`,
        `  memory: miss ${summary(memory.misses)} (${MISSES} runs); hit ${summary(memory.hits)} (${HITS} runs)`,
        `  Redis:  miss ${summary(shared.misses)} (${MISSES} runs); hit ${summary(shared.hits)} (${HITS} runs)`,
        `  MongoDB: ${embedded ? 'embedded mongo-java-server' : uri.replace(/\/\/[^@]*@/, '//')}; Redis: local redis-server`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await apollo.stop();
      await closeRedis(redis);
      await redisServer.stop();
    }
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
