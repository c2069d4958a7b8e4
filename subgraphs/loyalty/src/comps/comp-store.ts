import type { Db, IndexDescription } from 'mongodb';
import { insertUnlessDuplicate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { Tier } from '../members/member-store';
import { BalanceRecordStore } from './balance-records';

export type CompCategory = 'dining' | 'hotel' | 'show' | 'free_play' | 'travel';

/**
 * `issuing`: the comp balance is being debited (a moment, or until the sweep finishes an interrupted issue);
 * `pending_approval`: above its issuer's limit, nothing taken from the balance yet; `issued`: paid from the
 * balance, not yet used; then `redeemed` (used at the outlet) or `voided` (the amount back on the balance);
 * `declined`: a pending comp refused by an approver (nothing was ever taken).
 */
export type CompStatus = 'issuing' | 'pending_approval' | 'issued' | 'redeemed' | 'voided' | 'declined';

export interface CompDocument {
  id: string;
  member_id: string;
  category: CompCategory;
  /** Where it is used (restaurant, hotel, show venue, ...) */
  outlet: string;
  amount_cents: number;
  status: CompStatus;
  /** The member's tier when the comp was requested */
  tier: Tier;
  /** Free text for the outlet; cleared on erasure */
  note: string | null;
  requested_by: string;
  requested_role: string;
  requested_at: Date;
  /** Who approved a comp that was above its issuer's limit (null when none was needed) */
  approved_by: string | null;
  approved_at: Date | null;
  declined_by: string | null;
  declined_at: Date | null;
  decline_reason: string | null;
  issued_at: Date | null;
  redeemed_by: string | null;
  redeemed_at: Date | null;
  voided_by: string | null;
  voided_at: Date | null;
  void_reason: string | null;
  /** On a voided comp: false until its amount is back on the balance (the sweep finishes one left false) */
  void_settled?: boolean;
  /** `comp:<memberId>:<client key>` when the issuer sent an idempotency key (absent otherwise) */
  idempotency_key?: string;
}

export interface CompFilterInput {
  memberId?: string | null;
  status?: CompStatus | null;
  category?: CompCategory | null;
}

export interface CompFigures {
  issued: { cents: number }[];
  redeemed: { cents: number }[];
  voided: { cents: number }[];
  outstanding: { cents: number }[];
  pending: { cents: number; n: number }[];
}

export const COMPS = 'comps';

export const compIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { idempotency_key: 1 }, name: 'idempotency_key_1', unique: true, sparse: true },
  { key: { member_id: 1, requested_at: -1 }, name: 'member_id_1_requested_at_-1' },
  { key: { requested_at: -1, id: -1 }, name: 'requested_at_-1_id_-1' },
  { key: { status: 1, requested_at: -1 }, name: 'status_1_requested_at_-1' },
  { key: { issued_at: -1 }, name: 'issued_at_-1' },
  { key: { redeemed_at: -1 }, name: 'redeemed_at_-1', sparse: true },
];

/** The document field each key of the list filter matches (see equalityFilter). */
const COMP_FILTER_FIELDS = { memberId: 'member_id', status: 'status', category: 'category' } as const;

/** Comps; lookups by id, the guarded transition and the settled mark are BalanceRecordStore's. */
export class CompStore extends BalanceRecordStore<CompStatus, CompDocument> {
  constructor(db: Db) {
    super(db, COMPS);
  }

  page(input: CompFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, COMP_FILTER_FIELDS, args, paging, {
      field: 'requested_at',
      direction: -1,
    });
  }

  findByKey(key: string): Promise<CompDocument | null> {
    return this.collection.findOne({ idempotency_key: key }, { projection: { _id: 0 } });
  }

  /** Stores a new comp; false when one is already stored under its idempotency key. */
  insertUnlessKeyed(comp: CompDocument): Promise<boolean> {
    return insertUnlessDuplicate(this.collection, comp);
  }

  /** Removes a comp whose issue was refused before it took anything (only while it is still `issuing`). */
  async deleteIssuing(id: string): Promise<void> {
    await this.collection.deleteOne({ id, status: 'issuing' });
  }

  /** Comps left `issuing` since before `before` (an issue or approval interrupted by a crash). */
  issuingSince(before: Date): AsyncIterable<CompDocument> {
    return this.interruptedSince({
      status: 'issuing',
      $or: [{ approved_at: { $lt: before } }, { approved_at: null, requested_at: { $lt: before } }],
    });
  }

  /** Comps voided before `before` whose amount is not yet back on the balance (a void interrupted by a crash). */
  voidsUnsettledSince(before: Date): AsyncIterable<CompDocument> {
    return this.interruptedSince({ status: 'voided', void_settled: false, voided_at: { $lt: before } });
  }

  markVoidSettled(id: string): Promise<void> {
    return this.markSettled(id, 'void_settled');
  }

  /** Erasure: the free-text notes of a member's comps replaced by `marker` (amounts and outlets stay). */
  async eraseNotes(memberId: string, marker: string): Promise<number> {
    const result = await this.collection.updateMany(
      { member_id: memberId, note: { $nin: [null, marker] } },
      { $set: { note: marker } },
    );
    return result.modifiedCount;
  }

  /** Comps issued, redeemed and voided in the range, and those outstanding or pending now, in cents. */
  async dashboardFigures(range: { from: Date; to: Date }): Promise<CompFigures> {
    const inRange = { $gte: range.from, $lt: range.to };
    const total = { $group: { _id: null, cents: { $sum: '$amount_cents' } } };
    const [facets] = await this.collection
      .aggregate<CompFigures>([
        {
          $facet: {
            issued: [{ $match: { issued_at: inRange } }, total],
            redeemed: [{ $match: { redeemed_at: inRange } }, total],
            voided: [{ $match: { voided_at: inRange } }, total],
            outstanding: [{ $match: { status: 'issued' } }, total],
            pending: [
              { $match: { status: 'pending_approval' } },
              { $group: { _id: null, cents: { $sum: '$amount_cents' }, n: { $sum: 1 } } },
            ],
          },
        },
      ])
      .toArray();
    return facets!;
  }
}
