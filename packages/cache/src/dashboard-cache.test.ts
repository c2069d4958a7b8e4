import { DashboardCache, dashboardCacheKey } from './dashboard-cache';
import type { DashboardKey } from './dashboard-cache';

const RANGE = { from: new Date('2026-03-01T00:00:00.000Z'), to: new Date('2026-04-01T00:00:00.000Z') };
const key = (overrides: Partial<DashboardKey> = {}): DashboardKey => ({
  dashboard: 'workforceDashboard',
  scope: { department: 'Gaming' },
  range: RANGE,
  ...overrides,
});
const silent = { warn: () => undefined, info: () => undefined };

/** A clock the test moves, and a computation that counts its runs and answers the run number. */
function setUp(ttlMs = 30_000, maxEntries = 100) {
  let now = 1_000_000;
  const cache = new DashboardCache({ ttlMs, maxEntries, log: silent, now: () => now });
  let runs = 0;
  const compute = async () => ({ run: ++runs });
  return {
    cache,
    compute,
    runs: () => runs,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('dashboardCacheKey', () => {
  it('is one key for the same dashboard, scope and instants, however the range was written', () => {
    const sameInstants = {
      from: new Date('2026-03-01T05:30:00.000+05:30'),
      to: new Date('2026-04-01T05:30:00.000+05:30'),
    };
    expect(dashboardCacheKey(key({ range: sameInstants }))).toBe(dashboardCacheKey(key()));
    expect(dashboardCacheKey(key({ scope: { department: 'Gaming' } }))).toBe(dashboardCacheKey(key()));
  });

  it('differs by dashboard, by scope (all departments too) and by either end of the range', () => {
    const keys = [
      key(),
      key({ dashboard: 'gamingDashboard' }),
      key({ scope: { department: 'F&B' } }),
      key({ scope: { department: null } }),
      key({ scope: { department: 'null' } }),
      key({ scope: {} }),
      key({ range: { from: new Date(RANGE.from.getTime() + 1), to: RANGE.to } }),
      key({ range: { from: RANGE.from, to: new Date(RANGE.to.getTime() - 1) } }),
    ].map(dashboardCacheKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("differs by the shape version, so two releases never read each other's figures", () => {
    expect(dashboardCacheKey(key({ version: 'schema-a' }))).not.toBe(
      dashboardCacheKey(key({ version: 'schema-b' })),
    );
    expect(dashboardCacheKey(key({ version: 'schema-a' }))).not.toBe(dashboardCacheKey(key()));
    expect(dashboardCacheKey(key({ version: 'schema-a' }))).toMatch(
      /^casino:dashboard:v1:schema-a:workforceDashboard:/,
    );
  });

  it('names the dashboard and keeps the scope out of sight', () => {
    const text = dashboardCacheKey(key({ scope: { department: 'Surveillance Room 7' } }));
    expect(text).toMatch(/^casino:dashboard:v1:workforceDashboard:[\w-]{43}$/);
    expect(text).not.toContain('Surveillance');
  });
});

describe('DashboardCache in memory', () => {
  it('serves the computed figures until they are as old as the TTL, then computes them again', async () => {
    const { cache, compute, runs, advance } = setUp(30_000);
    expect(await cache.figures(key(), compute)).toEqual({ run: 1 });
    advance(29_999);
    expect(await cache.figures(key(), compute)).toEqual({ run: 1 });
    advance(1);
    expect(await cache.figures(key(), compute)).toEqual({ run: 2 });
    expect(runs()).toBe(2);
  });

  it('counts the TTL from the start of the computation, so a slow one is not served longer', async () => {
    const { cache, advance } = setUp(30_000);
    let runs = 0;
    const slow = async () => {
      runs += 1;
      advance(20_000);
      return runs;
    };
    expect(await cache.figures(key(), slow)).toBe(1);
    advance(9_999);
    expect(await cache.figures(key(), slow)).toBe(1);
    advance(1);
    expect(await cache.figures(key(), slow)).toBe(2);
  });

  it('keeps each scope, range and dashboard apart', async () => {
    const { cache, compute } = setUp();
    const gaming = await cache.figures(key(), compute);
    const fnb = await cache.figures(key({ scope: { department: 'F&B' } }), compute);
    const all = await cache.figures(key({ scope: { department: null } }), compute);
    const other = await cache.figures(key({ dashboard: 'gamingDashboard', scope: {} }), compute);
    expect([gaming, fnb, all, other]).toEqual([{ run: 1 }, { run: 2 }, { run: 3 }, { run: 4 }]);
    expect(await cache.figures(key({ scope: { department: 'F&B' } }), compute)).toEqual({ run: 2 });
  });

  it('runs one computation for concurrent requests of a key that is not cached', async () => {
    const { cache } = setUp();
    let runs = 0;
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    const compute = async () => {
      const run = ++runs;
      await gate;
      return { run };
    };
    const answers = Array.from({ length: 20 }, () => cache.figures(key(), compute));
    const otherScope = cache.figures(key({ scope: { department: 'F&B' } }), compute);
    finish();
    expect(await Promise.all(answers)).toEqual(Array.from({ length: 20 }, () => ({ run: 1 })));
    expect(await otherScope).toEqual({ run: 2 });
    expect(runs).toBe(2);
  });

  it('never remembers a failure: everyone waiting gets it, the next request computes again', async () => {
    const { cache, compute } = setUp();
    const failing = async () => {
      throw new Error('gaming could not be reached');
    };
    const waiting = [cache.figures(key(), failing), cache.figures(key(), failing)];
    for (const answer of waiting) await expect(answer).rejects.toThrow('gaming could not be reached');
    expect(await cache.figures(key(), compute)).toEqual({ run: 1 });
  });

  it('computes every request with a TTL of 0', async () => {
    const { cache, compute, runs } = setUp(0);
    await Promise.all([cache.figures(key(), compute), cache.figures(key(), compute)]);
    await cache.figures(key(), compute);
    expect(runs()).toBe(3);
    expect(cache.enabled).toBe(false);
  });

  it('keeps at most the configured number of entries, dropping the least recently used', async () => {
    const { cache, compute, runs } = setUp(30_000, 2);
    const a = key({ scope: { department: 'A' } });
    const b = key({ scope: { department: 'B' } });
    const c = key({ scope: { department: 'C' } });
    await cache.figures(a, compute);
    await cache.figures(b, compute);
    await cache.figures(a, compute);
    await cache.figures(c, compute);
    expect(runs()).toBe(3);
    expect(await cache.figures(a, compute)).toEqual({ run: 1 });
    expect(await cache.figures(b, compute)).toEqual({ run: 4 });
  });
});
