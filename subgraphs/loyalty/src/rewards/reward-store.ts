import type { Collection, Db, Decimal128, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
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

export class RewardStore {
  readonly collection: Collection<RewardDocument>;

  constructor(db: Db) {
    this.collection = db.collection<RewardDocument>(REWARDS);
  }

  page(input: RewardFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<RewardDocument> = {};
    if (input.category) filter.category = input.category;
    if (input.isActive != null) filter.is_active = input.isActive;
    if (input.tier) filter.tier_access = input.tier;
    return paginate(this.collection, filter, args, { field: 'created_at', direction: -1 }, paging);
  }
}
