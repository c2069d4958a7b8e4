import type { Filter } from 'mongodb';
import { notFound } from '@casino/errors';
import { duplicateKeyField, newId } from '@casino/mongo';
import type { LoyaltyStores } from '../context';
import type { LedgerBalance, LedgerEntryType, PointsLedgerDocument } from '../ledger/ledger-store';
import type { MemberDocument } from '../members/member-store';
import type { LoyaltySettings } from '../settings';

/** A member as the posting path sees it: with the ids of the entries it applied most recently. */
export type PostingMember = MemberDocument & { applied_entries?: string[] };

/** What a member's applied-ids list holds for an entry whose posting was refused (so it can never apply). */
export const voidMarker = (entryId: string) => `void:${entryId}`;

/** Called between the steps of a posting; tests throw from them to simulate a crash at that point. */
export interface PostingHooks {
  /** After the entries are recorded (step a), before the balance moves */
  afterRecord?: (entries: PointsLedgerDocument[]) => Promise<void> | void;
  /** After `PostOptions.prepare` accepted the entries (e.g. a unit of stock reserved), before the balance moves */
  afterPrepare?: (entries: PointsLedgerDocument[]) => Promise<void> | void;
  /** After the balance moved (step b), before the entries are marked applied */
  afterApply?: (entries: PointsLedgerDocument[]) => Promise<void> | void;
}

export interface PostOptions {
  /** Conditions the member must meet for the balance to move, on top of "no debit below zero" */
  guard?: Filter<MemberDocument>;
  /** Moves the member's last visit forward to this time in the same update (gaming credits) */
  visitedAt?: Date;
  /**
   * Called with each entry found already recorded under its key (a retry): throws to reject it, e.g. when a
   * client's idempotency key was used for a different request
   */
  onExisting?: (entry: PointsLedgerDocument) => void;
  /**
   * Runs after the entries are recorded and before the balance moves, on every attempt (it must be
   * idempotent): answering false refuses the posting (the entries are voided, unless they applied already)
   */
  prepare?: (entries: PointsLedgerDocument[]) => Promise<boolean>;
  /**
   * Runs once the balance has moved and before the entries are marked applied, by every attempt that sees
   * them moved (it must be idempotent): what it stores is in place before the entries look finished
   */
  beforeMark?: (entries: PointsLedgerDocument[]) => Promise<void>;
}

export type PostResult =
  | {
      status: 'applied';
      /** The entries as stored (a rerun answers with the ones recorded first) */
      entries: { entry: PointsLedgerDocument; created: boolean }[];
      /** True when some entry was not yet marked applied when this call started (it applied or finished it) */
      resumed: boolean;
      /** The member after the balances moved, when this call moved them */
      member: PostingMember | null;
      /** The member before the balances moved, when this call moved them */
      before: PostingMember | null;
    }
  | {
      status: 'refused';
      entries: { entry: PointsLedgerDocument; created: boolean }[];
      /** True for the one caller whose refusal voided the entries */
      voidedHere: boolean;
      /** What refused it: the balance guard, or `PostOptions.prepare` */
      refusedBy: 'guard' | 'prepare';
    };

export interface EntryFields {
  memberId: string;
  balance: LedgerBalance;
  type: LedgerEntryType;
  amount: number;
  source: string;
  sourceId?: string | null;
  reason?: string | null;
  rewardId?: string | null;
  /** A redemption's debit that reserves a unit of the reward's stock (see `PointsLedgerDocument`) */
  reservesStock?: boolean;
  key: string;
  at: Date;
}

/** A new ledger entry (not yet recorded). */
export function ledgerEntry(fields: EntryFields): PointsLedgerDocument {
  return {
    id: newId(),
    member_id: fields.memberId,
    balance: fields.balance,
    type: fields.type,
    amount: fields.amount,
    source: fields.source,
    source_id: fields.sourceId ?? null,
    reason: fields.reason ?? null,
    ...(fields.rewardId ? { reward_id: fields.rewardId } : {}),
    ...(fields.reservesStock !== undefined ? { reserves_stock: fields.reservesStock } : {}),
    idempotency_key: fields.key,
    created_at: fields.at,
  };
}

const FIELD: Record<LedgerBalance, 'points_balance' | 'tier_credits'> = {
  points: 'points_balance',
  tier_credits: 'tier_credits',
};

/** How many times a posting re-reads the member after losing a race before it gives up. */
const MAX_ATTEMPTS = 8;

