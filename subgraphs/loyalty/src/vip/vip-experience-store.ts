import type { Db, IndexDescription } from 'mongodb';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { Tier } from '../members/member-store';
import { BalanceRecordStore } from '../comps/balance-records';

export const VIP_EXPERIENCE_KINDS = [
  'private_salon',
  'suite',
  'limousine',
  'event_tickets',
  'private_dining',
] as const;
export type VipExperienceKind = (typeof VIP_EXPERIENCE_KINDS)[number];

/**
 * `requested`: booked by a host, nothing charged; `approving`: the comp balance is being charged (a moment, or
 * until the sweep finishes or undoes an interrupted approval); `approved`: charged; `scheduled`: a date and
 * place confirmed; `completed`: it took place; `cancelled`: called off (its charge, if any, refunded once).
 */
export type VipExperienceStatus =
  'requested' | 'approving' | 'approved' | 'scheduled' | 'completed' | 'cancelled';

export interface VipExperienceDocument {
  id: string;
  member_id: string;
  kind: VipExperienceKind;
  /** What is booked (the suite, the show, the route): free text, cleared on erasure */
  description: string;
  cost_cents: number;
  status: VipExperienceStatus;
  /** The member's tier when it was requested */
  tier: Tier;
  /** When the member wants it (set at request, confirmed or moved by scheduling) */
  starts_at: Date;
  requested_by: string;
  requested_role: string;
  requested_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  scheduled_by: string | null;
  scheduled_at: Date | null;
  completed_by: string | null;
  completed_at: Date | null;
  cancelled_by: string | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  /** On a cancelled experience that had been charged: false until the charge is refunded (the sweep finishes it) */
  refund_settled?: boolean;
}

export interface VipExperienceFilterInput {
  memberId?: string | null;
  status?: VipExperienceStatus | null;
  kind?: VipExperienceKind | null;
}

export const VIP_EXPERIENCES = 'vip_experiences';

export const vipExperienceIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { member_id: 1, requested_at: -1 }, name: 'member_id_1_requested_at_-1' },
  { key: { requested_at: -1, id: -1 }, name: 'requested_at_-1_id_-1' },
  { key: { status: 1, requested_at: -1 }, name: 'status_1_requested_at_-1' },
];

const VIP_EXPERIENCE_FILTER_FIELDS = { memberId: 'member_id', status: 'status', kind: 'kind' } as const;

/** VIP experiences; lookups by id, insert, the guarded transition and the settled mark are BalanceRecordStore's. */
export class VipExperienceStore extends BalanceRecordStore<VipExperienceStatus, VipExperienceDocument> {
  constructor(db: Db) {
    super(db, VIP_EXPERIENCES);
  }

  page(input: VipExperienceFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.filteredPage(input, VIP_EXPERIENCE_FILTER_FIELDS, args, paging, {
      field: 'requested_at',
      direction: -1,
    });
  }

  /** Experiences left `approving` since before `before` (an approval interrupted by a crash). */
  approvingSince(before: Date): AsyncIterable<VipExperienceDocument> {
    return this.interruptedSince({ status: 'approving', approved_at: { $lt: before } });
  }

  /** Cancelled before `before` with the charge not yet refunded (a cancellation interrupted by a crash). */
  refundsUnsettledSince(before: Date): AsyncIterable<VipExperienceDocument> {
    return this.interruptedSince({
      status: 'cancelled',
      refund_settled: false,
      cancelled_at: { $lt: before },
    });
  }

  markRefundSettled(id: string): Promise<void> {
    return this.markSettled(id, 'refund_settled');
  }

  /** Erasure: a member's experiences' free text (what was booked, why cancelled) replaced by `marker`. */
  async eraseDescriptions(memberId: string, marker: string): Promise<number> {
    await this.collection.updateMany(
      { member_id: memberId, cancel_reason: { $nin: [null, marker] } },
      { $set: { cancel_reason: marker } },
    );
    const result = await this.collection.updateMany(
      { member_id: memberId, description: { $ne: marker } },
      { $set: { description: marker } },
    );
    return result.modifiedCount;
  }
}
