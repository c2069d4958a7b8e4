import type { Collection, Db, IndexDescription } from 'mongodb';
import { insertUnlessDuplicate } from '@casino/mongo';

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

export class LegalHoldStore {
  private readonly collection: Collection<LegalHoldDocument>;

  constructor(db: Db) {
    this.collection = db.collection<LegalHoldDocument>(LEGAL_HOLDS);
  }

  /** Stores an active hold; false when its subject is already on hold. */
  insertActive(hold: LegalHoldDocument): Promise<boolean> {
    return insertUnlessDuplicate(this.collection, hold);
  }

  /** Releases the hold if it is still active; the hold as released, or null. */
  release(id: string, releasedBy: string, now: Date): Promise<LegalHoldDocument | null> {
    return this.collection.findOneAndUpdate(
      { id, released_at: null },
      { $set: { released_by: releasedBy, released_at: now }, $unset: { active_subject_id: '' } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  async exists(id: string): Promise<boolean> {
    return (await this.collection.findOne({ id }, { projection: { _id: 0, id: 1 } })) !== null;
  }

  /** The subjects of every active hold. */
  async heldIds(): Promise<string[]> {
    const holds = await this.collection
      .find({ released_at: null }, { projection: { _id: 0, subject_id: 1 } })
      .toArray();
    return [...new Set(holds.map((hold) => hold.subject_id))];
  }
}
