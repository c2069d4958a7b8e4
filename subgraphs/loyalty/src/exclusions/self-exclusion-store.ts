import type DataLoader from 'dataloader';
import type { Collection, Db, IndexDescription } from 'mongodb';
import { createManyByKeyLoader } from '@casino/mongo';

/** How long a member chose to stay away: the earliest they may be reinstated, or never. */
export type SelfExclusionLength = 'SIX_MONTHS' | 'ONE_YEAR' | 'FIVE_YEARS' | 'LIFETIME';

/**
 * One self-exclusion period of a member, kept for good (the history). It is in effect from `started_at` until
 * the member is reinstated (`reinstated_at`), which is allowed only from `ends_at` on.
 */
export interface SelfExclusionDocument {
  id: string;
  member_id: string;
  length: SelfExclusionLength;
  started_at: Date;
  /** The earliest the member may be reinstated; null for a lifetime exclusion */
  ends_at: Date | null;
  /** Why (personal: health or family detail; redacted in the audit trail, erased with the member) */
  reason: string;
  /** The admin user id of who recorded it */
  recorded_by: string;
  /** When a Manager or above reinstated the member, ending the period; null while it is in effect */
  reinstated_at: Date | null;
  reinstated_by: string | null;
}

export const SELF_EXCLUSIONS = 'self_exclusions';

export const selfExclusionIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  // a member's history, newest first
  { key: { member_id: 1, started_at: -1 }, name: 'member_id_1_started_at_-1' },
  // periods in effect over a range (compliance's gambling report)
  { key: { started_at: 1 }, name: 'started_at_1' },
];

export class SelfExclusionStore {
  private readonly collection: Collection<SelfExclusionDocument>;

  constructor(db: Db) {
    this.collection = db.collection<SelfExclusionDocument>(SELF_EXCLUSIONS);
  }

  async insert(period: SelfExclusionDocument): Promise<void> {
    await this.collection.insertOne({ ...period });
  }

  /** Undoes an insert whose member update failed (no transactions on the embedded server). */
  async remove(id: string): Promise<void> {
    await this.collection.deleteOne({ id });
  }

  /** Each member's periods, newest first, one query per batch. */
  byMemberLoader(): DataLoader<string, SelfExclusionDocument[]> {
    return createManyByKeyLoader(this.collection, 'member_id', { sort: { started_at: -1, id: -1 } });
  }

  /**
   * Ends the member's periods still in effect that started at or before `startedUpTo` (a period recorded
   * after the reinstatement was decided stays in effect).
   */
  async reinstate(memberId: string, startedUpTo: Date, at: Date, by: string): Promise<number> {
    const result = await this.collection.updateMany(
      { member_id: memberId, reinstated_at: null, started_at: { $lte: startedUpTo } },
      { $set: { reinstated_at: at, reinstated_by: by } },
    );
    return result.modifiedCount;
  }

  /** Periods in effect at some time in [from, to): started before `to`, not reinstated by `from`. */
  inEffectDuring(from: Date, to: Date): Promise<SelfExclusionDocument[]> {
    return this.collection
      .find(
        {
          started_at: { $lt: to },
          $or: [{ reinstated_at: null }, { reinstated_at: { $gt: from } }],
        },
        { projection: { _id: 0, reason: 0 } },
      )
      .sort({ member_id: 1, started_at: 1 })
      .toArray();
  }

  /** Ids of the members with a period not yet ended by a reinstatement. */
  async membersWithOpenPeriods(memberIds: string[]): Promise<Set<string>> {
    if (memberIds.length === 0) return new Set();
    const ids = await this.collection.distinct('member_id', {
      member_id: { $in: memberIds },
      reinstated_at: null,
    });
    return new Set(ids);
  }

  /** Replaces the reasons of a member's periods (erasure); the dates stay, they are the compliance record. */
  async eraseReasons(memberId: string, placeholder: string): Promise<number> {
    const result = await this.collection.updateMany(
      { member_id: memberId },
      { $set: { reason: placeholder } },
    );
    return result.matchedCount;
  }
}
