import type { Collection, Db, IndexDescription } from 'mongodb';

export type SessionRevocation = 'rotated' | 'reuse_detected' | 'logout' | 'password_changed' | 'deactivated';

/**
 * One refresh token. Only its SHA-256 hash is stored: a copy of this collection does not let anyone sign
 * in. A token is exchanged once (rotation); the revoked entry stays until expiry so a replay is recognised.
 */
export interface AdminSessionDocument {
  id: string;
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

export class AdminSessionStore {
  readonly collection: Collection<AdminSessionDocument>;

  constructor(db: Db) {
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

  /** Revokes one live session of the user; whether there was one. */
  async revokeOne(tokenHash: string, userId: string, reason: SessionRevocation, now: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      { token_hash: tokenHash, user_id: userId, revoked_at: null },
      { $set: { revoked_at: now, revoked_reason: reason } },
    );
    return result.modifiedCount === 1;
  }

  /** Revokes every live session of the user; how many there were. */
  async revokeAllOf(userId: string, reason: SessionRevocation, now: Date): Promise<number> {
    const result = await this.collection.updateMany(
      { user_id: userId, revoked_at: null },
      { $set: { revoked_at: now, revoked_reason: reason } },
    );
    return result.modifiedCount;
  }
}
