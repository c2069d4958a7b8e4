import type { Collection, Db, IndexDescription } from 'mongodb';

/**
 * The TOTP secrets of an admin, kept apart from `admin_users` so no query, loader or audit entry about an
 * account can carry them by accident. `admin_users.two_factor_enabled` says whether sign-in asks for a code.
 */
export interface AdminTwoFactorDocument {
  user_id: string;
  /** base32; the confirmed secret sign-in checks codes against */
  secret: string | null;
  /** base32; a begun enrolment waiting for its first code */
  pending_secret: string | null;
  pending_expires_at: Date | null;
  /** The last time step a code was accepted for, so a code cannot be used twice */
  last_used_step: number | null;
  updated_at: Date;
}

export const ADMIN_TWO_FACTOR = 'admin_two_factor';

export const adminTwoFactorIndexes: IndexDescription[] = [
  { key: { user_id: 1 }, name: 'user_id_1', unique: true },
];

export class AdminTwoFactorStore {
  readonly collection: Collection<AdminTwoFactorDocument>;

  constructor(db: Db) {
    this.collection = db.collection<AdminTwoFactorDocument>(ADMIN_TWO_FACTOR);
  }

  findByUser(userId: string): Promise<AdminTwoFactorDocument | null> {
    return this.collection.findOne({ user_id: userId }, { projection: { _id: 0 } });
  }

  /** Starts (or restarts) an enrolment; a confirmed secret stays in force until the new one is confirmed. */
  async setPending(userId: string, secret: string, expiresAt: Date, now: Date): Promise<void> {
    await this.collection.updateOne(
      { user_id: userId },
      {
        $set: { pending_secret: secret, pending_expires_at: expiresAt, updated_at: now },
        $setOnInsert: { secret: null, last_used_step: null },
      },
      { upsert: true },
    );
  }

  /** Makes the pending secret the confirmed one, if it is still the one the code was checked against. */
  async confirmPending(userId: string, pendingSecret: string, step: number, now: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      { user_id: userId, pending_secret: pendingSecret },
      {
        $set: {
          secret: pendingSecret,
          pending_secret: null,
          pending_expires_at: null,
          last_used_step: step,
          updated_at: now,
        },
      },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Records that a code of `step` was used, only if no code of this or a later step was (RFC 6238 section
   * 5.2: a code is accepted once). Atomic, so two sign-ins with one code cannot both pass.
   */
  async claimStep(userId: string, secret: string, step: number, now: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      { user_id: userId, secret, $or: [{ last_used_step: null }, { last_used_step: { $lt: step } }] },
      { $set: { last_used_step: step, updated_at: now } },
    );
    return result.modifiedCount === 1;
  }
}
