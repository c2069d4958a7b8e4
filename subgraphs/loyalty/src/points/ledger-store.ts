import type { Collection, Db, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type LedgerBalance = 'points' | 'tier_credits';
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
  created_at: Date;
}

export interface LedgerFilterInput {
  memberId?: string | null;
  balance?: LedgerBalance | null;
  type?: LedgerEntryType | null;
  source?: string | null;
}

export const POINTS_LEDGER = 'points_ledger';

export const ledgerIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { idempotency_key: 1 }, name: 'idempotency_key_1', unique: true },
  { key: { member_id: 1, created_at: -1 }, name: 'member_id_1_created_at_-1' },
  { key: { created_at: -1, id: -1 }, name: 'created_at_-1_id_-1' },
  { key: { balance: 1, type: 1, created_at: -1 }, name: 'balance_1_type_1_created_at_-1' },
];

export class LedgerStore {
  readonly collection: Collection<PointsLedgerDocument>;

  constructor(db: Db) {
    this.collection = db.collection<PointsLedgerDocument>(POINTS_LEDGER);
  }

  page(input: LedgerFilterInput, args: PageArgs, paging: PagingConfig) {
    const filter: Filter<PointsLedgerDocument> = {};
    if (input.memberId) filter.member_id = input.memberId;
    if (input.balance) filter.balance = input.balance;
    if (input.type) filter.type = input.type;
    if (input.source) filter.source = input.source;
    return paginate(this.collection, filter, args, { field: 'created_at', direction: -1 }, paging);
  }
}
