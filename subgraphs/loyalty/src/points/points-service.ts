import type { Decimal128 } from 'mongodb';
import { z } from 'zod';
import { forbiddenError } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { badUserInput, conflict, notFound, validateInput } from '@casino/errors';
import { duplicateKeyField, newId } from '@casino/mongo';
import type { LoyaltyStores } from '../context';
import type { LedgerBalance, LedgerEntryType, PointsLedgerDocument } from '../ledger/ledger-store';
import type { MemberDocument, Tier } from '../members/member-store';
import type { RewardRedemptionDocument } from '../redemptions/redemption-store';
import type { RewardDocument } from '../rewards/reward-store';
import { TIER_ORDER, tierForCredits } from '../settings';
import type { LoyaltySettings } from '../settings';

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

const isDuplicate = (error: unknown) => duplicateKeyField(error) !== null;

/**
 * Every change to a member's balances goes through here: a ledger entry with a unique idempotency key, and
 * the balance moved by the same amount with a single-document `$inc` (guarded when it debits). There are no
 * transactions, so credits record the entry first (a duplicate key means "already applied"), and debits move
 * the balance under a guard first and then record the entry.
 */
export class PointsService {
  constructor(
    private readonly stores: LoyaltyStores,
    private readonly settings: LoyaltySettings,
  ) {}

  private entry(
    memberId: string,
    balance: LedgerBalance,
    type: LedgerEntryType,
    amount: number,
    fields: { source: string; sourceId?: string | null; reason?: string | null; key: string; at: Date },
  ): PointsLedgerDocument {
    return {
      id: newId(),
      member_id: memberId,
      balance,
      type,
      amount,
      source: fields.source,
      source_id: fields.sourceId ?? null,
      reason: fields.reason ?? null,
      idempotency_key: fields.key,
      created_at: fields.at,
    };
  }

  /** Records an entry; false when its idempotency key was already recorded. */
  async record(entry: PointsLedgerDocument): Promise<boolean> {
    try {
      await this.stores.ledger.collection.insertOne({ ...entry });
      return true;
    } catch (error) {
      if (isDuplicate(error)) return false;
      throw error;
    }
  }

  /** Records a credit entry as not yet applied, or returns the one already recorded under its key. */
  private async recordOrFind(
    entry: PointsLedgerDocument,
  ): Promise<{ entry: PointsLedgerDocument; created: boolean }> {
    if (await this.record({ ...entry, applied: false }))
      return { entry: { ...entry, applied: false }, created: true };
    const existing = await this.stores.ledger.collection.findOne(
      { idempotency_key: entry.idempotency_key },
      { projection: { _id: 0 } },
    );
    return { entry: existing!, created: false };
  }