/**
 * The one path by which `points_balance` and `tier_credits` change. Without transactions a posting takes
 * three single-document steps:
 *
 *  a. record each entry with `applied: false` under its unique idempotency key (a rerun finds the entry
 *     already recorded under the key and resumes it, whether it was applied or not);
 *  b. move the balances with ONE `findOneAndUpdate` on the member that matches only while none of the entry
 *     ids (nor their void markers) is among the member's `applied_entries`, only if the guard holds (a debit
 *     never takes a balance below zero), and pushes the ids there in the same atomic update. Whoever runs
 *     this update first decides: a second attempt (a retry, a concurrent rerun, the crash sweep) cannot match
 *     it again, so the balance moves at most once. If nothing matched, the member's list tells apart "already
 *     applied" (the id is there: go on to c) from "refused by the guard": the refusal is made final by pushing
 *     a void marker under the same condition (so no late attempt can apply it) and the entry is deleted;
 *  c. mark the entries `applied: true`.
 *
 * A posting may add a step of its own between a and b (`prepare`, e.g. a redemption reserving a unit of stock
 * for the entry, idempotent by the entry's id) and one between b and c (`beforeMark`, e.g. storing the
 * redemption, so it exists before the entry looks finished); every attempt that gets that far runs them.
 *
 * A crash between any two steps leaves a state the next attempt finishes, and the ledger check stays true at
 * every step because it counts an entry once it is marked applied OR its id is in the member's list.
 *
 * The member keeps only the last `appliedEntriesKept` (N) ids. An entry that crashed after b must be resumed
 * before N further postings to the same member push its id out, or a resume would apply it again; to narrow
 * that window further every posting marks applied the entries whose ids its own update pushes out.
 */
export class PointsLedger {
  constructor(
    private readonly stores: LoyaltyStores,
    private readonly settings: LoyaltySettings,
    private readonly hooks: PostingHooks = {},
  ) {}

  private get members() {
    return this.stores.members.collection;
  }

  private get ledger() {
    return this.stores.ledger.collection;
  }

  /** Step a: records an entry as not yet applied, or finds the one already recorded under its key. */
  private async recordOrFind(
    entry: PointsLedgerDocument,
  ): Promise<{ entry: PointsLedgerDocument; created: boolean }> {
    const pending = { ...entry, applied: false };
    try {
      await this.ledger.insertOne({ ...pending });
      return { entry: pending, created: true };
    } catch (error) {
      if (duplicateKeyField(error) === null) throw error;
    }
    const existing = await this.ledger.findOne(
      { idempotency_key: entry.idempotency_key },
      { projection: { _id: 0 } },
    );
    // deleted in between by a refusal: record it again (a new id, so the void marker does not block it)
    if (!existing) return this.recordOrFind({ ...entry, id: newId() });
    return { entry: existing, created: false };
  }

  /**
   * Posts entries of one member (all applied together, or none): records them, moves the balances once and
   * marks them applied. Debits are refused when they would take a balance below zero or `guard` fails.
   */
  async post(entries: PointsLedgerDocument[], options: PostOptions = {}): Promise<PostResult> {
    const memberId = entries[0]!.member_id;
    if (entries.some((e) => e.member_id !== memberId)) throw new Error('a posting is for one member');
    const recorded: { entry: PointsLedgerDocument; created: boolean }[] = [];
    for (const entry of entries) recorded.push(await this.recordOrFind(entry));
    for (const r of recorded) if (!r.created) options.onExisting?.(r.entry);
    const pending = recorded.map((r) => r.entry).filter((e) => e.applied === false);
    if (pending.length === 0) {
      return { status: 'applied', entries: recorded, resumed: false, member: null, before: null };
    }
    await this.hooks.afterRecord?.(pending);
    if (options.prepare) {
      if (!(await options.prepare(pending))) {
        const settled = await this.settle(memberId, pending, options.beforeMark);
        if (settled !== 'applied') {
          return {
            status: 'refused',
            entries: recorded,
            voidedHere: settled === 'voided',
            refusedBy: 'prepare',
          };
        }
        return { status: 'applied', entries: recorded, resumed: true, member: null, before: null };
      }
      await this.hooks.afterPrepare?.(pending);
    }
    const outcome = await this.apply(memberId, pending, options);
    if (outcome.status === 'refused') {
      return { status: 'refused', entries: recorded, voidedHere: outcome.voidedHere, refusedBy: 'guard' };
    }
    return {
      status: 'applied',
      entries: recorded,
      resumed: true,
      member: outcome.after,
      before: outcome.before,
    };
  }

