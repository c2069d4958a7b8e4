import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { LRUCache } from 'lru-cache';
import { BSON } from 'mongodb';
import type { Logger } from '@casino/logger';

/** Everything a dashboard's figures depend on besides the data itself. */
export interface DashboardKey {
  /** The query, e.g. `workforceDashboard` */
  dashboard: string;
  /**
   * What the figures are confined to for this caller, exactly as the computation receives it (a Manager's
   * workforce dashboard: `{ department: 'Gaming' }`); `{}` where every caller allowed to ask gets the same
   */
  scope: Readonly<Record<string, string | null>>;
  range: { from: Date; to: Date };
  /** The figures' shape version (the cache's own `version` option when it has one) */
  version?: string;
}

export interface DashboardCacheOptions {
  /** How long computed figures are served; 0 computes them for every call */
  ttlMs: number;
  /** Entries kept in this process's memory (without Redis) */
  maxEntries: number;
  /** Shared by every replica when set; this process's memory otherwise */
  redis?: Redis | null;
  log: Pick<Logger, 'warn' | 'info'>;
  /** The clock entries expire by in memory (Redis expires its own) */
  now?: () => number;
  /**
   * The version of the figures' shape (the service's schema digest): entries of another version are never read,
   * so a replica of the next release does not serve figures lacking its new fields during a rolling update
   */
  version?: string;
}

/** Bumped when the shape of a cached dashboard changes, so replicas of two versions never read each other's. */
const KEY_PREFIX = 'casino:dashboard:v1:';

/**
 * The cache key of a dashboard for a scope and a range: the dashboard's name, then a hash of the scope and the
 * range's two instants (the same range written in another time zone is the same key). Nothing a caller typed
 * or that names a person is stored in the clear.
 */
export function dashboardCacheKey({ dashboard, scope, range, version }: DashboardKey): string {
  const scopeEntries = Object.keys(scope)
    .sort()
    .map((name) => [name, scope[name] ?? null]);
  const digest = createHash('sha256')
    .update(JSON.stringify([scopeEntries, range.from.getTime(), range.to.getTime()]))
    .digest('base64url');
  return `${KEY_PREFIX}${version ? `${version}:` : ''}${dashboard}:${digest}`;
}

interface MemoryEntry {
  value: unknown;
  expiresAt: number;
}

/**
 * Dashboard figures computed once per key and served until they are `ttlMs` old (counted from when their
 * computation started), then recomputed by the next request: refresh on expiry, nothing is invalidated by
 * writes. Concurrent requests for a key that is not cached share one computation in this process. With Redis
 * the entries (Extended JSON, so dates and decimals come back as they were) are shared by every replica;
 * while Redis cannot be reached the figures are computed for each request, logged once per outage, and the
 * request never fails because of it. Cached values are shared between requests: callers must not change them.
 */
export class DashboardCache {
  private readonly memory: LRUCache<string, MemoryEntry>;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly now: () => number;
  private redisDown = false;

  constructor(private readonly options: DashboardCacheOptions) {
    this.memory = new LRUCache<string, MemoryEntry>({ max: options.maxEntries });
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  figures<T>(key: DashboardKey, compute: () => Promise<T>): Promise<T> {
    if (!this.enabled) return compute();
    const id = dashboardCacheKey({ ...key, version: this.options.version ?? key.version });
    if (!this.options.redis) {
      const entry = this.memory.get(id);
      if (entry && entry.expiresAt > this.now()) return Promise.resolve(entry.value as T);
    }
    const pending = this.inFlight.get(id);
    if (pending) return pending as Promise<T>;
    const work = (this.options.redis ? this.shared(this.options.redis, id, compute) : this.local(id, compute))
      // a failed computation is never remembered: the next request tries again
      .finally(() => this.inFlight.delete(id));
    this.inFlight.set(id, work);
    return work;
  }

  private async local<T>(id: string, compute: () => Promise<T>): Promise<T> {
    const started = this.now();
    const value = await compute();
    this.memory.set(id, { value, expiresAt: started + this.options.ttlMs });
    return value;
  }

  private async shared<T>(redis: Redis, id: string, compute: () => Promise<T>): Promise<T> {
    // not connected (yet, or any more): no wait on a command that would only fail; a connection still being
    // made (at start) is no outage worth a warning
    if (redis.status !== 'ready') {
      if (redis.status !== 'connecting')
        this.unavailable(new Error(`the Redis connection is ${redis.status}`));
      return compute();
    }
    let cached: string | null;
    try {
      cached = await redis.get(id);
    } catch (error) {
      this.unavailable(error);
      return compute();
    }
    this.available();
    if (cached !== null) return BSON.EJSON.parse(cached) as T;
    const started = this.now();
    const value = await compute();
    const remainingMs = this.options.ttlMs - (this.now() - started);
    if (remainingMs > 0) {
      const text = BSON.EJSON.stringify(value, { relaxed: true });
      try {
        await redis.set(id, text, 'PX', remainingMs);
      } catch (error) {
        this.unavailable(error);
      }
    }
    return value;
  }

  private unavailable(error: unknown): void {
    if (this.redisDown) return;
    this.redisDown = true;
    this.options.log.warn(
      { err: error },
      'dashboard cache: Redis cannot be reached; dashboards are computed for each request until it is back',
    );
  }

  private available(): void {
    if (!this.redisDown) return;
    this.redisDown = false;
    this.options.log.info('dashboard cache: Redis is back; dashboards are cached again');
  }
}

/** The settings a service's dashboard cache is made from (DASHBOARD_CACHE_* in @casino/config). */
export interface DashboardCacheEnv {
  DASHBOARD_CACHE_TTL_SECONDS: number;
  DASHBOARD_CACHE_MAX_ENTRIES: number;
}

const perService = new WeakMap<object, DashboardCache>();

/**
 * The one dashboard cache of a running service, made on first use from its settings and its Redis connection
 * (the runtime's, shared with the other replica-wide state). Keyed by the service's dependencies, which live as
 * long as the service, so request contexts built per request all reach the same cache.
 */
export function dashboardCacheOf(deps: {
  env: DashboardCacheEnv;
  redis?: Redis | null;
  logger: Pick<Logger, 'warn' | 'info'>;
  schemaDigest?: string;
}): DashboardCache {
  let cache = perService.get(deps);
  if (!cache) {
    cache = new DashboardCache({
      ttlMs: deps.env.DASHBOARD_CACHE_TTL_SECONDS * 1_000,
      maxEntries: deps.env.DASHBOARD_CACHE_MAX_ENTRIES,
      redis: deps.redis ?? null,
      log: deps.logger,
      version: deps.schemaDigest,
    });
    perService.set(deps, cache);
  }
  return cache;
}
