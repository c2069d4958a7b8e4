import type { Db, IndexDescription } from 'mongodb';
import { CollectionStore, insertUnlessDuplicate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export interface RewardRedemptionDocument {
  id: string;
  member_id: string;
  reward_id: string;
  points_spent: number;
  status: 'completed' | 'cancelled';
  redeemed_at: Date;
  cancelled_at: Date | null;
  /**
   * Set to false when the redemption is cancelled and to true by the one caller that then gives the unit of
   * stock back (absent on redemptions cancelled before this flag existed: their stock came back already)
   */
  stock_returned?: boolean;
}

export interface RedemptionFilterInput {
  memberId?: string | null;
  rewardId?: string | null;
  status?: RewardRedemptionDocument['status'] | null;
}

export const REWARD_REDEMPTIONS = 'reward_redemptions';

export const redemptionIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { member_id: 1, redeemed_at: -1 }, name: 'member_id_1_redeemed_at_-1' },
  { key: { reward_id: 1 }, name: 'reward_id_1' },
  { key: { redeemed_at: -1, id: -1 }, name: 'redeemed_at_-1_id_-1' },
];

export interface TopRewardFigures {
  _id: string;
  n: number;
  points: number;
}

/** The document field each key of the list filter matches (see equalityFilter). */
const REWARD_REDEMPTION_FILTER_FIELDS = {
  memberId: 'member_id',
  rewardId: 'reward_id',
  status: 'status',
} as const;

export class RedemptionStore extends CollectionStore<RewardRedemptionDocument> {
  constructor(db: Db) {
    super(db, REWARD_REDEMPTIONS);
  }

  page(input: RedemptionFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, REWARD_REDEMPTION_FILTER_FIELDS, args, paging, {
      field: 'redeemed_at',
      direction: -1,
    });
  }

  /** Stores a redemption unless one is stored under its id already (an earlier attempt, the sweep). */
  async insertOnce(redemption: RewardRedemptionDocument): Promise<void> {
    await insertUnlessDuplicate(this.collection, redemption);
  }

  /** Cancels a completed redemption (its unit of stock still to return); null unless it was completed. */
  cancel(id: string, at: Date): Promise<RewardRedemptionDocument | null> {
    return this.collection.findOneAndUpdate(
      { id, status: 'completed' },
      { $set: { status: 'cancelled', cancelled_at: at, stock_returned: false } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  /** True for the one caller that gets to return the cancelled redemption's unit of stock. */
  async claimStockReturn(id: string): Promise<boolean> {
    const claimed = await this.collection.updateOne(
      { id, status: 'cancelled', stock_returned: false },
      { $set: { stock_returned: true } },
    );
    return claimed.modifiedCount === 1;
  }

  countByMember(memberId: string): Promise<number> {
    return this.collection.countDocuments({ member_id: memberId });
  }

  /** The rewards redeemed most in the range (completed redemptions), at most `limit`. */
  topRewards(range: { from: Date; to: Date }, limit: number): Promise<TopRewardFigures[]> {
    return this.collection
      .aggregate<TopRewardFigures>([
        { $match: { redeemed_at: { $gte: range.from, $lt: range.to }, status: 'completed' } },
        { $group: { _id: '$reward_id', n: { $sum: 1 }, points: { $sum: '$points_spent' } } },
        { $sort: { n: -1, points: -1, _id: 1 } },
        { $limit: limit },
      ])
      .toArray();
  }
}
