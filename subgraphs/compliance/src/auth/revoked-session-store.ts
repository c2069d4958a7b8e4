import type { Collection, Db, IndexDescription } from 'mongodb';
import type { RevokedSession } from '@casino/auth';

/**
 * Sign-in sessions whose access tokens must stop working at once (sign-out, password change, deactivation,
 * refresh-token reuse, changed privileges). The gateway (and subgraphs behind a router) read this list
 * through `revokedSessions`; an entry is kept until every access token of the session has expired anyway.
 */
export interface RevokedSessionDocument {
  session_id: string;
  user_id: string;
  revoked_at: Date;
  expires_at: Date;
}

export const REVOKED_SESSIONS = 'revoked_sessions';

export const revokedSessionIndexes: IndexDescription[] = [
  { key: { session_id: 1 }, name: 'session_id_1', unique: true },
  { key: { revoked_at: 1 }, name: 'revoked_at_1' },
  { key: { expires_at: 1 }, name: 'expires_at_1', expireAfterSeconds: 0 },
];

export class RevokedSessionStore {
  private readonly collection: Collection<RevokedSessionDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RevokedSessionDocument>(REVOKED_SESSIONS);
  }

  /** Records the sessions as revoked now (a session revoked twice keeps its first time). */
  async record(
    sessions: { sessionId: string; userId: string }[],
    now: Date,
    retainMs: number,
  ): Promise<void> {
    if (sessions.length === 0) return;
    await this.collection.bulkWrite(
      sessions.map((s) => ({
        updateOne: {
          filter: { session_id: s.sessionId },
          update: {
            $setOnInsert: {
              session_id: s.sessionId,
              user_id: s.userId,
              revoked_at: now,
              expires_at: new Date(now.getTime() + retainMs),
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /** Revocations at or after `since`, oldest first (bounded: a reader catches up over several polls). */
  async since(since: Date, limit: number): Promise<RevokedSession[]> {
    const rows = await this.collection
      .find({ revoked_at: { $gte: since } }, { projection: { _id: 0, session_id: 1, revoked_at: 1 } })
      .sort({ revoked_at: 1 })
      .limit(limit)
      .toArray();
    return rows.map((row) => ({ sessionId: row.session_id, revokedAt: row.revoked_at }));
  }
}
