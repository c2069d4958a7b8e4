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
  /**
   * UNRECORDED: an exclusion set before periods (and lengths) were recorded, kept as a period when the member's
   * exclusion next changed; it may be lifted at any time
   */
  length: SelfExclusionLength | 'UNRECORDED';
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
  /**
   * Present (true) from the insert until the member's flag reflects the period: a process that dies between
   * the two writes leaves it, and a retry of the request or the loyalty jobs' sweep finishes the flag.
   */
  flag_pending?: true;
}

/** The id of the period kept for a member's exclusion from before periods were recorded: one per member. */
export const earlierExclusionId = (memberId: string) => `earlier:${memberId}`;

export const SELF_EXCLUSIONS = 'self_exclusions';

export const selfExclusionIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  // a member's history, newest first
  { key: { member_id: 1, started_at: -1 }, name: 'member_id_1_started_at_-1' },
  // periods in effect over a range (compliance's gambling report)
  { key: { started_at: 1 }, name: 'started_at_1' },
  // periods whose member is not flagged yet (the sweep); only those carry the field
  { key: { flag_pending: 1, started_at: 1 }, name: 'flag_pending_1_started_at_1', sparse: true },
];

export class SelfExclusionStore {
  private readonly collection: Collection<SelfExclusionDocument>;

  constructor(db: Db) {
    this.collection = db.collection<SelfExclusionDocument>(SELF_EXCLUSIONS);
  }

  async insert(period: SelfExclusionDocument): Promise<void> {
    await this.collection.insertOne({ ...period });
  }

  /** Inserts the period unless one with its id is stored already (then that one stays as it is). */
  async insertOnce(period: SelfExclusionDocument): Promise<void> {
    await this.collection.updateOne({ id: period.id }, { $setOnInsert: period }, { upsert: true });
  }

  /** The member's periods still waiting for the member's flag, oldest first. */
  flagPendingOf(memberId: string): Promise<SelfExclusionDocument[]> {
    return this.collection
      .find({ flag_pending: true, member_id: memberId }, { projection: { _id: 0 } })
      .sort({ started_at: 1 })
      .toArray();
  }

  /** Periods recorded before `startedBefore` still waiting for their member's flag, oldest first. */
  flagPendingBefore(startedBefore: Date, limit: number): Promise<SelfExclusionDocument[]> {
    return this.collection
      .find({ flag_pending: true, started_at: { $lt: startedBefore } }, { projection: { _id: 0 } })
      .sort({ started_at: 1 })
      .limit(limit)
      .toArray();
  }

  /** Removes a period whose member does not exist (its request failed). */
  async remove(id: string): Promise<void> {
    await this.collection.deleteOne({ id });
  }

  /** The member's flag reflects the period now. */
  async flagDone(id: string): Promise<void> {
    await this.collection.updateOne({ id }, { $unset: { flag_pending: '' } });
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
