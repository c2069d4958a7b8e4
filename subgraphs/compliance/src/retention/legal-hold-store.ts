import { randomUUID } from 'node:crypto';
import type { Collection, Db, IndexDescription } from 'mongodb';
import { MongoServerError } from 'mongodb';
import { z } from 'zod';
import type { RequestAudit } from '@casino/audit';
import { conflict, notFound, validateInput } from '@casino/errors';
import { adminOf } from '../admins/caller';
import type { Identity } from '@casino/auth';

/**
 * A legal hold: while active, retention enforcement leaves every record of its subject (a member id, or the
 * id of another record such as a walk-in guest) alone, in every category whose policy lists `legal_hold`.
 */
export interface LegalHoldDocument {
  id: string;
  subject_id: string;
  reason: string;
  placed_by: string;
  placed_at: Date;
  released_by: string | null;
  released_at: Date | null;
  /** The subject while the hold is active (removed on release): one active hold per subject */
  active_subject_id?: string;
}

export const LEGAL_HOLDS = 'legal_holds';

export const legalHoldIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { active_subject_id: 1 }, name: 'active_subject_id_1', unique: true, sparse: true },
];

const placeSchema = z.object({
  subjectId: z.string().trim().min(1, 'is required').max(100),
  reason: z.string().trim().min(1, 'must say why').max(500),
});

/** placeLegalHold / releaseLegalHold (GeneralAdmin+), and the held ids the retention runner skips. */
export class LegalHoldService {
  readonly collection: Collection<LegalHoldDocument>;

  constructor(
    db: Db,
    private readonly audit?: Pick<RequestAudit, 'setChanges'>,
  ) {
    this.collection = db.collection<LegalHoldDocument>(LEGAL_HOLDS);
  }

  async place(identity: Identity, raw: unknown, now = new Date()): Promise<LegalHoldDocument> {
    const caller = adminOf(identity);
    const input = validateInput(placeSchema, raw);
    const hold: LegalHoldDocument = {
      id: randomUUID(),
      subject_id: input.subjectId,
      reason: input.reason,
      placed_by: caller.userId,
      placed_at: now,
      released_by: null,
      released_at: null,
      active_subject_id: input.subjectId,
    };
    try {
      await this.collection.insertOne({ ...hold });
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) {
        throw conflict(`${input.subjectId} is already on legal hold`, 'input.subjectId');
      }
      throw error;
    }
    this.audit?.setChanges(null, hold);
    return hold;
  }

  async release(identity: Identity, id: string, now = new Date()): Promise<LegalHoldDocument> {
    const caller = adminOf(identity);
    const released = await this.collection.findOneAndUpdate(
      { id, released_at: null },
      { $set: { released_by: caller.userId, released_at: now }, $unset: { active_subject_id: '' } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    if (!released) {
      const existing = await this.collection.findOne({ id }, { projection: { _id: 0, id: 1 } });
      if (!existing) throw notFound('LegalHold', id);
      throw conflict('This legal hold is already released', 'id');
    }
    this.audit?.setChanges({ id, released_at: null }, { id, released_at: now });
    return released;
  }

  /** The subjects of every active hold. */
  async heldIds(): Promise<string[]> {
    const holds = await this.collection
      .find({ released_at: null }, { projection: { _id: 0, subject_id: 1 } })
      .toArray();
    return [...new Set(holds.map((hold) => hold.subject_id))];
  }
}
