import DataLoader from 'dataloader';
import type { Db, IndexDescription } from 'mongodb';
import { BATCH_OPTIONS, CollectionStore, insertUnlessDuplicate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { Tier } from '../members/member-store';

/** `comps` is the member's comp balance in money, its amounts in integer cents */
export type LedgerBalance = 'points' | 'tier_credits' | 'comps';
export type LedgerEntryType = 'earn' | 'redeem' | 'adjust' | 'expire' | 'reverse';

/** Balances change only by appending one of these; a member's balance is the sum of its entries. */
export interface PointsLedgerDocument {
  id: string;
  member_id: string;
  balance: LedgerBalance;
  type: LedgerEntryType;
  amount: number;
  source: string;
  source_id: string | null;
  reason: string | null;
  /** Unique per effect, so a retried credit is recorded once */
  idempotency_key: string;
  /**
   * Entries are recorded before they move the balance (see PointsLedger): false until the balance has moved
   * and the entry is marked (absent on entries written in one step, e.g. the seeded opening balances).
   */
  applied?: boolean;
  /** The reward a redemption's debit paid for (so a sweep can finish or undo an interrupted redemption) */
  reward_id?: string;
  /**
   * On a redemption's debit: true when the reward had limited stock as the entry was recorded, so a unit is
   * reserved for it (after the entry is recorded, before the points move) and the reward lists the entry's id
   * in `reserved_for` while it holds that unit; the sweep of an entry that never applied gives the unit back
   * only if the reward still lists it. Absent on entries recorded before reservations were tied to entries.
   */
  reserves_stock?: boolean;
  /** On a comp accrual (`comps` earn): the session's theo in cents, for the reinvestment ratio */
  theo_cents?: number;
  /** On `comps` entries: the member's tier when the entry was made, for the reinvestment ratio by tier */
  tier?: Tier;
  created_at: Date;
}

export interface LedgerFilterInput {
  memberId?: string | null;
  balance?: LedgerBalance | null;
  type?: LedgerEntryType | null;
  source?: string | null;
}

/** Sums of a range's ledger entries by balance, type, source and tier (the tier only on comp entries). */
export interface LedgerDashboardRow {
  _id: { balance: LedgerBalance; type: LedgerEntryType; source: string; tier?: Tier | null };
  sum: number;
  theo: number;
}

export const POINTS_LEDGER = 'points_ledger';

export const ledgerIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { idempotency_key: 1 }, name: 'idempotency_key_1', unique: true },
  { key: { member_id: 1, created_at: -1 }, name: 'member_id_1_created_at_-1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
  { key: { balance: 1, type: 1, created_at: -1 }, name: 'balance_1_type_1_created_at_-1' },
];

/** The document field each key of the list filter matches (see equalityFilter). */
const POINTS_LEDGER_FILTER_FIELDS = {
  memberId: 'member_id',
  balance: 'balance',
  type: 'type',
  source: 'source',
} as const;

export class LedgerStore extends CollectionStore<PointsLedgerDocument> {
  constructor(db: Db) {
    super(db, POINTS_LEDGER);
  }