  /**
   * Moves the balance by a recorded credit exactly once: the `$inc` only matches while the entry's id is not
   * among the member's recently applied ids, and pushes it there in the same single-document update; the
   * entry is then marked applied. A retry after a crash between the two steps finds the id and does nothing.
   */
  private async applyCredit(entry: PointsLedgerDocument, visitedAt: Date): Promise<void> {
    const inc: Record<string, number> =
      entry.balance === 'points'
        ? { points_balance: entry.amount, total_points_earned: entry.amount }
        : { tier_credits: entry.amount };
    const updated = await this.stores.members.collection.findOneAndUpdate(
      { id: entry.member_id, applied_entries: { $ne: entry.id } },
      {
        $inc: inc,
        $max: { last_visit: visitedAt },
        $push: { applied_entries: { $each: [entry.id], $slice: -this.settings.appliedEntriesKept } },
      },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    await this.stores.ledger.collection.updateOne({ id: entry.id }, { $set: { applied: true } });
    if (updated) await this.promote(updated);
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
    const common = { source: 'gaming_session', sourceId: input.sessionId, at: new Date() };
    const pointsKey = `gaming_session:${input.sessionId}:points`;
    const creditsKey = `gaming_session:${input.sessionId}:tier_credits`;
    const pointsEntry = await this.recordOrFind(
      this.entry(member.id, 'points', 'earn', points, { ...common, key: pointsKey }),
    );
    const creditsEntry = await this.recordOrFind(
      this.entry(member.id, 'tier_credits', 'earn', tierCredits, { ...common, key: creditsKey }),
    );
    const pointsNew = pointsEntry.created;
    // apply each entry that is not applied yet, including one a crashed earlier attempt recorded but never
    // applied: the member document remembers the ids it applied, so applying twice is impossible
    for (const { entry } of [pointsEntry, creditsEntry]) {
      if (entry.applied === false) await this.applyCredit(entry, input.endedAt);
    }
    if (pointsNew) {
      // a concurrent retry may have recorded the tier credits entry; it is the same amount either way
      return { memberId: member.id, sessionId: input.sessionId, points, tierCredits, duplicate: false };
    }
    // already credited (a retry, or one that raced this one): answer with what was recorded
    const stored = await this.stores.ledger.collection
      .find({ idempotency_key: { $in: [pointsKey, creditsKey] } }, { projection: { _id: 0 } })
      .toArray();
    const amountOf = (key: string) => stored.find((e) => e.idempotency_key === key)?.amount ?? 0;
    return {
      memberId: member.id,
      sessionId: input.sessionId,
      points: amountOf(pointsKey),
      tierCredits: amountOf(creditsKey),
      duplicate: true,
    };
  }

  /** The member's balances next to the sums of their ledger entries. */
  async check(memberId: string): Promise<LedgerCheck> {
    const member = await this.stores.members.collection.findOne({ id: memberId }, { projection: { _id: 0 } });
    if (!member) throw notFound('Member', memberId);
    const sums = await this.stores.ledger.collection
      .aggregate<{ _id: LedgerBalance; sum: number }>([
        { $match: { member_id: memberId } },
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

  /** Takes `amount` points from the member only if the balance covers it; the updated member or null. */
  private debit(memberId: string, amount: number) {
    return this.stores.members.collection.findOneAndUpdate(
      { id: memberId, points_balance: { $gte: amount } },
      { $inc: { points_balance: -amount } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  /**
   * Redeems a reward: stock taken under a guard, then the points under a guard (the stock is given back if
   * the points do not cover it), then the redemption and its ledger entry.
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
    const debited = await this.debit(member.id, cost);
    if (!debited) {
      if (limited) await this.restock(reward);
      throw conflict(`Not enough points: the reward costs ${cost}`, 'input.rewardId');
    }
    const now = new Date();
    const redemption: RewardRedemptionDocument = {
      id: newId(),
      member_id: member.id,
      reward_id: reward.id,
      points_spent: cost,
      status: 'completed',
      redeemed_at: now,
      cancelled_at: null,
    };
    await this.record(
      this.entry(member.id, 'points', 'redeem', -cost, {
        source: 'redemption',
        sourceId: redemption.id,
        key: `redemption:${redemption.id}:points`,
        at: now,
      }),
    );
    await this.stores.redemptions.collection.insertOne({ ...redemption });
    return redemption;
  }

  private async restock(reward: Pick<RewardDocument, 'id'>) {
    await this.stores.rewards.collection.updateOne(
      { id: reward.id, stock_quantity: { $ne: null } },
      { $inc: { stock_quantity: 1 } },
    );
  }

  /** Cancels a completed redemption: the points and the unit of stock come back, exactly once. */
  async cancelRedemption(redemptionId: string): Promise<RewardRedemptionDocument> {
    const now = new Date();
    const cancelled = await this.stores.redemptions.collection.findOneAndUpdate(
      { id: redemptionId, status: 'completed' },
      { $set: { status: 'cancelled', cancelled_at: now } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    if (!cancelled) {
      const exists = await this.stores.redemptions.collection.countDocuments({ id: redemptionId });
      if (!exists) throw notFound('RewardRedemption', redemptionId);
      throw conflict('This redemption is already cancelled', 'id');
    }
    const reversed = await this.record(
      this.entry(cancelled.member_id, 'points', 'reverse', cancelled.points_spent, {
        source: 'redemption',
        sourceId: cancelled.id,
        key: `redemption:${cancelled.id}:reverse`,
        at: now,
      }),
    );
    if (reversed) {
      await this.stores.members.collection.updateOne(
        { id: cancelled.member_id },
        { $inc: { points_balance: cancelled.points_spent } },
      );
      await this.restock({ id: cancelled.reward_id });
    }
    return cancelled;
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
    const now = new Date();
    const entry = this.entry(member.id, 'points', 'adjust', input.amount, {
      source: 'manual_adjustment',
      sourceId: identity.userId,
      reason: input.reason,
      key: `adjust:${newId()}`,
      at: now,
    });
    let after: MemberDocument | null;
    if (input.amount < 0) {
      after = await this.debit(member.id, -input.amount);
      if (!after) throw conflict('The adjustment would take the balance below zero', 'input.amount');
      await this.record(entry);
    } else {
      await this.record(entry);
      after = await this.stores.members.collection.findOneAndUpdate(
        { id: member.id },
        { $inc: { points_balance: input.amount } },
        { returnDocument: 'after', projection: { _id: 0 } },
      );
    }
    return { entry, before: after!.points_balance - input.amount, after: after!.points_balance };
  }
}