  /** Steps b and c for recorded entries; loops only when a concurrent attempt changed the member meanwhile. */
  private async apply(
    memberId: string,
    pending: PointsLedgerDocument[],
    options: PostOptions,
  ): Promise<
    | { status: 'applied'; before: PostingMember | null; after: PostingMember | null }
    | { status: 'refused'; voidedHere: boolean }
  > {
    let todo = pending;
    let before: PostingMember | null = null;
    let after: PostingMember | null = null;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const ids = todo.map((e) => e.id);
      const blocked = { $nin: [...ids, ...ids.map(voidMarker)] };
      const inc: Record<string, number> = {};
      for (const entry of todo) {
        const field = FIELD[entry.balance];
        inc[field] = (inc[field] ?? 0) + entry.amount;
        if (entry.balance === 'points' && entry.type === 'earn') {
          inc.total_points_earned = (inc.total_points_earned ?? 0) + entry.amount;
        }
      }
      // THE guard, checked by the same atomic update that moves the balance: a check made before the update
      // would let concurrent debits all pass it (without this, 50 concurrent redemptions of a 100-point
      // reward on a 500-point balance all debit it: the "never overdraws" redemption test fails)
      const notBelowZero: Filter<PostingMember> = {};
      for (const [field, delta] of Object.entries(inc)) {
        if (delta < 0 && field !== 'total_points_earned') {
          (notBelowZero as Record<string, unknown>)[field] = { $gte: -delta };
        }
      }
      const moved = await this.members.findOneAndUpdate(
        {
          ...(options.guard as Filter<PostingMember>),
          ...notBelowZero,
          id: memberId,
          applied_entries: blocked,
        },
        {
          $inc: inc,
          ...(options.visitedAt ? { $max: { last_visit: options.visitedAt } } : {}),
          $push: { applied_entries: { $each: ids, $slice: -this.settings.appliedEntriesKept } },
        },
        { returnDocument: 'before', projection: { _id: 0 } },
      );
      if (moved) {
        before = moved as PostingMember;
        after = { ...before } as PostingMember;
        const fields = after as unknown as Record<string, number>;
        for (const [field, delta] of Object.entries(inc)) fields[field] = (fields[field] ?? 0) + delta;
        await this.hooks.afterApply?.(todo);
        await options.beforeMark?.(todo);
        await this.markApplied(ids, this.evicted(before.applied_entries ?? [], ids));
        return { status: 'applied', before, after };
      }
      const member = (await this.members.findOne(
        { id: memberId },
        { projection: { _id: 0, applied_entries: 1 } },
      )) as Pick<PostingMember, 'applied_entries'> | null;
      if (!member) throw notFound('Member', memberId);
      const list = new Set(member.applied_entries ?? []);
      const applied = todo.filter((e) => list.has(e.id));
      const voided = todo.filter((e) => list.has(voidMarker(e.id)));
      const rest = todo.filter((e) => !list.has(e.id) && !list.has(voidMarker(e.id)));
      const appliedIds = applied.map((e) => e.id);
      if (appliedIds.length > 0) {
        await options.beforeMark?.(applied);
        await this.markApplied(appliedIds, []);
      }
      if (voided.length > 0) {
        // refused by an earlier attempt: finish its clean-up (the entries never moved the balance)
        await this.deleteUnapplied(voided.map((e) => e.id));
        if (rest.length > 0) await this.voidEntries(memberId, rest);
        return { status: 'refused', voidedHere: false };
      }
      if (rest.length === 0) return { status: 'applied', before, after };
      if (applied.length > 0) {
        todo = rest;
        continue;
      }
      // none of them is applied or voided, so the guard refused: make the refusal final, unless an attempt
      // applied them in the meantime (then the next round sees that)
      if (await this.voidEntries(memberId, rest)) return { status: 'refused', voidedHere: true };
    }
    throw new Error(`posting for member ${memberId} kept losing races`);
  }

  /** Pushes the void markers unless an entry got applied or voided first; deletes the entries if it did. */
  private async voidEntries(memberId: string, entries: PointsLedgerDocument[]): Promise<boolean> {
    const ids = entries.map((e) => e.id);
    const voided = (await this.members.findOneAndUpdate(
      { id: memberId, applied_entries: { $nin: [...ids, ...ids.map(voidMarker)] } },
      {
        $push: {
          applied_entries: { $each: ids.map(voidMarker), $slice: -this.settings.appliedEntriesKept },
        },
      },
      { returnDocument: 'before', projection: { _id: 0, applied_entries: 1 } },
    )) as Pick<PostingMember, 'applied_entries'> | null;
    if (!voided) return false;
    // the markers push ids out of the kept window like any posting does: mark those entries applied too
    const evicted = this.evicted(voided.applied_entries ?? [], ids.map(voidMarker));
    if (evicted.length > 0) await this.markApplied([], evicted);
    await this.deleteUnapplied(ids);
    return true;
  }

  private async deleteUnapplied(ids: string[]) {
    await this.ledger.deleteMany({ id: { $in: ids }, applied: false });
  }

  /** The entry ids an update that pushes `pushed` onto `list` pushes out of the kept window. */
  private evicted(list: string[], pushed: string[]): string[] {
    const all = [...list, ...pushed];
    const out = all.length - this.settings.appliedEntriesKept;
    return out > 0 ? all.slice(0, out).filter((id) => !id.startsWith('void:')) : [];
  }

  private async markApplied(ids: string[], evicted: string[]) {
    await this.ledger.updateMany(
      { id: { $in: [...ids, ...evicted] }, applied: false },
      { $set: { applied: true } },
    );
  }

  /**
   * Refuses recorded entries that must not apply any more (an interrupted interactive flow whose caller got
   * an error), unless they already moved the balance: 'applied' (then they are marked applied), 'voided' by
   * this call, or 'gone' (voided by someone else).
   */
  async cancelPending(
    entry: PointsLedgerDocument,
    beforeMark?: PostOptions['beforeMark'],
  ): Promise<'applied' | 'voided' | 'gone'> {
    return this.settle(entry.member_id, [entry], beforeMark);
  }

  /** `cancelPending` for entries that apply together (all or none); `beforeMark` runs before they are marked. */
  private async settle(
    memberId: string,
    entries: PointsLedgerDocument[],
    beforeMark?: PostOptions['beforeMark'],
  ): Promise<'applied' | 'voided' | 'gone'> {
    const ids = entries.map((e) => e.id);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await this.voidEntries(memberId, entries)) return 'voided';
      const member = (await this.members.findOne(
        { id: memberId },
        { projection: { _id: 0, applied_entries: 1 } },
      )) as Pick<PostingMember, 'applied_entries'> | null;
      const list = new Set(member?.applied_entries ?? []);
      if (ids.some((id) => list.has(id))) {
        await beforeMark?.(entries);
        await this.markApplied(ids, []);
        return 'applied';
      }
      if (ids.some((id) => list.has(voidMarker(id))) || !member) {
        await this.deleteUnapplied(ids);
        return 'gone';
      }
    }
    throw new Error(`could not settle ledger entries ${ids.join(', ')}`);
  }

  /**
   * The member's balances next to the sums of the ledger entries that are part of them: the ones marked
   * applied (or written in one step, without the flag) and the ones whose id the member lists as applied
   * (the balance moved, the mark is still to come). A recorded entry that has not moved the balance is not
   * part of it yet.
   */
  async check(memberId: string) {
    const member = (await this.members.findOne(
      { id: memberId },
      { projection: { _id: 0 } },
    )) as PostingMember | null;
    if (!member) throw notFound('Member', memberId);
    const listed = (member.applied_entries ?? []).filter((id) => !id.startsWith('void:'));
    const sums = await this.ledger
      .aggregate<{ _id: LedgerBalance; sum: number }>([
        { $match: { member_id: memberId, $or: [{ applied: { $ne: false } }, { id: { $in: listed } }] } },
        { $group: { _id: '$balance', sum: { $sum: '$amount' } } },
      ])
      .toArray();
    const sumOf = (balance: LedgerBalance) => sums.find((s) => s._id === balance)?.sum ?? 0;
    const result = {
      pointsBalance: member.points_balance,
      pointsLedgerSum: sumOf('points'),
      tierCredits: member.tier_credits,
      tierCreditsLedgerSum: sumOf('tier_credits'),
    };
    return {
      ...result,
      consistent:
        result.pointsBalance === result.pointsLedgerSum && result.tierCredits === result.tierCreditsLedgerSum,
    };
  }
}
