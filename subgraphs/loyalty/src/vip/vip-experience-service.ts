import type { Decimal128 } from 'mongodb';
import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { forbiddenError, hasRoleOrPermission, isAdmin } from '@casino/auth';
import type { AdminIdentity, Identity } from '@casino/auth';
import { validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { LoyaltyStores } from '../stores';
import type { LoyaltySettings } from '../settings';
import { TIER_ORDER } from '../settings';
import type { CompService } from '../comps/comp-service';
import { centsOf, moneyText } from '../comps/money';
import type { PointsLedger } from '../points/points-ledger';
import {
  balanceUnchanged,
  moveOrConflict,
  notInState,
  requireMember,
  requireOwnRecord,
  settleMoneyMove,
  sweep,
  sweepOf,
} from '../comps/balance-records';
import type { BalanceChange, SweepResult } from '../comps/balance-records';
import { VIP_EXPERIENCE_KINDS } from './vip-experience-store';
import type {
  VipExperienceDocument,
  VipExperienceFilterInput,
  VipExperienceStatus,
} from './vip-experience-store';

/** The largest single experience, in cents (as for comps: every sum stays far inside safe integers) */
const MAX_COST_CENTS = 1_000_000_000;

const id = z.string().trim().min(1, 'is required');
const requestSchema = z.object({
  memberId: id,
  kind: z.enum(VIP_EXPERIENCE_KINDS),
  description: z.string().trim().min(1, 'is required').max(500, 'is too long'),
  cost: z
    .custom<Decimal128>()
    .transform((value) => centsOf(value))
    .refine((cents) => cents > 0, 'must be more than zero')
    .refine((cents) => cents <= MAX_COST_CENTS, 'is too large'),
  startsAt: z.date(),
});
const stepSchema = z.object({
  memberId: id,
  experienceId: id,
  reason: z.string().trim().min(3, 'is too short').max(500, 'is too long').nullish(),
  startsAt: z.date().nullish(),
});

/** What a VIP experience operation changed: the experience and the member's comp balance before and after. */
export interface VipExperienceChange extends BalanceChange {
  experience: VipExperienceDocument;
}

export type VipSweepResult = SweepResult;

/** An error of chargeComps that says nothing was charged (balance short, member gone). */
const isRefusal = (error: unknown) =>
  error instanceof GraphQLError &&
  ['CONFLICT', 'BAD_USER_INPUT', 'NOT_FOUND'].includes(String(error.extensions.code));

/** The caller-chosen key of an experience's charge (`chargeComps`/`refundComps`); one per approval attempt. */
export const chargeKey = (experience: Pick<VipExperienceDocument, 'id' | 'approved_at'>) =>
  `vip_experience:${experience.id}:${experience.approved_at?.getTime() ?? 0}`;

/**
 * VIP experiences: a host books an experience (salon, suite, limousine, tickets, dining) for a member whose
 * tier allows that kind (LOYALTY_VIP_MIN_TIER_*), and it goes requested → approved → scheduled → completed, or
 * cancelled before completion.
 *
 * Money: approval charges the cost to the member's comp balance through CompService.chargeComps under a key of
 * the approval (`vip_experience:<id>:<approved at>`), and a cancellation of a charged experience refunds it
 * through refundComps under the same key, so each happens once whatever the retries. The state change is
 * stored FIRST (`approving` with the key's parts; `cancelled` with `refund_settled: false`), the money moves
 * second, and the state is finished third: the jobs' sweep (settleInterrupted) finishes or undoes an approval
 * or refund a crash left between the steps. Concurrent approvals or cancellations: one guarded update wins,
 * the others get CONFLICT (a losing cancellation still finishes the winner's refund).
 *
 * Who: any admin role requests, schedules and completes; approving needs a Manager or above whose comp limit
 * (LOYALTY_COMP_LIMIT_*) covers the cost; cancelling needs a Manager or above, or the requester while the
 * experience is still `requested` (nothing charged yet).
 */
export class VipExperienceService {
  constructor(
    private readonly stores: LoyaltyStores,
    private readonly settings: LoyaltySettings,
    private readonly comps: CompService,
    private readonly ledger: PointsLedger,
  ) {}

  private admin(identity: Identity): AdminIdentity {
    if (!isAdmin(identity)) throw forbiddenError('VIP experiences are booked by admin users');
    return identity;
  }

  private requireExperience(memberId: string, experienceId: string): Promise<VipExperienceDocument> {
    return requireOwnRecord(this.stores.vipExperiences, 'VipExperience', memberId, experienceId);
  }

  /** CONFLICT for a state change that did not apply, naming the state as it is now. */
  private notInState(experience: VipExperienceDocument, wanted: string) {
    return notInState(this.stores.vipExperiences, experience, 'VIP experience', wanted, 'input.experienceId');
  }

  /** Moves an experience out of one of the `from` states; CONFLICT naming `wanted` when it is no longer in one. */
  private move(
    experience: VipExperienceDocument,
    from: VipExperienceStatus[],
    wanted: string,
    set: Partial<VipExperienceDocument>,
  ): Promise<VipExperienceDocument> {
    return moveOrConflict(this.stores.vipExperiences, experience, from, set, {
      what: 'VIP experience',
      wanted,
      field: 'input.experienceId',
    });
  }

  /** A step's validated input, the admin taking it and the member's experience it names. */
  private async stepOn(raw: z.input<typeof stepSchema>, identity: Identity) {
    const input = validateInput(stepSchema, raw);
    const actor = this.admin(identity);
    return { input, actor, experience: await this.requireExperience(input.memberId, input.experienceId) };
  }

  private async unchanged(experience: VipExperienceDocument): Promise<VipExperienceChange> {
    return { experience, ...(await balanceUnchanged(this.stores, experience.member_id)) };
  }

  /** FORBIDDEN unless the member's tier reaches the kind's minimum. */
  private requireEligible(tier: VipExperienceDocument['tier'], kind: VipExperienceDocument['kind']): void {
    const minimum = this.settings.vipMinimumTier[kind];
    if (TIER_ORDER.indexOf(tier) < TIER_ORDER.indexOf(minimum)) {
      throw forbiddenError(
        `A ${kind.replace('_', ' ')} needs the ${minimum} tier or above; the member is ${tier}`,
      );
    }
  }

  page(filter: VipExperienceFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.stores.vipExperiences.page(filter, args, paging);
  }

  /** Books an experience for an active member of an eligible tier; nothing is charged until approval. */
  async request(raw: z.input<typeof requestSchema>, identity: Identity): Promise<VipExperienceChange> {
    const input = validateInput(requestSchema, raw);
    const actor = this.admin(identity);
    const member = await requireMember(this.stores, input.memberId);
    if (!member.is_active) throw forbiddenError('This member is not active');
    this.requireEligible(member.tier, input.kind);
    const experience: VipExperienceDocument = {
      id: newId(),
      member_id: member.id,
      kind: input.kind,
      description: input.description,
      cost_cents: input.cost,
      status: 'requested',
      tier: member.tier,
      starts_at: input.startsAt,
      requested_by: actor.userId,
      requested_role: actor.role,
      requested_at: new Date(),
      approved_by: null,
      approved_at: null,
      scheduled_by: null,
      scheduled_at: null,
      completed_by: null,
      completed_at: null,
      cancelled_by: null,
      cancelled_at: null,
      cancel_reason: null,
    };
    await this.stores.vipExperiences.insert(experience);
    return this.unchanged(experience);
  }

  /**
   * Approves a requested experience and charges its cost to the comp balance, once. Refused (the experience
   * stays requested, nothing charged): a tier no longer eligible, a caller whose comp limit does not cover
   * the cost (FORBIDDEN), a balance that does not cover it (CONFLICT).
   */
  async approve(raw: z.input<typeof stepSchema>, identity: Identity): Promise<VipExperienceChange> {
    const { actor, experience } = await this.stepOn(raw, identity);
    if (experience.cost_cents > this.comps.limitOf(actor.role)) {
      throw forbiddenError(
        `Approving a VIP experience of ${moneyText(experience.cost_cents)} is above your comp limit`,
      );
    }
    const member = await this.stores.members.findById(experience.member_id);
    if (member) this.requireEligible(member.tier, experience.kind);
    const claimed = await this.move(experience, ['requested'], 'requested', {
      status: 'approving',
      approved_by: actor.userId,
      approved_at: new Date(),
    });
    let charged;
    try {
      charged = await this.comps.chargeComps({
        memberId: claimed.member_id,
        cents: claimed.cost_cents,
        key: chargeKey(claimed),
        source: 'vip_experience',
        sourceId: claimed.id,
      });
    } catch (error) {
      // a refusal took nothing: back to requested. Anything else may have charged: the sweep decides
      if (isRefusal(error)) await this.backToRequested(claimed);
      throw error;
    }
    const approved = await this.finishApproval(claimed);
    return {
      experience: approved,
      memberId: claimed.member_id,
      balanceBeforeCents: charged.balanceAfterCents + (charged.applied ? claimed.cost_cents : 0),
      balanceAfterCents: charged.balanceAfterCents,
    };
  }

  private async finishApproval(experience: VipExperienceDocument): Promise<VipExperienceDocument> {
    const approved = await this.stores.vipExperiences.transition(
      experience.id,
      experience.member_id,
      ['approving'],
      {
        status: 'approved',
      },
    );
    return approved ?? (await this.stores.vipExperiences.findById(experience.id)) ?? experience;
  }

  private async backToRequested(experience: VipExperienceDocument): Promise<void> {
    await this.stores.vipExperiences.transition(experience.id, experience.member_id, ['approving'], {
      status: 'requested',
      approved_by: null,
      approved_at: null,
    });
  }

  /** A step that only moves the experience (nothing charged or refunded): `set` from the admin and the input. */
  private async advance(
    raw: z.input<typeof stepSchema>,
    identity: Identity,
    from: VipExperienceStatus[],
    set: (actor: AdminIdentity, input: z.output<typeof stepSchema>) => Partial<VipExperienceDocument>,
  ): Promise<VipExperienceChange> {
    const { input, actor, experience } = await this.stepOn(raw, identity);
    return this.unchanged(await this.move(experience, from, from.join(' or '), set(actor, input)));
  }

  /** Confirms an approved (or reschedules a scheduled) experience, optionally at a new time; any admin role. */
  schedule(raw: z.input<typeof stepSchema>, identity: Identity): Promise<VipExperienceChange> {
    return this.advance(raw, identity, ['approved', 'scheduled'], (actor, input) => ({
      status: 'scheduled',
      scheduled_by: actor.userId,
      scheduled_at: new Date(),
      ...(input.startsAt ? { starts_at: input.startsAt } : {}),
    }));
  }

  /** Records that a scheduled experience took place; any admin role. */
  complete(raw: z.input<typeof stepSchema>, identity: Identity): Promise<VipExperienceChange> {
    return this.advance(raw, identity, ['scheduled'], (actor) => ({
      status: 'completed',
      completed_by: actor.userId,
      completed_at: new Date(),
    }));
  }

  /**
   * Cancels an experience before it is completed. A Manager or above cancels a requested, approved or
   * scheduled one (a charged one has its cost refunded to the comp balance, once); the requester, of any role,
   * only their own while it is still requested. A cancellation that finds it already cancelled finishes the
   * refund an interrupted one left undone, then answers CONFLICT.
   */
  async cancel(raw: z.input<typeof stepSchema>, identity: Identity): Promise<VipExperienceChange> {
    const { input, actor, experience } = await this.stepOn(raw, identity);
    const manager = hasRoleOrPermission(actor, 'Manager');
    if (!manager && experience.requested_by !== actor.userId) {
      throw forbiddenError(
        'Only a Manager or above, or its requester before approval, cancels a VIP experience',
      );
    }
    const set = {
      status: 'cancelled' as const,
      cancelled_by: actor.userId,
      cancelled_at: new Date(),
      cancel_reason: input.reason ?? null,
    };
    const store = this.stores.vipExperiences;
    // a charged one first, marked for its refund; then one still requested (nothing to refund)
    const cancelled =
      (manager
        ? await store.transition(experience.id, experience.member_id, ['approved', 'scheduled'], {
            ...set,
            refund_settled: false,
          })
        : null) ?? (await store.transition(experience.id, experience.member_id, ['requested'], set));
    const from: VipExperienceStatus[] = manager ? ['requested', 'approved', 'scheduled'] : ['requested'];
    if (!cancelled) {
      const current = (await this.stores.vipExperiences.findById(experience.id)) ?? experience;
      if (current.status === 'cancelled' && current.refund_settled === false)
        await this.finishRefund(current);
      if (!manager && current.status !== 'cancelled' && current.status !== 'completed') {
        throw forbiddenError('Only a Manager or above cancels a VIP experience once it is approved');
      }
      throw await this.notInState(current, from.join(' or '));
    }
    if (cancelled.refund_settled !== false) return this.unchanged(cancelled);
    const refund = await this.finishRefund(cancelled);
    return {
      experience: { ...cancelled, refund_settled: true },
      memberId: cancelled.member_id,
      balanceBeforeCents: refund.balanceAfterCents - (refund.applied ? cancelled.cost_cents : 0),
      balanceAfterCents: refund.balanceAfterCents,
    };
  }

  /** Refunds a cancelled experience's charge (keyed: once) and marks the refund settled. */
  private async finishRefund(experience: VipExperienceDocument) {
    const refund = await this.comps.refundComps(chargeKey(experience));
    await this.stores.vipExperiences.markRefundSettled(experience.id);
    return refund;
  }

  /**
   * Finishes or undoes what a crash left half-done more than `olderThan` ago: an experience left `approving`
   * is approved when its charge moved the balance, otherwise the charge is voided and it goes back to
   * requested; a cancelled one whose refund never happened is refunded.
   */
  async settleInterrupted(olderThan: Date): Promise<VipSweepResult> {
    return sweep([
      sweepOf(this.stores.vipExperiences.approvingSince(olderThan), (experience) =>
        settleMoneyMove(
          this.ledger,
          `comp_charge:${chargeKey(experience)}`,
          () => this.finishApproval(experience),
          () => this.backToRequested(experience),
        ),
      ),
      sweepOf(this.stores.vipExperiences.refundsUnsettledSince(olderThan), async (experience) => {
        await this.finishRefund(experience);
        return true;
      }),
    ]);
  }
}
