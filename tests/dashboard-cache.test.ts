import { BSON } from 'mongodb';
import type { Db } from 'mongodb';
import {
  REQUEST_CREDENTIAL_HEADER,
  closeRedis,
  connectRedis,
  developmentSigner,
  signRequestCredential,
} from '@casino/auth';
import { DashboardCache } from '@casino/cache';
import { gamingSubgraph } from '@casino/gaming';
import { sessionFixture, standardGameTypes } from '@casino/gaming/testing';
import { loyaltySubgraph } from '@casino/loyalty';
import { marketingSubgraph } from '@casino/marketing';
import { toMoney } from '@casino/mongo';
import type { SubgraphDefinition } from '@casino/server';
import { workforceSubgraph } from '@casino/workforce';
import { startRedisServer } from '@casino/testing';
import type { RedisServer } from '@casino/testing';
import { TEST_SUPERADMIN, startServedSubgraph, startSubgraphHarness, uniqueDatabase } from '@casino/testing';
import type { ServedSubgraph, SubgraphHarness } from '@casino/testing';

const RANGE = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Each dashboard asked twice with different selections: the second is answered from the cached figures (no
 * MongoDB command), and graphql still resolves exactly the fields the second request selects.
 */
const DASHBOARDS: [string, SubgraphDefinition<never, unknown>, string, string, string[]][] = [
  [
    'loyaltyDashboard',
    loyaltySubgraph as SubgraphDefinition<never, unknown>,
    '{ from newMembers }',
    '{ to outstandingPoints membersByTier { tier count } }',
    ['to', 'outstandingPoints', 'membersByTier'],
  ],
  [
    'gamingDashboard',
    gamingSubgraph as SubgraphDefinition<never, unknown>,
    '{ openSessions }',
    '{ from totals { sessionCount totalBuyIn } }',
    ['from', 'totals'],
  ],
  [
    'marketingDashboard',
    marketingSubgraph as SubgraphDefinition<never, unknown>,
    '{ walkIns { visits } }',
    '{ to campaigns { total totalBudget } }',
    ['to', 'campaigns'],
  ],
  [
    'workforceDashboard',
    workforceSubgraph as SubgraphDefinition<never, unknown>,
    '{ totals { activeHeadcount } }',
    '{ from byDepartment { department reviewsDueInRange } }',
    ['from', 'byDepartment'],
  ],
];

