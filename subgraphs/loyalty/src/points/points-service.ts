import type { Decimal128 } from 'mongodb';
import { z } from 'zod';
import { forbiddenError } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { badUserInput, conflict, notFound, validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { LoyaltyStores } from '../stores';
import type { LedgerFilterInput, PointsLedgerDocument } from './ledger-store';
import type { MemberDocument, PostingMember, Tier } from '../members/member-store';
import type { RedemptionFilterInput, RewardRedemptionDocument } from '../redemptions/redemption-store';
import { TIER_ORDER, tierForCredits } from '../settings';
import type { LoyaltySettings } from '../settings';
import { ledgerEntry, paysForRedemption, PointsLedger, redemptionOf, voidMarker } from './points-ledger';
import type { PostingHooks } from './points-ledger';
import { compAccrualCents, theoCents } from '../comps/money';

export interface GamingSessionCredit {
  memberId: string;
  sessionId: string;
  points: number;
  tierCredits: number;
  duplicate: boolean;
}

export interface LedgerCheck {
  pointsBalance: number;
  pointsLedgerSum: number;
  tierCredits: number;
  tierCreditsLedgerSum: number;
  compBalanceCents: number;
  compLedgerSumCents: number;
  consistent: boolean;
}

const id = z.string().trim().min(1, 'is required');

export const creditSchema = z.object({
  memberId: id,
  sessionId: id,
  theo: z.custom<Decimal128>().refine((t) => !String(t).startsWith('-'), 'must not be negative'),
  pointsRate: z.number().min(0, 'must not be negative').max(1_000, 'is too large'),
  endedAt: z.date(),
});

/** A client's key for retrying a request safely (the mobile app retries on timeouts). */
const idempotencyKey = z.string().trim().min(1, 'must not be empty').max(100, 'is too long').nullish();

const redeemSchema = z.object({ memberId: id, rewardId: id, idempotencyKey });

const adjustSchema = z.object({
  memberId: id,
  idempotencyKey,
  amount: z
    .number()
    .int()
    .refine((n) => n !== 0, 'must not be zero'),
  reason: z.string().trim().min(3, 'is required').max(500, 'is too long'),
});

export type CreditGamingSessionInput = z.input<typeof creditSchema>;

/** floor(), forgiving binary floating point noise (0.29 x 100 is 28.999999999999996, which earns 29). */
const wholePoints = (value: number) => Math.max(0, Math.floor(value + 1e-9));

/** What the sweep did with entries of interrupted flows. */
export interface SweepResult {
  finished: number;
  undone: number;
}

/**
 * The points flows: gaming credits, redemptions and their cancellation, hand adjustments. Every balance change
 * is a posting through `PointsLedger.post` (record the entry unapplied, move the balance once under a guard,
 * mark it applied), so a crash between any two steps is finished by the flow's retry or by the jobs' sweep.
 */
export class PointsService {
  readonly ledger: PointsLedger;

  constructor(
    private readonly stores: LoyaltyStores,
    private readonly settings: LoyaltySettings,
    hooks: PostingHooks = {},
  ) {
    this.ledger = new PointsLedger(stores, settings, hooks);
  }

  /** Moves the member up to the tier its credits earn (never down: that happens at the end of a tier period). */
  async promote(member: Pick<MemberDocument, 'id' | 'tier_credits'>): Promise<Tier> {
    const earned = tierForCredits(member.tier_credits, this.settings);
    const lower = TIER_ORDER.slice(0, TIER_ORDER.indexOf(earned));
    if (lower.length > 0) await this.stores.members.promote(member.id, lower, earned);
    return earned;
  }

  private async requireMember(memberId: string): Promise<MemberDocument> {
    const member = await this.stores.members.findById(memberId);
    if (!member) throw badUserInput('input.memberId', 'no member with this id');
    return member;
  }

  /**
   * The credit of a gaming session already applied for this member (both entries recorded under the
   * session's keys and applied), as a retry is answered; null otherwise (not credited, interrupted, or
   * credited to another member).
   */
  async findAppliedSessionCredit(sessionId: string, memberId: string): Promise<GamingSessionCredit | null> {
    const pointsKey = `gaming_session:${sessionId}:points`;
    const creditsKey = `gaming_session:${sessionId}:tier_credits`;
    const entries = await this.stores.ledger.findByKeys([pointsKey, creditsKey]);
    const points = entries.find((e) => e.idempotency_key === pointsKey);
    const credits = entries.find((e) => e.idempotency_key === creditsKey);
    if (!points || !credits) return null;
    if ([points, credits].some((e) => e.applied === false || e.member_id !== memberId)) return null;
    return { memberId, sessionId, points: points.amount, tierCredits: credits.amount, duplicate: true };
  }

  /**
   * Credits the points and tier credits of a finished gaming session, once per session. It posts the numbers
   * it is given: only `GamingSessionCredits`, which has checked them against gaming's record, may call it.
   */
  async creditGamingSession(raw: CreditGamingSessionInput): Promise<GamingSessionCredit> {
    const input = validateInput(creditSchema, raw);
    const member = await this.requireMember(input.memberId);
    const base = Number(input.theo.toString()) * input.pointsRate;
    const points = wholePoints(base * this.settings.tierMultipliers[member.tier]);
    const tierCredits = wholePoints(base);
    const common = {
      memberId: member.id,
      type: 'earn' as const,
      source: 'gaming_session',
      sourceId: input.sessionId,
      at: new Date(),
    };
    const pointsKey = `gaming_session:${input.sessionId}:points`;
    const creditsKey = `gaming_session:${input.sessionId}:tier_credits`;
    const compsKey = `gaming_session:${input.sessionId}:comps`;
    // the comp accrual: theo × the tier's reinvestment rate, in cents, computed on integers
    const comps = compAccrualCents(input.theo, this.settings.compReinvestmentPercent[member.tier]);
    // a retry (concurrent or after a crash) finds the entries recorded under the session's keys and finishes
    // them; all three move the balances in one update, so they apply together, once
    const posted = await this.ledger.post(
      [
        ledgerEntry({ ...common, balance: 'points', amount: points, key: pointsKey }),
        ledgerEntry({ ...common, balance: 'tier_credits', amount: tierCredits, key: creditsKey }),
        ledgerEntry({
          ...common,
          balance: 'comps',
          amount: comps,
          key: compsKey,
          theoCents: theoCents(input.theo),
          tier: member.tier,
        }),
      ],
      { visitedAt: input.endedAt },
    );
    if (posted.status === 'refused') throw badUserInput('input.memberId', 'no member with this id');
    if (posted.resumed) await this.promote(posted.member ?? (await this.requireMember(member.id)));
    if (posted.entries[0]!.created) {
      // a concurrent retry may have recorded the tier credits entry; it is the same amount either way
      return { memberId: member.id, sessionId: input.sessionId, points, tierCredits, duplicate: false };
    }
    // already credited (a retry, or one that raced this one): answer with what was recorded
    const amountOf = (key: string) =>
      posted.entries.find((e) => e.entry.idempotency_key === key)?.entry.amount ?? 0;
    return {
      memberId: member.id,
      sessionId: input.sessionId,
      points: amountOf(pointsKey),
      tierCredits: amountOf(creditsKey),
      duplicate: true,
    };
  }

  /** The member's balances next to the sums of the ledger entries that are part of them. */
  check(memberId: string): Promise<LedgerCheck> {
    return this.ledger.check(memberId);
  }

  /** A page of ledger entries, newest first. */
  ledgerPage(filter: LedgerFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.stores.ledger.page(filter, args, paging);
  }

  /** One ledger entry by id. */
  ledgerEntry(id: string): Promise<PointsLedgerDocument | null> {
    return this.stores.ledger.findById(id);
  }

  /** A page of redemptions, most recently redeemed first. */
  redemptionPage(filter: RedemptionFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.stores.redemptions.page(filter, args, paging);
  }

  /**
   * Redeems a reward in single-document steps, each safe to repeat:
   *
   *  1. the debit is recorded unapplied, naming the reward and whether it reserves stock (`reserves_stock`);
   *  2. for a reward with limited stock a unit is reserved FOR THAT ENTRY: one guarded update on the reward
   *     takes it only while `stock_quantity > 0` and the entry's id is not yet in `reserved_for`, and pushes
   *     the id there (so a retry or a concurrent attempt at the same entry never takes a second unit);
   *  3. the points move as a guarded debit (`PointsLedger`), or the entry is voided;
   *  4. the redemption is stored under the id the entry names, then the entry is marked applied.
   *
   * A refused entry (out of stock, or not enough points) gives its unit back by the update that pulls its id
   * from `reserved_for`, so exactly once whoever tries. A crash between any two steps is finished by a retry
   * with the same `idempotencyKey` or by the sweep (`settleInterrupted`). With a key the entry's idempotency
   * key is `redeem:<memberId>:<key>`: a retry answers with the redemption the key first made, and the key
   * used for another reward is a CONFLICT.
   */
  async redeem(raw: z.input<typeof redeemSchema>): Promise<RewardRedemptionDocument> {
    const input = validateInput(redeemSchema, raw);
    const key = input.idempotencyKey ? `redeem:${input.memberId}:${input.idempotencyKey}` : null;
    const sameRequest = (entry: PointsLedgerDocument) => {
      if (entry.reward_id !== input.rewardId) {
        throw conflict('This idempotency key was used to redeem another reward', 'input.idempotencyKey');
      }
    };
    if (key) {
      // a retry of a redemption that went through answers with it, whatever changed since
      const earlier = await this.stores.ledger.findByKey(key);
      if (earlier) {
        sameRequest(earlier);
        if (earlier.applied !== false) return this.finishRedemption(earlier);
      }
    }
    const member = await this.requireMember(input.memberId);
    const reward = await this.stores.rewards.findById(input.rewardId);
    if (!reward) throw badUserInput('input.rewardId', 'no reward with this id');
    if (!member.is_active) throw forbiddenError('This member is not active');
    if (reward.category === 'gaming' && member.self_excluded) {
      throw forbiddenError('A self-excluded member cannot redeem gaming rewards');
    }
    if (!reward.tier_access.includes(member.tier)) {
      throw forbiddenError(`This reward is not available to ${member.tier} members`);
    }
    if (!reward.is_active) throw conflict('This reward is not active', 'input.rewardId');
    const cost = reward.points_required;
    const redemptionId = newId();
    // the debit's guard (points_balance >= cost, in the same update as the $inc) is what lets exactly the
    // covered redemptions through when many run at once; the reservation's guard does the same for stock (the
    // ledger reserves the unit and stores the redemption itself, from what the entry names)
    const posted = await this.ledger.post(
      [
        ledgerEntry({
          memberId: member.id,
          balance: 'points',
          type: 'redeem',
          amount: -cost,
          source: 'redemption',
          sourceId: redemptionId,
          rewardId: reward.id,
          reservesStock: reward.stock_quantity !== null,
          key: key ?? `redemption:${redemptionId}:points`,
          at: new Date(),
        }),
      ],
      { onExisting: sameRequest },
    );
    const entry = posted.entries[0]!.entry;
    if (posted.status === 'refused') {
      await this.releaseStock(entry);
      if (posted.refusedBy === 'stock' && (await this.couldPayFor(entry))) {
        throw conflict('This reward is out of stock', 'input.rewardId');
      }
      throw conflict(`Not enough points: the reward costs ${-entry.amount}`, 'input.rewardId');
    }
    return this.finishRedemption(entry);
  }

  /**
   * Whether the member could have paid for a debit that found no unit of stock: its balance less what the
   * member's own redemptions still in flight (holding units, not yet applied or voided) are about to spend.
   * Those are read before the member, whose balance and applied list are one document, so an entry that
   * settles in between is counted once. A stock refusal is only "out of stock" when the points were there.
   */
  private async couldPayFor(entry: PointsLedgerDocument): Promise<boolean> {
    const reward = await this.stores.rewards.findById(entry.reward_id!);
    const holding = (reward?.reserved_for ?? []).filter((id) => id !== entry.id);
    const inFlight = await this.stores.ledger.unappliedOf(entry.member_id, holding);
    const member = (await this.stores.members.findById(entry.member_id)) as PostingMember | null;
    if (!member) return false;
    const settled = new Set(member.applied_entries ?? []);
    const committed = inFlight
      .filter((held) => !settled.has(held.id) && !settled.has(voidMarker(held.id)))
      .reduce((sum, held) => sum - held.amount, 0);
    return member.points_balance - committed >= -entry.amount;
  }

  /**
   * Gives back the unit reserved for an entry that can no longer apply (voided): the update that pulls the
   * entry's id from `reserved_for` is the one that returns the unit, so it comes back once.
   */
  private async releaseStock(entry: PointsLedgerDocument): Promise<boolean> {
    if (!entry.reward_id) return false;
    return this.stores.rewards.releaseUnitOf(entry.reward_id, entry.id);
  }

  /** The redemption a debit entry paid for: stored unless it is already (by an earlier attempt or the sweep). */
  private async finishRedemption(entry: PointsLedgerDocument): Promise<RewardRedemptionDocument> {
    const stored = await this.stores.redemptions.findById(entry.source_id!);
    if (stored) return stored;
    const redemption = redemptionOf(entry);
    await this.stores.redemptions.insertOnce(redemption);
    return redemption;
  }

  /**
   * Cancels a completed redemption: the points and the unit of stock come back, exactly once. A cancel that
   * finds the redemption already cancelled still finishes what an interrupted cancel left undone (both steps
   * are idempotent) before it answers CONFLICT.
   */
  async cancelRedemption(redemptionId: string): Promise<RewardRedemptionDocument> {
    const now = new Date();
    const cancelled = await this.stores.redemptions.cancel(redemptionId, now);
    if (!cancelled) {
      const existing = await this.stores.redemptions.findById(redemptionId);
      if (!existing) throw notFound('RewardRedemption', redemptionId);
      await this.finishCancel(existing);
      throw conflict('This redemption is already cancelled', 'id');
    }
    await this.finishCancel(cancelled);
    return cancelled;
  }

  /** The effects of a cancellation: the points posted back (keyed by the redemption) and the stock returned. */
  private async finishCancel(redemption: RewardRedemptionDocument) {
    await this.ledger.post([
      ledgerEntry({
        memberId: redemption.member_id,
        balance: 'points',
        type: 'reverse',
        amount: redemption.points_spent,
        source: 'redemption',
        sourceId: redemption.id,
        rewardId: redemption.reward_id,
        key: `redemption:${redemption.id}:reverse`,
        at: redemption.cancelled_at ?? new Date(),
      }),
    ]);
    // the flag is claimed by one caller only; a crash right after it loses one unit of stock, never points
    if (await this.stores.redemptions.claimStockReturn(redemption.id)) {
      await this.stores.rewards.restock(redemption.reward_id);
    }
  }

  /**
   * A hand adjustment (signed). GeneralAdmin and above are unlimited, a Manager up to the configured limit;
   * a debit never takes the balance below zero.
   */
  async adjust(
    raw: z.input<typeof adjustSchema>,
    identity: Identity,
  ): Promise<{ entry: PointsLedgerDocument; before: number; after: number }> {
    const input = validateInput(adjustSchema, raw);
    if (identity.kind !== 'admin') throw forbiddenError();
    if (identity.role === 'Supervisor') throw forbiddenError('Supervisors cannot adjust points');
    if (identity.role === 'Manager' && Math.abs(input.amount) > this.settings.managerAdjustmentLimit) {
      throw forbiddenError(
        `A Manager may adjust at most ${this.settings.managerAdjustmentLimit} points at a time`,
      );
    }
    const member = await this.requireMember(input.memberId);
    const key = input.idempotencyKey ? `adjust:${member.id}:${input.idempotencyKey}` : `adjust:${newId()}`;
    const posted = await this.ledger.post(
      [
        ledgerEntry({
          memberId: member.id,
          balance: 'points',
          type: 'adjust',
          amount: input.amount,
          source: 'manual_adjustment',
          sourceId: identity.userId,
          reason: input.reason,
          key,
          at: new Date(),
        }),
      ],
      {
        // a retry with the client's key answers with the entry the key first made, if it asked for the same
        onExisting: (entry) => {
          if (entry.amount !== input.amount || entry.reason !== input.reason) {
            throw conflict('This idempotency key was used for another adjustment', 'input.idempotencyKey');
          }
        },
      },
    );
    if (posted.status === 'refused') {
      throw conflict('The adjustment would take the balance below zero', 'input.amount');
    }
    const entry = { ...posted.entries[0]!.entry, applied: true };
    if (posted.before) {
      return {
        entry,
        before: posted.before.points_balance,
        after: posted.before.points_balance + input.amount,
      };
    }
    // the points moved before this call (a retry): this call changed nothing
    const now = (await this.requireMember(member.id)).points_balance;
    return { entry, before: now, after: now };
  }

  /**
   * Settles the entries of redemptions, cancellations and adjustments left unapplied by a crash more than
   * `olderThan` ago (younger ones may still be in flight; settling those too would be safe, only surprising).
   * An entry whose points moved is finished (a redemption stored, then the entry marked); one whose points never
   * moved is undone if its caller got an error (a redemption's debit, with its unit of stock given back if the
   * reward's `reserved_for` still holds the entry's id, or an adjustment) and finished otherwise (the points of
   * a cancellation, which the cancel already promised). Running it twice, or several at once, is safe.
   */
  async settleInterrupted(olderThan: Date): Promise<SweepResult> {
    const result: SweepResult = { finished: 0, undone: 0 };
    const cursor = this.stores.ledger.unapplied(['redemption', 'manual_adjustment'], olderThan);
    for await (const entry of cursor) {
      if (entry.type === 'reverse') {
        const redemption = await this.stores.redemptions.findById(entry.source_id!);
        if (redemption) await this.finishCancel(redemption);
        else await this.ledger.post([entry]);
        result.finished += 1;
        continue;
      }
      const redemption = paysForRedemption(entry);
      // a redemption is stored before its entry is marked applied, so no crash leaves points spent unseen
      const outcome = await this.ledger.cancelPending(entry);
      if (outcome === 'applied') {
        result.finished += 1;
        continue;
      }
      result.undone += 1;
      if (!redemption) continue;
      if (entry.reserves_stock !== undefined) {
        // the unit comes back only if the reward still lists it as reserved for this entry (pulled with it)
        await this.releaseStock(entry);
      } else if (outcome === 'voided') {
        // recorded before reservations were tied to entries: the stock was taken before the entry existed
        await this.stores.rewards.restock(entry.reward_id!);
      }
    }
    return result;
  }
}
