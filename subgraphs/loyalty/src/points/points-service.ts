import type { Decimal128 } from 'mongodb';
import { z } from 'zod';
import { forbiddenError } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { badUserInput, conflict, notFound, validateInput } from '@casino/errors';
import { duplicateKeyField, newId } from '@casino/mongo';
import type { LoyaltyStores } from '../context';
import type { PointsLedgerDocument } from '../ledger/ledger-store';
import type { MemberDocument, Tier } from '../members/member-store';
import type { RewardRedemptionDocument } from '../redemptions/redemption-store';
import { TIER_ORDER, tierForCredits } from '../settings';
import type { LoyaltySettings } from '../settings';
import { ledgerEntry, PointsLedger } from './points-ledger';
import type { PostingHooks } from './points-ledger';

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
  consistent: boolean;
}

const id = z.string().trim().min(1, 'is required');

const creditSchema = z.object({
  memberId: id,
  sessionId: id,
  theo: z.custom<Decimal128>().refine((t) => !String(t).startsWith('-'), 'must not be negative'),
  pointsRate: z.number().min(0, 'must not be negative').max(1_000, 'is too large'),
  endedAt: z.date(),
});

const redeemSchema = z.object({ memberId: id, rewardId: id });

const adjustSchema = z.object({
  memberId: id,
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
    if (lower.length > 0) {
      await this.stores.members.collection.updateOne(
        { id: member.id, tier: { $in: lower } },
        { $set: { tier: earned } },
      );
    }
    return earned;
  }

  private async requireMember(memberId: string): Promise<MemberDocument> {
    const member = await this.stores.members.collection.findOne({ id: memberId }, { projection: { _id: 0 } });
    if (!member) throw badUserInput('input.memberId', 'no member with this id');
    return member;
  }

  /** Credits the points and tier credits of a finished gaming session, once per session. */
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
    // a retry (concurrent or after a crash) finds the entries recorded under the session's keys and finishes
    // them; both move the balances in one update, so they apply together, once
    const posted = await this.ledger.post(
      [
        ledgerEntry({ ...common, balance: 'points', amount: points, key: pointsKey }),
        ledgerEntry({ ...common, balance: 'tier_credits', amount: tierCredits, key: creditsKey }),
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

  /**
   * Redeems a reward: a unit of stock is reserved under a guard, then the points are posted as a guarded
   * debit (if the balance does not cover them the stock is given back), then the redemption is stored under
   * the id the ledger entry names. A crash after the stock is reserved and the entry recorded is settled by
   * the sweep: undone (stock back) if the points never moved, finished (redemption stored) if they did.
   */
  async redeem(raw: z.input<typeof redeemSchema>): Promise<RewardRedemptionDocument> {
    const input = validateInput(redeemSchema, raw);
    const member = await this.requireMember(input.memberId);
    const reward = await this.stores.rewards.collection.findOne(
      { id: input.rewardId },
      { projection: { _id: 0 } },
    );
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
    const limited = reward.stock_quantity !== null;
    if (limited) {
      const taken = await this.stores.rewards.collection.updateOne(
        { id: reward.id, is_active: true, stock_quantity: { $gt: 0 } },
        { $inc: { stock_quantity: -1 } },
      );
      if (taken.modifiedCount === 0) throw conflict('This reward is out of stock', 'input.rewardId');
    }
    const now = new Date();
    const redemptionId = newId();
    // the debit's guard (points_balance >= cost, in the same update as the $inc) is what lets exactly the
    // covered redemptions through when many run at once
    const posted = await this.ledger.post([
      ledgerEntry({
        memberId: member.id,
        balance: 'points',
        type: 'redeem',
        amount: -cost,
        source: 'redemption',
        sourceId: redemptionId,
        rewardId: reward.id,
        key: `redemption:${redemptionId}:points`,
        at: now,
      }),
    ]);
    if (posted.status === 'refused') {
      if (limited && posted.voidedHere) await this.restock(reward.id);
      throw conflict(`Not enough points: the reward costs ${cost}`, 'input.rewardId');
    }
    const redemption: RewardRedemptionDocument = {
      id: redemptionId,
      member_id: member.id,
      reward_id: reward.id,
      points_spent: cost,
      status: 'completed',
      redeemed_at: now,
      cancelled_at: null,
    };
    await this.storeRedemption(redemption);
    return redemption;
  }

  /** Stores a redemption unless the sweep already stored it. */
  private async storeRedemption(redemption: RewardRedemptionDocument) {
    try {
      await this.stores.redemptions.collection.insertOne({ ...redemption });
    } catch (error) {
      if (duplicateKeyField(error) === null) throw error;
    }
  }

  private async restock(rewardId: string) {
    await this.stores.rewards.collection.updateOne(
      { id: rewardId, stock_quantity: { $ne: null } },
      { $inc: { stock_quantity: 1 } },
    );
  }

  /**
   * Cancels a completed redemption: the points and the unit of stock come back, exactly once. A cancel that
   * finds the redemption already cancelled still finishes what an interrupted cancel left undone (both steps
   * are idempotent) before it answers CONFLICT.
   */
  async cancelRedemption(redemptionId: string): Promise<RewardRedemptionDocument> {
    const now = new Date();
    const cancelled = await this.stores.redemptions.collection.findOneAndUpdate(
      { id: redemptionId, status: 'completed' },
      { $set: { status: 'cancelled', cancelled_at: now, stock_returned: false } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    if (!cancelled) {
      const existing = await this.stores.redemptions.collection.findOne(
        { id: redemptionId },
        { projection: { _id: 0 } },
      );
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
    const claimed = await this.stores.redemptions.collection.updateOne(
      { id: redemption.id, status: 'cancelled', stock_returned: false },
      { $set: { stock_returned: true } },
    );
    if (claimed.modifiedCount === 1) await this.restock(redemption.reward_id);
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
    const posted = await this.ledger.post([
      ledgerEntry({
        memberId: member.id,
        balance: 'points',
        type: 'adjust',
        amount: input.amount,
        source: 'manual_adjustment',
        sourceId: identity.userId,
        reason: input.reason,
        key: `adjust:${newId()}`,
        at: new Date(),
      }),
    ]);
    if (posted.status === 'refused') {
      throw conflict('The adjustment would take the balance below zero', 'input.amount');
    }
    const entry = { ...posted.entries[0]!.entry, applied: true };
    const before = posted.before?.points_balance ?? member.points_balance;
    return { entry, before, after: before + input.amount };
  }

  /**
   * Settles the entries of redemptions, cancellations and adjustments left unapplied by a crash more than
   * `olderThan` ago (younger ones may still be in flight; settling those too would be safe, only surprising).
   * An entry whose points moved is finished (marked, and a redemption stored); one whose points never moved is
   * undone if its caller got an error (a redemption's debit, with its unit of stock given back, or an
   * adjustment) and finished otherwise (the points of a cancellation, which the cancel already promised).
   */
  async settleInterrupted(olderThan: Date): Promise<SweepResult> {
    const result: SweepResult = { finished: 0, undone: 0 };
    const cursor = this.stores.ledger.collection.find(
      {
        applied: false,
        source: { $in: ['redemption', 'manual_adjustment'] },
        created_at: { $lt: olderThan },
      },
      { projection: { _id: 0 } },
    );
    for await (const entry of cursor) {
      if (entry.type === 'reverse') {
        const redemption = await this.stores.redemptions.collection.findOne(
          { id: entry.source_id! },
          { projection: { _id: 0 } },
        );
        if (redemption) await this.finishCancel(redemption);
        else await this.ledger.post([entry]);
        result.finished += 1;
        continue;
      }
      const outcome = await this.ledger.cancelPending(entry);
      if (outcome === 'applied') {
        result.finished += 1;
        if (entry.type === 'redeem' && entry.source_id) {
          await this.storeRedemption({
            id: entry.source_id,
            member_id: entry.member_id,
            reward_id: entry.reward_id!,
            points_spent: -entry.amount,
            status: 'completed',
            redeemed_at: entry.created_at,
            cancelled_at: null,
          });
        }
        continue;
      }
      result.undone += 1;
      if (outcome === 'voided' && entry.type === 'redeem' && entry.reward_id) {
        await this.restock(entry.reward_id);
      }
    }
    return result;
  }
}
