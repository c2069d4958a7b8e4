import type { Db, Decimal128, IndexDescription } from 'mongodb';
import { CollectionStore } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { Tier } from '../members/member-store';

export type RewardCategory = 'dining' | 'accommodation' | 'gaming' | 'merchandise';

export interface RewardDocument {
  id: string;
  name: string;
  description: string;
  category: RewardCategory;
  points_required: number;
  cash_value: Decimal128;
  tier_access: Tier[];
  /** null means unlimited */
  stock_quantity: number | null;
  /**
   * The ids of the ledger entries (redemption debits) the most recent units of stock were reserved for, the
   * last `reservedEntriesKept` of them: a unit is taken in the same guarded update that pushes the id (so it
   * is taken once per entry), and given back for an entry that never applied in the update that pulls it
   * (so it comes back once). See PointsService.redeem.
   */
  reserved_for?: string[];
  is_active: boolean;
  created_at: Date;
}

export interface RewardFilterInput {
  category?: RewardCategory | null;
  isActive?: boolean | null;
  tier?: Tier | null;
}

export const REWARDS = 'rewards';

export const rewardIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { category: 1, is_active: 1 }, name: 'category_1_is_active_1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
];

/** The document field each key of the list filter matches (see equalityFilter). */
const REWARD_FILTER_FIELDS = { category: 'category', isActive: 'is_active', tier: 'tier_access' } as const;

export class RewardStore extends CollectionStore<RewardDocument> {
  constructor(db: Db) {
    super(db, REWARDS);
  }

  page(input: RewardFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, REWARD_FILTER_FIELDS, args, paging);
  }

  async insert(reward: RewardDocument): Promise<void> {
    await this.collection.insertOne({ ...reward });
  }

  /** Sets fields and answers with the reward as it was before (null when there is no such reward). */
  change(id: string, set: Partial<RewardDocument>): Promise<RewardDocument | null> {
    if (Object.keys(set).length === 0) return this.findById(id);
    return this.collection.findOneAndUpdate(
      { id },
      { $set: set },
      { returnDocument: 'before', projection: { _id: 0 } },
    );
  }

  /**
   * Reserves a unit of the reward's stock for a ledger entry, once. True when the unit is reserved for it (by
   * this call or an earlier attempt) or the reward no longer limits its stock.
   */
  async reserveUnitFor(rewardId: string, entryId: string, keep: number): Promise<boolean> {
    // THE reservation guard: without `reserved_for: { $ne: entryId }` every retry of the same entry (ten
    // concurrent calls with one idempotency key, a resume after a crash) takes another unit
    const taken = await this.collection.updateOne(
      { id: rewardId, is_active: true, stock_quantity: { $gt: 0 }, reserved_for: { $ne: entryId } },
      {
        $inc: { stock_quantity: -1 },
        $push: { reserved_for: { $each: [entryId], $slice: -keep } },
      },
    );
    if (taken.modifiedCount === 1) return true;
    const reward = await this.collection.findOne(
      { id: rewardId },
      { projection: { _id: 0, stock_quantity: 1, reserved_for: 1, is_active: 1 } },
    );
    if (!reward) return false;
    if ((reward.reserved_for ?? []).includes(entryId)) return true;
    return reward.is_active && reward.stock_quantity === null;
  }

  /**
   * Gives back the unit reserved for an entry that can no longer apply: the update that pulls the entry's id
   * from `reserved_for` is the one that returns the unit, so it comes back once. True when a unit came back.
   */
  async releaseUnitOf(rewardId: string, entryId: string): Promise<boolean> {
    const limited = await this.collection.updateOne(
      { id: rewardId, reserved_for: entryId, stock_quantity: { $ne: null } },
      { $pull: { reserved_for: entryId }, $inc: { stock_quantity: 1 } },
    );
    if (limited.modifiedCount === 1) return true;
    // the reward became unlimited meanwhile: there is nothing to count back, only the id to forget
    await this.collection.updateOne(
      { id: rewardId, reserved_for: entryId, stock_quantity: null },
      { $pull: { reserved_for: entryId } },
    );
    return false;
  }

  /** One unit of stock back (a reward with limited stock). */
  async restock(rewardId: string): Promise<void> {
    await this.collection.updateOne(
      { id: rewardId, stock_quantity: { $ne: null } },
      { $inc: { stock_quantity: 1 } },
    );
  }
}
