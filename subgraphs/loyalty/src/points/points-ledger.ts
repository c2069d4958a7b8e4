import type { Filter } from 'mongodb';
import { notFound } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { LoyaltyStores } from '../stores';
import type { LedgerBalance, LedgerEntryType, PointsLedgerDocument } from './ledger-store';
import type { MemberDocument, PostingMember, Tier } from '../members/member-store';
import type { RewardRedemptionDocument } from '../redemptions/redemption-store';
import type { LoyaltySettings } from '../settings';

export type { PostingMember } from '../members/member-store';

/** What a member's applied-ids list holds for an entry whose posting was refused (so it can never apply). */
export const voidMarker = (entryId: string) => `void:${entryId}`;

/** Called between the steps of a posting; tests throw from them to simulate a crash at that point. */
export interface PostingHooks {
  /** After the entries are recorded (step a), before the balance moves */
  afterRecord?: (entries: PointsLedgerDocument[]) => Promise<void> | void;
  /** After a unit of stock was reserved for a redemption's debit, before the balance moves */
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
      /** What refused it: the balance guard, or no unit of the reward's stock left for a redemption's debit */
      refusedBy: 'guard' | 'stock';
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
  /** A comp accrual's theo in cents */
  theoCents?: number;
  /** The member's tier, on comp balance entries */
  tier?: Tier;
  key: string;
  at: Date;
}

/**
 * A redemption's debit: it names the redemption it pays for (`source_id`) and the reward. Its posting takes
 * two steps of its own, from what the entry says: a unit of stock reserved for it (when it `reserves_stock`)
 * before the points move, and the redemption stored before the entry is marked applied.
 */
export const paysForRedemption = (entry: PointsLedgerDocument) =>
  entry.type === 'redeem' && !!entry.source_id && !!entry.reward_id;

/** The redemption a redemption's debit entry paid for (every attempt derives the same one from the entry). */
export function redemptionOf(entry: PointsLedgerDocument): RewardRedemptionDocument {
  return {
    id: entry.source_id!,
    member_id: entry.member_id,
    reward_id: entry.reward_id!,
    points_spent: -entry.amount,
    status: 'completed',
    redeemed_at: entry.created_at,
    cancelled_at: null,
  };
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
    ...(fields.theoCents !== undefined ? { theo_cents: fields.theoCents } : {}),
    ...(fields.tier !== undefined ? { tier: fields.tier } : {}),
    idempotency_key: fields.key,
    created_at: fields.at,
  };
}

