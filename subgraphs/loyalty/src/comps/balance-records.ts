import type { Filter, OptionalUnlessRequiredId } from 'mongodb';
import { badUserInput, conflict, notFound } from '@casino/errors';
import { CollectionStore } from '@casino/mongo';
import type { LoyaltyStores } from '../stores';
import type { MemberDocument } from '../members/member-store';
import type { PointsLedger } from '../points/points-ledger';

/**
 * What comps and VIP experiences have in common: a record of a member whose status moves only by a guarded
 * transition (of concurrent callers exactly one moves it), whose flows move the member's comp balance once per
 * ledger key, and which the loyalty jobs sweep after a crash left a flow between its state change and its money
 * move (finished when the keyed entry applied, undone otherwise).
 */
export interface BalanceRecord<S extends string = string> {
  id: string;
  member_id: string;
  status: S;
}

/** The member's comp balance before and after an operation, in cents. */
export interface BalanceChange {
  memberId: string;
  balanceBeforeCents: number;
  balanceAfterCents: number;
}

/** What a sweep did with the flows a crash interrupted. */
export interface SweepResult {
  finished: number;
  undone: number;
}

/** The store side: lookups by id (CollectionStore's) and THE state change, one guarded update. */
export abstract class BalanceRecordStore<
  S extends string,
  T extends BalanceRecord<S>,
> extends CollectionStore<T> {
  async insert(record: T): Promise<void> {
    await this.collection.insertOne({ ...record } as OptionalUnlessRequiredId<T>);
  }

  /**
   * THE state change of a record: one guarded update that applies only while it (of that member) is in one of
   * the `from` states, so of concurrent callers exactly one moves it. The record after the change, or null.
   */
  transition(id: string, memberId: string, from: S[], set: Partial<T>): Promise<T | null> {
    return this.collection.findOneAndUpdate(
      { id, member_id: memberId, status: { $in: from } } as Filter<T>,
      { $set: set },
      { returnDocument: 'after', projection: { _id: 0 } },
    ) as Promise<T | null>;
  }

  /** The records a sweep looks at: `filter` names the flows a crash interrupted. */
  protected interruptedSince(filter: Filter<T>): AsyncIterable<T> {
    return this.collection.find(filter, { projection: { _id: 0 } }) as unknown as AsyncIterable<T>;
  }

  /** Marks the money move of a record's flow done (`field` false → true, once). */
  protected async markSettled(id: string, field: keyof T & string): Promise<void> {
    await this.collection.updateOne({ id, [field]: false } as Filter<T>, {
      $set: { [field]: true } as Partial<T>,
    });
  }

  countByMember(memberId: string): Promise<number> {
    return this.collection.countDocuments({ member_id: memberId } as Filter<T>);
  }
}

/** The member an input names, or BAD_USER_INPUT on `input.memberId`. */
export async function requireMember(stores: LoyaltyStores, memberId: string): Promise<MemberDocument> {
  const member = await stores.members.findById(memberId);
  if (!member) throw badUserInput('input.memberId', 'no member with this id');
  return member;
}

/** A record of that member, or NOT_FOUND naming `typename` (also for a record of another member). */
export async function requireOwnRecord<T extends BalanceRecord>(
  store: { findById(id: string): Promise<T | null> },
  typename: string,
  memberId: string,
  id: string,
): Promise<T> {
  const record = await store.findById(id);
  if (!record || record.member_id !== memberId) throw notFound(typename, id);
  return record;
}

/** The member's comp balance now, in cents (0 for a member gone). */
export async function balanceOf(stores: LoyaltyStores, memberId: string): Promise<number> {
  return (await stores.members.findById(memberId))?.comp_balance_cents ?? 0;
}

/** A change of the record alone: the member's balance as it is now, before and after. */
export async function balanceUnchanged(stores: LoyaltyStores, memberId: string): Promise<BalanceChange> {
  const balance = await balanceOf(stores, memberId);
  return { memberId, balanceBeforeCents: balance, balanceAfterCents: balance };
}

/**
 * The CONFLICT of a state change that did not apply, naming the record's state as it is now (a concurrent
 * caller may have changed it since it was read): "This <what> is <status>, not <wanted>".
 */
export async function notInState<S extends string>(
  store: { findById(id: string): Promise<BalanceRecord<S> | null> },
  record: BalanceRecord<S>,
  what: string,
  wanted: string,
  field: string,
) {
  const status = (await store.findById(record.id))?.status ?? record.status;
  return conflict(`This ${what} is ${status.replace('_', ' ')}, not ${wanted}`, field);
}

/**
 * The guarded transition of `record` out of one of the `from` states, or the CONFLICT of notInState when it is
 * no longer in one: the record after the change.
 */
export async function moveOrConflict<S extends string, T extends BalanceRecord<S>>(
  store: BalanceRecordStore<S, T>,
  record: T,
  from: S[],
  set: Partial<T>,
  refusal: { what: string; wanted: string; field: string },
): Promise<T> {
  const moved = await store.transition(record.id, record.member_id, from, set);
  if (!moved) throw await notInState(store, record, refusal.what, refusal.wanted, refusal.field);
  return moved;
}

/**
 * The money-move-once step of the sweep: the flow's keyed ledger entry is settled (applied or voided), then the
 * flow is finished when it applied, undone otherwise. True when finished.
 */
export async function settleMoneyMove(
  ledger: PointsLedger,
  key: string,
  finish: () => Promise<unknown>,
  undo: () => Promise<unknown>,
): Promise<boolean> {
  if ((await ledger.settleByKey(key)) === 'applied') {
    await finish();
    return true;
  }
  await undo();
  return false;
}

/** The sweep loop: each interrupted record through `step` (true: finished, false: undone), counted. */
export async function sweep(
  steps: { records: AsyncIterable<unknown>; step(record: never): Promise<boolean> }[],
): Promise<SweepResult> {
  const result: SweepResult = { finished: 0, undone: 0 };
  for (const { records, step } of steps) {
    for await (const record of records) {
      if (await step(record as never)) result.finished += 1;
      else result.undone += 1;
    }
  }
  return result;
}

/** One line of a sweep, typed: `records` and the `step` that finishes or undoes each. */
export const sweepOf = <T>(records: AsyncIterable<T>, step: (record: T) => Promise<boolean>) => ({
  records,
  step: step as (record: never) => Promise<boolean>,
});
