import type { RedisRevocationFeed, RevokedSession } from '@casino/auth';
import type { RevokedSessionStore } from './revoked-session-store';

/** How many revocations one read of the feed returns at most; a reader behind catches up over several. */
export const REVOCATION_FEED_PAGE = 500;

/**
 * Ends sessions' access tokens: recorded in compliance's database (the list the gateway reads through
 * `revokedSessions`) and, when Redis is configured, published there for every replica to read directly.
 */
export class SessionRevocations {
  constructor(
    private readonly store: RevokedSessionStore,
    private readonly redis: RedisRevocationFeed | null,
    private readonly retainMs: number,
  ) {}

  readonly onRevoked = async (
    sessions: { sessionId: string; userId: string }[],
    now: Date,
  ): Promise<void> => {
    await this.store.record(sessions, now, this.retainMs);
    await this.redis?.publish(sessions.map((s) => ({ sessionId: s.sessionId, revokedAt: now })));
  };

  since(since: Date): Promise<RevokedSession[]> {
    return this.store.since(since, REVOCATION_FEED_PAGE);
  }
}
