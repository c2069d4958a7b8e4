import type { Collection, Db, IndexDescription } from 'mongodb';
import { isEncrypted, resealProtectedFields } from '@casino/crypto';
import type { FieldProtector, ProtectedField, ProtectedFieldRotation } from '@casino/crypto';

/**
 * The TOTP secrets of an admin, kept apart from `admin_users` so no query, loader or audit entry about an
 * account can carry them by accident. `admin_users.two_factor_enabled` says whether sign-in asks for a code.
 * Both secrets are stored sealed (`enc.v1.…`, bound to this collection, the field and the admin's id), so a
 * dump of the database cannot make codes; they are opened only to check a code.
 */
export interface AdminTwoFactorDocument {
  /**
   * The admin's id, as `user_id`: the id the secrets are sealed with and key rotation re-seals by. Absent on
   * documents written before the secrets were sealed, until the rotation fills it in.
   */
  id?: string;
  user_id: string;
  /** sealed base32 (plaintext on legacy documents); the confirmed secret sign-in checks codes against */
  secret: string | null;
  /** sealed base32 (plaintext on legacy documents); a begun enrolment waiting for its first code */
  pending_secret: string | null;
  pending_expires_at: Date | null;
  /** The last time step a code was accepted for, so a code cannot be used twice */
  last_used_step: number | null;
  updated_at: Date;
}

export const ADMIN_TWO_FACTOR = 'admin_two_factor';

export type TwoFactorSecretField = 'secret' | 'pending_secret';

/** The sealed fields key rotation re-seals (in-process: compliance holds them itself). */
export const TWO_FACTOR_PROTECTED_FIELDS: readonly ProtectedField[] = [
  { collection: ADMIN_TWO_FACTOR, field: 'secret' },
  { collection: ADMIN_TWO_FACTOR, field: 'pending_secret' },
];

export const adminTwoFactorIndexes: IndexDescription[] = [
  { key: { user_id: 1 }, name: 'user_id_1', unique: true },
  // the re-seal's compare-and-set finds documents by id
  { key: { id: 1 }, name: 'id_1' },
];

export class AdminTwoFactorStore {
  private readonly collection: Collection<AdminTwoFactorDocument>;

  constructor(
    private readonly db: Db,
    private readonly protector: FieldProtector,
  ) {
    this.collection = db.collection<AdminTwoFactorDocument>(ADMIN_TWO_FACTOR);
  }

  /**
   * One batch of key rotation over the TOTP secrets: documents from before sealing first get their `id`,
   * then each secret field is re-sealed under the current key.
   */
  async resealSecrets(batchSize: number): Promise<ProtectedFieldRotation[]> {
    await this.backfillIds();
    return resealProtectedFields(this.db, this.protector, TWO_FACTOR_PROTECTED_FIELDS, batchSize);
  }

  findByUser(userId: string): Promise<AdminTwoFactorDocument | null> {
    return this.collection.findOne({ user_id: userId }, { projection: { _id: 0 } });
  }

  /**
   * The plaintext of a stored secret, only to check a code against it. A legacy value stored before sealing
   * is read as it is (key rotation seals it).
   */
  openSecret(record: AdminTwoFactorDocument, field: TwoFactorSecretField): string | null {
    const stored = record[field];
    if (!stored) return null;
    if (!isEncrypted(stored)) return stored;
    return this.protector.open(stored, this.sealContext(record.user_id, field));
  }

  /** Starts (or restarts) an enrolment; a confirmed secret stays in force until the new one is confirmed. */
  async setPending(userId: string, secret: string, expiresAt: Date, now: Date): Promise<void> {
    await this.collection.updateOne(
      { user_id: userId },
      {
        $set: {
          id: userId,
          pending_secret: this.seal(userId, 'pending_secret', secret),
          pending_expires_at: expiresAt,
          updated_at: now,
        },
        $setOnInsert: { secret: null, last_used_step: null },
      },
      { upsert: true },
    );
  }

  /**
   * Makes the pending secret the confirmed one (sealed anew for its field), if the stored pending value is
   * still the one the code was checked against.
   */
  async confirmPending(
    userId: string,
    storedPending: string,
    secret: string,
    step: number,
    now: Date,
  ): Promise<boolean> {
    const result = await this.collection.updateOne(
      { user_id: userId, pending_secret: storedPending },
      {
        $set: {
          id: userId,
          secret: this.seal(userId, 'secret', secret),
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
   * 5.2: a code is accepted once), and the stored secret is still the one the code was checked against.
   * Atomic, so two sign-ins with one code cannot both pass. (A re-seal landing in between changes the stored
   * value: that sign-in is refused and the next code works.)
   */
  async claimStep(userId: string, storedSecret: string, step: number, now: Date): Promise<boolean> {
    const result = await this.collection.updateOne(
      {
        user_id: userId,
        secret: storedSecret,
        $or: [{ last_used_step: null }, { last_used_step: { $lt: step } }],
      },
      { $set: { last_used_step: step, updated_at: now } },
    );
    return result.modifiedCount === 1;
  }

  /**
   * Gives documents written before the secrets were sealed their `id` (the admin's id), which the re-seal
   * finds them by and seals their secrets with. One small write per legacy document; a no-op afterwards.
   */
  async backfillIds(): Promise<void> {
    const legacy = await this.collection
      .find({ id: { $exists: false } }, { projection: { _id: 0, user_id: 1 } })
      .toArray();
    if (legacy.length === 0) return;
    await this.collection.bulkWrite(
      legacy.map((doc) => ({
        updateOne: {
          filter: { user_id: doc.user_id, id: { $exists: false } },
          update: { $set: { id: doc.user_id } },
        },
      })),
      { ordered: false },
    );
  }

  private seal(userId: string, field: TwoFactorSecretField, secret: string): string {
    return this.protector.seal(secret, this.sealContext(userId, field));
  }

  private sealContext(userId: string, field: TwoFactorSecretField) {
    return { collection: ADMIN_TWO_FACTOR, field, documentId: userId };
  }
}
