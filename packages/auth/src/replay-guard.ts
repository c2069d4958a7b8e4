import type Redis from 'ioredis';

/**
 * Remembers one-time ids until they expire: `claim` is true the first time an id is presented and false on
 * every later presentation, for as long as the id could still verify.
 */
export interface ReplayGuard {
  claim(id: string, expiresAtMs: number): Promise<boolean>;
}

/** One process's memory: enough for a single replica; several replicas share a RedisReplayGuard. */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async claim(id: string, expiresAtMs: number): Promise<boolean> {
    const now = this.now();
    if (now >= this.nextSweep) this.sweep(now);
    const known = this.seen.get(id);
    if (known !== undefined && known > now) return false;
    this.seen.set(id, expiresAtMs);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(now: number): void {
    // ids arrive in about the order they expire (one lifetime for all), so the sweep stops at the first live
    // one; an id that outlives its neighbours only delays their removal, never past the longest lifetime
    for (const [id, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(id);
    }
    this.nextSweep = now + 1_000;
  }
}

/** Shared by every replica: `SET NX` with the id's own expiry, one round trip per request. */
export class RedisReplayGuard implements ReplayGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'casino:credential:',
  ) {}

  async claim(id: string, expiresAtMs: number): Promise<boolean> {
    const ttl = Math.max(1, expiresAtMs - Date.now());
    const result = await this.redis.set(`${this.prefix}${id}`, '1', 'PX', ttl, 'NX');
    return result === 'OK';
  }
}
