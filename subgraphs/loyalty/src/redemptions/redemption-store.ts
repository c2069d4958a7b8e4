import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
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

export class RedemptionStore {
  readonly collection: Collection<RewardRedemptionDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RewardRedemptionDocument>(REWARD_REDEMPTIONS);
  }

  page(input: RedemptionFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<RewardRedemptionDocument> = {};
    if (input.memberId) filter.member_id = input.memberId;
    if (input.rewardId) filter.reward_id = input.rewardId;
    if (input.status) filter.status = input.status;
    return paginate(this.collection, filter, args, { field: 'redeemed_at', direction: -1 }, paging);
  }
}