const FIELD: Record<LedgerBalance, 'points_balance' | 'tier_credits' | 'comp_balance_cents'> = {
  points: 'points_balance',
  tier_credits: 'tier_credits',
  comps: 'comp_balance_cents',
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
 * A redemption's debit (`paysForRedemption`) adds a step between a and b (a unit of the reward's stock
 * reserved for the entry, idempotent by the entry's id) and one between b and c (the redemption stored, so it
 * exists before the entry looks finished); every attempt that gets that far runs them. Both are store
 * operations driven by the entry's own fields: the ledger never calls back into the flow that posts.
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
    return this.stores.members;
  }

  private get ledger() {
    return this.stores.ledger;
  }

  /** Step a: records an entry as not yet applied, or finds the one already recorded under its key. */
  private async recordOrFind(
    entry: PointsLedgerDocument,
  ): Promise<{ entry: PointsLedgerDocument; created: boolean }> {
    const pending = { ...entry, applied: false };
    if (await this.ledger.insertUnlessKeyed(pending)) return { entry: pending, created: true };
    const existing = await this.ledger.findByKey(entry.idempotency_key);
    // deleted in between by a refusal: record it again (a new id, so the void marker does not block it)
    if (!existing) return this.recordOrFind({ ...entry, id: newId() });
    return { entry: existing, created: false };
  }

  /**
   * Between a and b, for a redemption's debit: a unit of the reward's stock reserved for each entry that
   * reserves one. False when a unit could not be reserved.
   */
  private async reserveStock(entries: PointsLedgerDocument[]): Promise<boolean> {
    for (const entry of entries) {
      if (!entry.reserves_stock) continue;
      const reserved = await this.stores.rewards.reserveUnitFor(
        entry.reward_id!,
        entry.id,
        this.settings.reservedEntriesKept,
      );
      if (!reserved) return false;
    }
    return true;
  }

  /** Between b and c: the redemptions the entries paid for, stored unless they are already. */
  private async beforeMark(entries: PointsLedgerDocument[]): Promise<void> {
    for (const entry of entries) {
      if (paysForRedemption(entry)) await this.stores.redemptions.insertOnce(redemptionOf(entry));
    }
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
    if (pending.some(paysForRedemption)) {
      if (!(await this.reserveStock(pending))) {
        const settled = await this.settle(memberId, pending);
        if (settled !== 'applied') {
          return {
            status: 'refused',
            entries: recorded,
            voidedHere: settled === 'voided',
            refusedBy: 'stock',
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
      const moved = await this.members.moveBalances({
        memberId,
        guard: { ...(options.guard as Filter<PostingMember>), ...notBelowZero },
        inc,
        visitedAt: options.visitedAt,
        ids,
        blocked: [...ids, ...ids.map(voidMarker)],
        keep: this.settings.appliedEntriesKept,
      });
      if (moved) {
        before = moved;
        after = { ...before } as PostingMember;
        const fields = after as unknown as Record<string, number>;
        for (const [field, delta] of Object.entries(inc)) fields[field] = (fields[field] ?? 0) + delta;
        await this.hooks.afterApply?.(todo);
        await this.beforeMark(todo);
        await this.markApplied(ids, this.evicted(before.applied_entries ?? [], ids));
        return { status: 'applied', before, after };
      }
      const member = await this.members.appliedEntriesOf(memberId);
      if (!member) throw notFound('Member', memberId);
      const list = new Set(member.applied_entries ?? []);
      const applied = todo.filter((e) => list.has(e.id));
      const voided = todo.filter((e) => list.has(voidMarker(e.id)));
      const rest = todo.filter((e) => !list.has(e.id) && !list.has(voidMarker(e.id)));
      const appliedIds = applied.map((e) => e.id);
      if (appliedIds.length > 0) {
        await this.beforeMark(applied);
        await this.markApplied(appliedIds, []);
      }
      if (voided.length > 0) {
        // refused by an earlier attempt: finish its clean-up (the entries never moved the balance)
        await this.ledger.deleteUnapplied(voided.map((e) => e.id));
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
    const voided = await this.members.pushMarkers(
      memberId,
      ids.map(voidMarker),
      [...ids, ...ids.map(voidMarker)],
      this.settings.appliedEntriesKept,
    );
    if (!voided) return false;
    // the markers push ids out of the kept window like any posting does: mark those entries applied too
    const evicted = this.evicted(voided.applied_entries ?? [], ids.map(voidMarker));
    if (evicted.length > 0) await this.markApplied([], evicted);
    await this.ledger.deleteUnapplied(ids);
    return true;
  }

  /** The entry ids an update that pushes `pushed` onto `list` pushes out of the kept window. */
  private evicted(list: string[], pushed: string[]): string[] {
    const all = [...list, ...pushed];
    const out = all.length - this.settings.appliedEntriesKept;
    return out > 0 ? all.slice(0, out).filter((id) => !id.startsWith('void:')) : [];
  }

  private async markApplied(ids: string[], evicted: string[]) {
    await this.ledger.markApplied([...ids, ...evicted]);
  }

  /**
   * Refuses a recorded entry that must not apply any more (an interrupted interactive flow whose caller got
   * an error), unless it already moved the balance: 'applied' (then it is marked applied, a redemption's
   * debit once its redemption is stored), 'voided' by this call, or 'gone' (voided by someone else).
   */
  async cancelPending(entry: PointsLedgerDocument): Promise<'applied' | 'voided' | 'gone'> {
    return this.settle(entry.member_id, [entry]);
  }

  /**
   * What became of the entry a crashed flow recorded under `key`: `applied` when it moved the balance,
   * otherwise it is cancelled now (`voided`), or `gone` when none was recorded.
   */
  async settleByKey(key: string): Promise<'applied' | 'voided' | 'gone'> {
    const entry = await this.ledger.findByKey(key);
    if (!entry) return 'gone';
    if (entry.applied !== false) return 'applied';
    return this.cancelPending(entry);
  }

  /** `cancelPending` for entries that apply together (all or none). */
  private async settle(
    memberId: string,
    entries: PointsLedgerDocument[],
  ): Promise<'applied' | 'voided' | 'gone'> {
    const ids = entries.map((e) => e.id);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await this.voidEntries(memberId, entries)) return 'voided';
      const member = await this.members.appliedEntriesOf(memberId);
      const list = new Set(member?.applied_entries ?? []);
      if (ids.some((id) => list.has(id))) {
        await this.beforeMark(entries);
        await this.markApplied(ids, []);
        return 'applied';
      }
      if (ids.some((id) => list.has(voidMarker(id))) || !member) {
        await this.ledger.deleteUnapplied(ids);
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
    const member = await this.members.findPostingMember(memberId);
    if (!member) throw notFound('Member', memberId);
    const listed = (member.applied_entries ?? []).filter((id) => !id.startsWith('void:'));
    const sums = await this.ledger.appliedSums(memberId, listed);
    const result = {
      pointsBalance: member.points_balance,
      pointsLedgerSum: sums.get('points') ?? 0,
      tierCredits: member.tier_credits,
      tierCreditsLedgerSum: sums.get('tier_credits') ?? 0,
      compBalanceCents: member.comp_balance_cents ?? 0,
      compLedgerSumCents: sums.get('comps') ?? 0,
    };
    return {
      ...result,
      consistent:
        result.pointsBalance === result.pointsLedgerSum &&
        result.tierCredits === result.tierCreditsLedgerSum &&
        result.compBalanceCents === result.compLedgerSumCents,
    };
  }
}