describe.each(DASHBOARDS)('%s from the cache', (name, definition, first, second, secondFields) => {
  let cached: SubgraphHarness;
  let uncached: SubgraphHarness;
  const operation = (selection: string) =>
    `query ($range: DateRangeInput!) { ${name}(range: $range) ${selection} }`;

  beforeAll(async () => {
    [cached, uncached] = await Promise.all([
      startSubgraphHarness(definition),
      startSubgraphHarness(definition, { env: { DASHBOARD_CACHE_TTL_SECONDS: '0' } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([cached?.close(), uncached?.close()]);
  });

  it('answers a repeat within the TTL without MongoDB, with the fields the repeat selects', async () => {
    const computed = await cached.execute(operation(first), { range: RANGE });
    expect(computed.errors).toBeUndefined();
    expect(computed.commands).toContain('aggregate');
    const repeat = await cached.execute(operation(second), { range: RANGE });
    expect(repeat.errors).toBeUndefined();
    expect(repeat.commands).toEqual([]);
    expect(Object.keys(repeat.data![name] as object)).toEqual(secondFields);
  });

  it('computes every request with DASHBOARD_CACHE_TTL_SECONDS=0', async () => {
    for (let i = 0; i < 2; i++) {
      const result = await uncached.execute(operation(first), { range: RANGE });
      expect(result.errors).toBeUndefined();
      expect(result.commands).toContain('aggregate');
    }
  });
});

const GAMING_DASHBOARD = /* GraphQL */ `
  query ($range: DateRangeInput!) {
    gamingDashboard(range: $range) {
      from
      to
      totals {
        sessionCount
        totalBuyIn
        houseNetWin
        theo
      }
      byDay {
        day
      }
    }
  }
`;

/** A gaming subgraph served over HTTP, asked as the gateway would on behalf of a signed-in admin. */
async function askGaming(gaming: ServedSubgraph): Promise<Record<string, unknown>> {
  const body = JSON.stringify({ query: GAMING_DASHBOARD, variables: { range: RANGE } });
  const response = await fetch(gaming.running.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [REQUEST_CREDENTIAL_HEADER]: await signRequestCredential(developmentSigner('gateway'), {
        identity: TEST_SUPERADMIN,
        audience: 'gaming',
        body,
      }),
    },
    body,
  });
  const answer = (await response.json()) as {
    data?: { gamingDashboard: Record<string, unknown> };
    errors?: [];
  };
  expect(answer.errors).toBeUndefined();
  return answer.data!.gamingDashboard;
}

const addSession = (db: Db, buyIn: string, start: string) =>
  db.collection('gaming_sessions').insertOne(
    sessionFixture(standardGameTypes().baccarat, {
      session_start: new Date(start),
      session_end: new Date(new Date(start).getTime() + 3_600_000),
      buy_in_amount: toMoney(buyIn),
      cash_out_amount: toMoney('0.00'),
    }),
  );

describe('the dashboard cache shared through Redis', () => {
  let redis: RedisServer;
  let replicas: ServedSubgraph[];

  beforeAll(async () => {
    redis = await startRedisServer();
    const env = {
      REDIS_URL: redis.url,
      MONGODB_DATABASE: uniqueDatabase('gaming'),
      DASHBOARD_CACHE_TTL_SECONDS: '2',
    };
    replicas = await Promise.all([
      startServedSubgraph(gamingSubgraph, { env }),
      startServedSubgraph(gamingSubgraph, { env }),
    ]);
    await addSession(replicas[0]!.db, '1234.56', '2026-03-10T20:00:00.000Z');
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.stop();
    await redis?.stop();
  });

  it("serves one replica's figures to another until they expire, with dates and amounts intact", async () => {
    const [a, b] = replicas as [ServedSubgraph, ServedSubgraph];
    const inspector = connectRedis(redis.url);
    try {
      // the replicas connect to Redis as they start: ask until the first answer is stored there
      let first = await askGaming(a);
      for (let i = 0; (await inspector.keys('casino:dashboard:v1:*gamingDashboard:*')).length === 0; i++) {
        if (i > 40) throw new Error('the figures never reached Redis');
        await sleep(25);
        first = await askGaming(a);
      }
      expect(first).toMatchObject({
        ...RANGE,
        totals: { sessionCount: 1, totalBuyIn: '1234.56', houseNetWin: '1234.56' },
        byDay: [{ day: '2026-03-10' }],
      });
      await addSession(a.db, '100.00', '2026-03-12T20:00:00.000Z');
      // b never computed these figures: it reads a's from Redis, the new session not yet in them
      expect(await askGaming(b)).toEqual(first);
      await sleep(2_100);
      expect(await askGaming(b)).toMatchObject({
        totals: { sessionCount: 2, totalBuyIn: '1334.56' },
        byDay: [{ day: '2026-03-10' }, { day: '2026-03-12' }],
      });
    } finally {
      await closeRedis(inspector);
    }
  });
});

describe('DashboardCache on a real Redis', () => {
  let redis: RedisServer;

  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(() => redis.stop());

  const connected = async (url: string) => {
    const client = connectRedis(url);
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    return client;
  };
  const key = {
    dashboard: 'workforceDashboard',
    scope: { department: 'Gaming' },
    range: { from: new Date(RANGE.from), to: new Date(RANGE.to) },
  };

  it('stores Extended JSON: dates and decimals come back as they were, for another instance', async () => {
    const [one, two] = await Promise.all([connected(redis.url), connected(redis.url)]);
    try {
      const log = { warn: jest.fn(), info: jest.fn() };
      const writer = new DashboardCache({ ttlMs: 30_000, maxEntries: 10, redis: one, log });
      const reader = new DashboardCache({ ttlMs: 30_000, maxEntries: 10, redis: two, log });
      const figures = {
        from: new Date('2026-03-01T00:00:00.000Z'),
        total: toMoney('1234.56'),
        rows: [{ at: new Date('2026-03-02T06:00:00.000Z'), rate: 66.67, none: null, count: 3 }],
      };
      expect(await writer.figures(key, async () => figures)).toBe(figures);
      const read = await reader.figures<typeof figures>(key, async () => {
        throw new Error('the reader computed instead of reading Redis');
      });
      expect(read).toEqual(figures);
      expect(read.from).toBeInstanceOf(Date);
      expect(read.rows[0]!.at).toBeInstanceOf(Date);
      expect(read.total).toBeInstanceOf(BSON.Decimal128);
      expect(read.total.toString()).toBe('1234.56');
      expect(await two.pttl((await two.keys('casino:dashboard:*'))[0]!)).toBeGreaterThan(29_000);
      expect(log.warn).not.toHaveBeenCalled();
    } finally {
      await Promise.all([closeRedis(one), closeRedis(two)]);
    }
  });

  it('computes each request while Redis is down, never failing, and says so once', async () => {
    const client = await connected(redis.url);
    try {
      const log = { warn: jest.fn(), info: jest.fn() };
      const cache = new DashboardCache({ ttlMs: 30_000, maxEntries: 10, redis: client, log });
      let runs = 0;
      const compute = async () => ({ run: ++runs });
      expect(await cache.figures(key, compute)).toEqual({ run: 1 });
      expect(await cache.figures(key, compute)).toEqual({ run: 1 });
      await redis.stop();
      const during = [];
      for (let i = 0; i < 5; i++) during.push(await cache.figures(key, compute));
      expect(during).toEqual([2, 3, 4, 5, 6].map((run) => ({ run })));
      expect(log.warn).toHaveBeenCalledTimes(1);
      expect(log.warn.mock.calls[0]![1]).toMatch(/Redis cannot be reached/);
    } finally {
      await closeRedis(client);
    }
  });

  it('says so once too when a command fails on a connection that still looks ready', async () => {
    const client = await connected(redis.url);
    try {
      const log = { warn: jest.fn(), info: jest.fn() };
      const cache = new DashboardCache({ ttlMs: 30_000, maxEntries: 10, redis: client, log });
      jest.spyOn(client, 'get').mockRejectedValue(new Error('READONLY You can not write'));
      let runs = 0;
      const compute = async () => ({ run: ++runs });
      expect(await cache.figures(key, compute)).toEqual({ run: 1 });
      expect(await cache.figures(key, compute)).toEqual({ run: 2 });
      expect(log.warn).toHaveBeenCalledTimes(1);
      jest.restoreAllMocks();
      expect(await cache.figures(key, compute)).toEqual({ run: 3 });
      expect(await cache.figures(key, compute)).toEqual({ run: 3 });
      expect(log.info).toHaveBeenCalledWith('dashboard cache: Redis is back; dashboards are cached again');
    } finally {
      await closeRedis(client);
    }
  });
});