  page(input: LedgerFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, POINTS_LEDGER_FILTER_FIELDS, args, paging);
  }

  findByKey(key: string): Promise<PointsLedgerDocument | null> {
    return this.collection.findOne({ idempotency_key: key }, { projection: { _id: 0 } });
  }

  findByKeys(keys: string[]): Promise<PointsLedgerDocument[]> {
    return this.collection.find({ idempotency_key: { $in: keys } }, { projection: { _id: 0 } }).toArray();
  }

  /** Those of the given entries that are the member's and not yet marked applied. */
  unappliedOf(memberId: string, ids: string[]): Promise<PointsLedgerDocument[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.collection
      .find({ member_id: memberId, id: { $in: ids }, applied: false }, { projection: { _id: 0 } })
      .toArray();
  }

  /** Records an entry as it is; false when an entry is already recorded under its idempotency key. */
  insertUnlessKeyed(entry: PointsLedgerDocument): Promise<boolean> {
    return insertUnlessDuplicate(this.collection, entry);
  }

  async deleteUnapplied(ids: string[]): Promise<void> {
    await this.collection.deleteMany({ id: { $in: ids }, applied: false });
  }

  async markApplied(ids: string[]): Promise<void> {
    await this.collection.updateMany({ id: { $in: ids }, applied: false }, { $set: { applied: true } });
  }

  /** Sums per balance of the member's entries marked applied (or never flagged) or listed in `listed`. */
  async appliedSums(memberId: string, listed: string[]): Promise<Map<LedgerBalance, number>> {
    const sums = await this.collection
      .aggregate<{ _id: LedgerBalance; sum: number }>([
        { $match: { member_id: memberId, $or: [{ applied: { $ne: false } }, { id: { $in: listed } }] } },
        { $group: { _id: '$balance', sum: { $sum: '$amount' } } },
      ])
      .toArray();
    return new Map(sums.map((s) => [s._id, s.sum]));
  }

  /** Unapplied entries from the given sources, recorded before `before` (any time without it). */
  unapplied(sources: string[], before?: Date): AsyncIterable<PointsLedgerDocument> {
    return this.collection.find(
      {
        applied: false,
        source: { $in: sources },
        ...(before ? { created_at: { $lt: before } } : {}),
      },
      { projection: { _id: 0 } },
    );
  }

  /** The time of each member's latest points earned, for many members in one aggregation. */
  async lastEarnOf(memberIds: readonly string[]): Promise<Map<string, Date>> {
    const earns = await this.collection
      .aggregate<{ _id: string; last: Date }>([
        { $match: { member_id: { $in: [...memberIds] }, balance: 'points', type: 'earn' } },
        { $group: { _id: '$member_id', last: { $max: '$created_at' } } },
      ])
      .toArray();
    return new Map(earns.map((e) => [e._id, e.last]));
  }

  /** When each member last earned points (null if never), batched per request. */
  lastEarnLoader(): DataLoader<string, Date | null> {
    return new DataLoader(async (ids) => {
      const last = await this.lastEarnOf(ids);
      return ids.map((id) => last.get(id) ?? null);
    }, BATCH_OPTIONS);
  }

  /** Each member's tier credits of the entries recorded before `end`. */
  async tierCreditsBefore(end: Date): Promise<Map<string, number>> {
    const sums = await this.collection
      .aggregate<{ _id: string; credits: number }>([
        { $match: { balance: 'tier_credits', created_at: { $lt: end } } },
        { $group: { _id: '$member_id', credits: { $sum: '$amount' } } },
      ])
      .toArray();
    return new Map(sums.map((s) => [s._id, s.credits]));
  }

  countByMember(memberId: string): Promise<number> {
    return this.collection.countDocuments({ member_id: memberId });
  }

  /**
   * The range's entries by balance, type, source and (comps) tier, summed: amounts, and the comp accruals' theo
   * in cents. One pass over the range for the points and the comp figures (entries not yet applied are not
   * counted).
   */
  dashboardSums(range: { from: Date; to: Date }): Promise<LedgerDashboardRow[]> {
    return this.collection
      .aggregate<LedgerDashboardRow>([
        // an entry not yet marked applied (a posting in flight, or one a crash left for the rerun or the
        // sweep to finish or undo) is not part of any figure until it is
        // no filter on the balance: the range's tier credits entries are few groups, dropped by the caller, and
        // matching without it is the cheaper scan (on the embedded server every aggregation scans)
        { $match: { created_at: { $gte: range.from, $lt: range.to }, applied: { $ne: false } } },
        {
          $group: {
            _id: { balance: '$balance', type: '$type', source: '$source', tier: '$tier' },
            sum: { $sum: '$amount' },
            theo: { $sum: '$theo_cents' },
          },
        },
      ])
      .toArray();
  }
}
