import type Redis from 'ioredis';
import type { ServiceClient } from './service-client';

/** A session whose access tokens must stop working, from `revokedAt` on. */
export interface RevokedSession {
  sessionId: string;
  revokedAt: Date;
}

/** Where revocations are read from: compliance's API, or Redis when several replicas share one. */
export interface RevocationFeed {
  /** Revocations recorded at or after `since`, oldest first. */
  since(since: Date): Promise<RevokedSession[]>;
}

export interface RevocationLog {
  warn(object: unknown, message: string): void;
}

/**
 * The revoked sessions a process consults on every request, refreshed from a feed every `pollMs` (so a
 * revocation takes effect everywhere within about that long) and kept for as long as an access token of the
 * session could still be valid. If the feed cannot be read the list keeps what it knows and warns: a
 * compliance outage does not sign everyone out, and revocations recorded meanwhile apply once it answers.
 */
export class RevocationList {
  private readonly revoked = new Map<string, number>();
  private cursor: Date;
  private timer: NodeJS.Timeout | null = null;
  private failing = false;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly feed: RevocationFeed,
    private readonly options: { pollMs: number; retainMs: number; log?: RevocationLog },
  ) {
    this.cursor = new Date(Date.now() - options.retainMs);
  }

  isRevoked(sessionId: string | undefined): boolean {
    return sessionId !== undefined && this.revoked.has(sessionId);
  }

  /** Reads the feed once now and then every `pollMs` until `stop`. */
  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One refresh (concurrent callers share it). */
  poll(): Promise<void> {
    this.polling ??= this.refresh().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async refresh(): Promise<void> {
    const now = Date.now();
    try {
      const entries = await this.feed.since(this.cursor);
      for (const entry of entries) {
        this.revoked.set(entry.sessionId, entry.revokedAt.getTime() + this.options.retainMs);
        // entries recorded in the same millisecond as the cursor are read again next time: harmless
        if (entry.revokedAt > this.cursor) this.cursor = entry.revokedAt;
      }
      this.failing = false;
    } catch (error) {
      if (!this.failing)
        this.options.log?.warn({ err: error }, 'revocation feed unreadable; keeping the last list');
      this.failing = true;
    }
    for (const [id, until] of this.revoked) if (until <= now) this.revoked.delete(id);
  }
}

const REDIS_REVOCATIONS = 'casino:revoked-sessions';

/** Revocations in a Redis sorted set scored by time: compliance writes, every replica reads. */
export class RedisRevocationFeed implements RevocationFeed {
  constructor(
    private readonly redis: Redis,
    private readonly retainMs: number,
  ) {}

  async publish(sessions: RevokedSession[]): Promise<void> {
    if (sessions.length === 0) return;
    const members = sessions.flatMap((s) => [s.revokedAt.getTime(), s.sessionId]);
    await this.redis
      .multi()
      .zadd(REDIS_REVOCATIONS, ...members)
      .zremrangebyscore(REDIS_REVOCATIONS, '-inf', Date.now() - this.retainMs)
      .exec();
  }

  async since(since: Date): Promise<RevokedSession[]> {
    const raw = await this.redis.zrangebyscore(REDIS_REVOCATIONS, since.getTime(), '+inf', 'WITHSCORES');
    const sessions: RevokedSession[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      sessions.push({ sessionId: raw[i]!, revokedAt: new Date(Number(raw[i + 1])) });
    }
    return sessions;
  }
}

/** Compliance's list of ended sessions (`revokedSessions`), read through a service client. */
export function complianceRevocationFeed(client: Pick<ServiceClient, 'request'>): RevocationFeed {
  return {
    async since(since) {
      const data = await client.request<{ revokedSessions: { sessionId: string; revokedAt: string }[] }>(
        'query RevocationFeed($since: DateTime!) { revokedSessions(since: $since) { sessionId revokedAt } }',
        { since: since.toISOString() },
      );
      return data.revokedSessions.map((s) => ({ sessionId: s.sessionId, revokedAt: new Date(s.revokedAt) }));
    },
  };
}
