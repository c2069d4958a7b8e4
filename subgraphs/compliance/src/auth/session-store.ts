import type { Collection, Db, IndexDescription } from 'mongodb';

export type SessionRevocation =
  | 'rotated'
  | 'reuse_detected'
  | 'logout'
  | 'password_changed'
  | 'deactivated'
  /** the account's role, department or permissions changed: tokens carrying the old ones must stop */
  | 'privileges_changed';

/**
 * One refresh token. Only its SHA-256 hash is stored: a copy of this collection does not let anyone sign
 * in. A token is exchanged once (rotation); the revoked entry stays until expiry so a replay is recognised.
 */
export interface AdminSessionDocument {
  id: string;
  /**
   * The sign-in session this refresh token continues: set at sign-in, kept by every refresh, carried as `sid`
   * in the access tokens. Older rows have none; their id stands in.
   */
  session_id?: string;
  user_id: string;
  token_hash: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: SessionRevocation | null;
}

export const ADMIN_SESSIONS = 'admin_sessions';

export const adminSessionIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { token_hash: 1 }, name: 'token_hash_1', unique: true },
  { key: { user_id: 1, revoked_at: 1 }, name: 'user_id_1_revoked_at_1' },
  // expired sessions are useless, revoked or not
  { key: { expires_at: 1 }, name: 'expires_at_1', expireAfterSeconds: 0 },
];

/** Told about every session this store ends, so that its access tokens stop working too. */
export type OnSessionsRevoked = (
  sessions: { sessionId: string; userId: string }[],
  now: Date,
) => Promise<void>;

export const sessionIdOf = (session: Pick<AdminSessionDocument, 'id' | 'session_id'>) =>
  session.session_id ?? session.id;

export class AdminSessionStore {
  private readonly collection: Collection<AdminSessionDocument>;

  constructor(
    db: Db,
    private readonly onRevoked: OnSessionsRevoked = async () => {},
  ) {
    this.collection = db.collection<AdminSessionDocument>(ADMIN_SESSIONS);
  }

  async insert(session: AdminSessionDocument): Promise<void> {
    await this.collection.insertOne({ ...session });
  }

  /**
   * Revokes a live session in one atomic step and returns it as it was, so of two requests presenting the
   * same token only one gets it; null when the token is unknown, expired or already revoked.
   */
  claim(tokenHash: string, now: Date): Promise<AdminSessionDocument | null> {
    return this.collection.findOneAndUpdate(
      { token_hash: tokenHash, revoked_at: null, expires_at: { $gt: now } },
      { $set: { revoked_at: now, revoked_reason: 'rotated' } },
      { returnDocument: 'before', projection: { _id: 0 } },
    );
  }

  findByHash(tokenHash: string): Promise<AdminSessionDocument | null> {
    return this.collection.findOne({ token_hash: tokenHash }, { projection: { _id: 0 } });
  }

  /** Revokes one live session of the user, and its access tokens; whether there was one. */
  async revokeOne(tokenHash: string, userId: string, reason: SessionRevocation, now: Date): Promise<boolean> {
    const revoked = await this.collection.findOneAndUpdate(
      { token_hash: tokenHash, user_id: userId, revoked_at: null },
      { $set: { revoked_at: now, revoked_reason: reason } },
      { projection: { _id: 0, id: 1, session_id: 1 } },
    );
    if (!revoked) return false;
    await this.onRevoked([{ sessionId: sessionIdOf(revoked), userId }], now);
    return true;
  }

  /** Ends a session's access tokens even when its refresh token is already gone (e.g. sign-out). */
  async revokeSession(sessionId: string, userId: string, now: Date): Promise<void> {
    await this.onRevoked([{ sessionId, userId }], now);
  }

  /** Revokes every live session of the user, and their access tokens; how many there were. */
  async revokeAllOf(userId: string, reason: SessionRevocation, now: Date): Promise<number> {
    const result = await this.collection.updateMany(
      { user_id: userId, revoked_at: null },
      { $set: { revoked_at: now, revoked_reason: reason } },
    );
    // the rows this call revoked carry exactly its time and reason
    const revoked = await this.collection
      .find(
        { user_id: userId, revoked_at: now, revoked_reason: reason },
        { projection: { _id: 0, id: 1, session_id: 1 } },
      )
      .toArray();
    await this.onRevoked(
      revoked.map((row) => ({ sessionId: sessionIdOf(row), userId })),
      now,
    );
    return result.modifiedCount;
  }
}
