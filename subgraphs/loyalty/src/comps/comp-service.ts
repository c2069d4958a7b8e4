import type { Decimal128 } from 'mongodb';
import { z } from 'zod';
import { forbiddenError, isAdmin } from '@casino/auth';
import type { AdminIdentity, Identity, Role } from '@casino/auth';
import { conflict, notFound, validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { LoyaltyStores } from '../stores';
import type { LoyaltySettings } from '../settings';
import type { MemberDocument } from '../members/member-store';
import type { PointsLedgerDocument } from '../points/ledger-store';
import { ledgerEntry } from '../points/points-ledger';
import type { PointsLedger } from '../points/points-ledger';
import type { CompDocument, CompFilterInput, CompStatus } from './comp-store';
import { centsOf, moneyText } from './money';
import {
  balanceOf,
  balanceUnchanged,
  moveOrConflict,
  notInState,
  requireMember,
  requireOwnRecord,
  settleMoneyMove,
  sweep,
  sweepOf,
} from './balance-records';
import type { BalanceChange, SweepResult } from './balance-records';

export const COMP_CATEGORIES = ['dining', 'hotel', 'show', 'free_play', 'travel'] as const;

/** The largest single comp or charge, in cents (keeps every sum far inside safe integers) */
const MAX_COMP_CENTS = 1_000_000_000;

const id = z.string().trim().min(1, 'is required');
const idempotencyKey = z.string().trim().min(1, 'must not be empty').max(100, 'is too long').nullish();
const amount = z
  .custom<Decimal128>()
  .transform((value) => centsOf(value))
  .refine((cents) => cents > 0, 'must be more than zero')
  .refine((cents) => cents <= MAX_COMP_CENTS, 'is too large');

const issueSchema = z.object({
  memberId: id,
  category: z.enum(COMP_CATEGORIES),
  outlet: z.string().trim().min(1, 'is required').max(120, 'is too long'),
  amount,
  note: z.string().trim().max(500, 'is too long').nullish(),
  idempotencyKey,
});

const decisionSchema = z.object({
  memberId: id,
  compId: id,
  reason: z.string().trim().min(3, 'is required').max(500, 'is too long').nullish(),
});

const chargeSchema = z.object({
  memberId: id,
  cents: z.number().int('must be whole cents').positive('must be more than zero').max(MAX_COMP_CENTS),
  key: z.string().trim().min(1, 'is required').max(200, 'is too long'),
  source: z.string().trim().min(1).max(60).default('vip_experience'),
  sourceId: z.string().trim().max(200).nullish(),
});

/** What a comp operation changed: the comp and the member's comp balance before and after (in cents). */
export interface CompChange extends BalanceChange {
  comp: CompDocument;
}

/** A charge (or its refund) to the comp balance by another flow, e.g. a VIP experience. */
export interface CompCharge {
  entry: PointsLedgerDocument;
  /** False when the key had already been charged (or refunded): this call changed nothing */
  applied: boolean;
  balanceAfterCents: number;
}

/** What the sweep did with comp flows a crash interrupted. */
export type CompSweepResult = SweepResult;

const ROLE_ORDER: readonly Role[] = ['Supervisor', 'Manager', 'GeneralAdmin', 'SuperAdmin'];

/**
 * Comps: a money balance per member, earned from theo (the gaming credit posts the accrual with the points,
 * see PointsService.creditGamingSession) and spent on comps for an outlet and category.
 *
 * Every move of the balance is a posting of a `comps` ledger entry through the same PointsLedger as points, so
 * the balance always equals the ledger sum, a debit never takes it below zero under concurrency (the guarded
 * update), and each effect is keyed so it applies once: `comp:<id>:issue` (the debit of an issued comp),
 * `comp:<id>:void` (its amount back), `comp_charge:<key>` and `comp_charge:<key>:refund` (other flows).
 *
 * Limits: a Supervisor and a Manager issue up to their configured limit; above it the comp is stored
 * `pending_approval` WITHOUT taking anything from the balance (no reservation: a request waiting for a
 * decision does not lock the member's balance), and a role whose limit covers the amount approves it, which
 * debits the balance then (CONFLICT and still pending when the balance no longer covers it) or declines it.
 */
export class CompService {
  constructor(
    private readonly stores: LoyaltyStores,
    private readonly settings: LoyaltySettings,
    private readonly ledger: PointsLedger,
  ) {}

  /** The largest comp a role issues or approves alone, in cents (Infinity for GeneralAdmin and above). */
  limitOf(role: Role): number {
    if (role === 'Supervisor') return this.settings.compIssueLimitCents.Supervisor;
    if (role === 'Manager') return this.settings.compIssueLimitCents.Manager;
    return Infinity;
  }

  /** The lowest role whose limit covers an amount. */
  private roleFor(cents: number): Role {
    return ROLE_ORDER.find((role) => this.limitOf(role) >= cents) ?? 'GeneralAdmin';
  }

  private admin(identity: Identity): AdminIdentity {
    if (!isAdmin(identity)) throw forbiddenError('Comps are issued by admin users');
    return identity;
  }

  private requireMember(memberId: string): Promise<MemberDocument> {
    return requireMember(this.stores, memberId);
  }

  private balanceOf(memberId: string): Promise<number> {
    return balanceOf(this.stores, memberId);
  }

  /** A comp of that member, or NOT_FOUND (also for a comp of another member). */
  /** A decision's validated input, the admin making it and the member's comp it names. */
  private async decisionOn(raw: z.input<typeof decisionSchema>, identity: Identity) {
    const input = validateInput(decisionSchema, raw);
    const actor = this.admin(identity);
    return { input, actor, comp: await this.requireComp(input.memberId, input.compId) };
  }

  /** Moves a comp out of one of the `from` states; CONFLICT naming `state` when it is no longer in one. */
  private async move(
    comp: CompDocument,
    from: CompStatus[],
    state: string,
    set: Partial<CompDocument>,
  ): Promise<CompDocument> {
    return moveOrConflict(this.stores.comps, comp, from, set, {
      what: 'comp',
      wanted: state,
      field: 'input.compId',
    });
  }

  private requireComp(memberId: string, compId: string): Promise<CompDocument> {
    return requireOwnRecord(this.stores.comps, 'Comp', memberId, compId);
  }

  page(filter: CompFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.stores.comps.page(filter, args, paging);
  }

  /**
   * Issues a comp: within the caller's limit it is paid from the comp balance at once (CONFLICT when the
   * balance does not cover it, and nothing is stored); above it, it waits `pending_approval`. With an
   * `idempotencyKey`, a retry answers with the comp the key first made (CONFLICT for a different request).
   */
  async issue(raw: z.input<typeof issueSchema>, identity: Identity): Promise<CompChange> {
    const input = validateInput(issueSchema, raw);
    const actor = this.admin(identity);
    const key = input.idempotencyKey ? `comp:${input.memberId}:${input.idempotencyKey}` : undefined;
    if (key) {
      const earlier = await this.stores.comps.findByKey(key);
      if (earlier) return this.retried(earlier, input);
    }
    const member = await this.requireMember(input.memberId);
    if (!member.is_active) throw forbiddenError('This member is not active');
    if (input.category === 'free_play' && member.self_excluded) {
      throw forbiddenError('A self-excluded member cannot be given free play');
    }
    const now = new Date();
    const needsApproval = input.amount > this.limitOf(actor.role);
    const comp: CompDocument = {
      id: newId(),
      member_id: member.id,
      category: input.category,
      outlet: input.outlet,
      amount_cents: input.amount,
      status: needsApproval ? 'pending_approval' : 'issuing',
      tier: member.tier,
      note: input.note ?? null,
      requested_by: actor.userId,
      requested_role: actor.role,
      requested_at: now,
      approved_by: null,
      approved_at: null,
      declined_by: null,
      declined_at: null,
      decline_reason: null,
      issued_at: null,
      redeemed_by: null,
      redeemed_at: null,
      voided_by: null,
      voided_at: null,
      void_reason: null,
      ...(key ? { idempotency_key: key } : {}),
    };
    if (!(await this.stores.comps.insertUnlessKeyed(comp))) {
      // a concurrent request with the same key stored its comp first
      const earlier = key ? await this.stores.comps.findByKey(key) : null;
      if (!earlier) throw conflict('This comp could not be stored; try again', 'input.idempotencyKey');
      return this.retried(earlier, input);
    }
    if (needsApproval) {
      const balance = member.comp_balance_cents ?? 0;
      return { comp, memberId: member.id, balanceBeforeCents: balance, balanceAfterCents: balance };
    }
    return this.debit(comp);
  }

  /** A retried issue: the same request answers with its comp (finishing an interrupted debit). */
  private async retried(
    earlier: CompDocument,
    input: { memberId: string; category: string; outlet: string; amount: number },
  ): Promise<CompChange> {
    if (
      earlier.member_id !== input.memberId ||
      earlier.category !== input.category ||
      earlier.outlet !== input.outlet ||
      earlier.amount_cents !== input.amount
    ) {
      throw conflict('This idempotency key was used for another comp', 'input.idempotencyKey');
    }
    if (earlier.status === 'issuing') return this.debit(earlier);
    return this.unchanged(earlier);
  }

  /** A change of the comp alone: the member's balance as it is now, before and after. */
  private async unchanged(comp: CompDocument): Promise<CompChange> {
    return { comp, ...(await balanceUnchanged(this.stores, comp.member_id)) };
  }

  /** The debit entry of a comp (every attempt derives the same one, under the comp's key). */
  private issueEntry(comp: CompDocument): PointsLedgerDocument {
    return ledgerEntry({
      memberId: comp.member_id,
      balance: 'comps',
      type: 'redeem',
      amount: -comp.amount_cents,
      source: 'comp',
      sourceId: comp.id,
      key: `comp:${comp.id}:issue`,
      tier: comp.tier,
      at: new Date(),
    });
  }

  /**
   * Takes an `issuing` comp's amount from the balance: the guarded debit lets through exactly the comps the
   * balance covers when many run at once. Refused: an approved comp goes back to `pending_approval`, a new one
   * is removed, and the caller gets CONFLICT.
   */
  private async debit(comp: CompDocument): Promise<CompChange> {
    const posted = await this.ledger.post([this.issueEntry(comp)]);
    if (posted.status === 'refused') {
      await this.undoIssuing(comp);
      throw conflict(`Not enough comp balance: the comp is ${moneyText(comp.amount_cents)}`, 'input.amount');
    }
    const issued = await this.finishIssuing(comp);
    const before = posted.before?.comp_balance_cents ?? null;
    if (before !== null) {
      return {
        comp: issued,
        memberId: comp.member_id,
        balanceBeforeCents: before,
        balanceAfterCents: before - comp.amount_cents,
      };
    }
    const now = await this.balanceOf(comp.member_id);
    return { comp: issued, memberId: comp.member_id, balanceBeforeCents: now, balanceAfterCents: now };
  }

  private async finishIssuing(comp: CompDocument): Promise<CompDocument> {
    const issued = await this.stores.comps.transition(comp.id, comp.member_id, ['issuing'], {
      status: 'issued',
      issued_at: new Date(),
    });
    return issued ?? (await this.stores.comps.findById(comp.id)) ?? comp;
  }

  private async undoIssuing(comp: CompDocument): Promise<void> {
    if (comp.approved_by) {
      await this.stores.comps.transition(comp.id, comp.member_id, ['issuing'], {
        status: 'pending_approval',
        approved_by: null,
        approved_at: null,
      });
    } else {
      await this.stores.comps.deleteIssuing(comp.id);
    }
  }

  /**
   * The CONFLICT of a state change that did not apply, naming the comp's state as it is now (a concurrent
   * caller may have changed it since it was read).
   */
  private notInState(comp: CompDocument, wanted: string) {
    return notInState(this.stores.comps, comp, 'comp', wanted, 'input.compId');
  }

  /** FORBIDDEN unless the caller's limit covers the comp (approving, declining and voiding need that). */
  private requireAuthority(actor: AdminIdentity, comp: CompDocument, what: string): void {
    if (comp.amount_cents > this.limitOf(actor.role)) {
      throw forbiddenError(
        `${what} a comp of ${moneyText(comp.amount_cents)} needs ${this.roleFor(comp.amount_cents)} or above`,
      );
    }
  }

  /** Approves a pending comp: a role whose limit covers it; the balance is debited now. */
  async approve(raw: z.input<typeof decisionSchema>, identity: Identity): Promise<CompChange> {
    const { actor, comp } = await this.decisionOn(raw, identity);
    this.requireAuthority(actor, comp, 'Approving');
    const claimed = await this.move(comp, ['pending_approval'], 'pending approval', {
      status: 'issuing',
      approved_by: actor.userId,
      approved_at: new Date(),
    });
    return this.debit(claimed);
  }

  /** Declines a pending comp (nothing was taken from the balance). */
  async decline(raw: z.input<typeof decisionSchema>, identity: Identity): Promise<CompChange> {
    const { input, actor, comp } = await this.decisionOn(raw, identity);
    this.requireAuthority(actor, comp, 'Declining');
    const declined = await this.move(comp, ['pending_approval'], 'pending approval', {
      status: 'declined',
      declined_by: actor.userId,
      declined_at: new Date(),
      decline_reason: input.reason ?? null,
    });
    return this.unchanged(declined);
  }

  /** Marks an issued comp used at its outlet (once: CONFLICT otherwise). The balance paid for it at issue. */
  async redeem(raw: z.input<typeof decisionSchema>, identity: Identity): Promise<CompChange> {
    const { actor, comp } = await this.decisionOn(raw, identity);
    const redeemed = await this.move(comp, ['issued'], 'issued', {
      status: 'redeemed',
      redeemed_by: actor.userId,
      redeemed_at: new Date(),
    });
    return this.unchanged(redeemed);
  }

  /**
   * Voids an issued, unused comp: its amount goes back on the balance exactly once (keyed by the comp). A
   * void that finds the comp already voided finishes the credit an interrupted void left undone, then
   * answers CONFLICT.
   */
  async void(raw: z.input<typeof decisionSchema>, identity: Identity): Promise<CompChange> {
    const { input, actor, comp } = await this.decisionOn(raw, identity);
    this.requireAuthority(actor, comp, 'Voiding');
    const voided = await this.stores.comps.transition(comp.id, comp.member_id, ['issued'], {
      status: 'voided',
      voided_by: actor.userId,
      voided_at: new Date(),
      void_reason: input.reason ?? null,
      void_settled: false,
    });
    if (!voided) {
      const current = (await this.stores.comps.findById(comp.id)) ?? comp;
      if (current.status === 'voided') await this.finishVoid(current);
      throw await this.notInState(current, 'issued');
    }
    const posted = await this.finishVoid(voided);
    const before = posted ?? (await this.balanceOf(comp.member_id)) - comp.amount_cents;
    return {
      comp: voided,
      memberId: comp.member_id,
      balanceBeforeCents: before,
      balanceAfterCents: before + comp.amount_cents,
    };
  }

  /** The amount of a voided comp back on the balance (keyed, once); the balance before when this call moved it. */
  private async finishVoid(comp: CompDocument): Promise<number | null> {
    const posted = await this.ledger.post([
      ledgerEntry({
        memberId: comp.member_id,
        balance: 'comps',
        type: 'reverse',
        amount: comp.amount_cents,
        source: 'comp',
        sourceId: comp.id,
        key: `comp:${comp.id}:void`,
        tier: comp.tier,
        at: comp.voided_at ?? new Date(),
      }),
    ]);
    await this.stores.comps.markVoidSettled(comp.id);
    return posted.status === 'applied' ? (posted.before?.comp_balance_cents ?? null) : null;
  }

  /**
   * Charges the comp balance for another flow (a VIP experience), once per caller-chosen `key`: a retry with
   * the same key changes nothing and answers with the first charge (CONFLICT if it named another member or
   * amount). CONFLICT when the balance does not cover it. Nothing is audited here: the caller's mutation is.
   */
  async chargeComps(raw: z.input<typeof chargeSchema>): Promise<CompCharge> {
    const input = validateInput(chargeSchema, raw);
    const member = await this.requireMember(input.memberId);
    const posted = await this.ledger.post(
      [
        ledgerEntry({
          memberId: member.id,
          balance: 'comps',
          type: 'redeem',
          amount: -input.cents,
          source: 'comp_charge',
          sourceId: input.sourceId ?? null,
          reason: input.source,
          key: `comp_charge:${input.key}`,
          tier: member.tier,
          at: new Date(),
        }),
      ],
      {
        onExisting: (entry) => {
          if (entry.member_id !== member.id || entry.amount !== -input.cents) {
            throw conflict('This charge key was used for another charge', 'key');
          }
        },
      },
    );
    if (posted.status === 'refused') {
      throw conflict(`Not enough comp balance: the charge is ${moneyText(input.cents)}`, 'cents');
    }
    const entry = { ...posted.entries[0]!.entry, applied: true };
    const before = posted.before?.comp_balance_cents;
    return {
      entry,
      applied: before !== undefined,
      balanceAfterCents: before !== undefined ? before - input.cents : await this.balanceOf(member.id),
    };
  }

  /**
   * Gives back a charge made by `chargeComps` with that key, once (a second refund changes nothing).
   * NOT_FOUND when no charge was made under the key (or its interrupted charge never took anything).
   */
  async refundComps(key: string): Promise<CompCharge> {
    const charge = await this.stores.ledger.findByKey(`comp_charge:${key}`);
    if (!charge) throw notFound('CompCharge', key);
    if (charge.applied === false && (await this.ledger.cancelPending(charge)) !== 'applied') {
      throw notFound('CompCharge', key);
    }
    const posted = await this.ledger.post([
      ledgerEntry({
        memberId: charge.member_id,
        balance: 'comps',
        type: 'reverse',
        amount: -charge.amount,
        source: 'comp_charge',
        sourceId: charge.source_id,
        reason: charge.reason,
        key: `comp_charge:${key}:refund`,
        tier: charge.tier,
        at: new Date(),
      }),
    ]);
    const before = posted.status === 'applied' ? posted.before?.comp_balance_cents : undefined;
    return {
      entry: { ...posted.entries[0]!.entry, applied: true },
      applied: before !== undefined,
      balanceAfterCents:
        before !== undefined ? before - charge.amount : await this.balanceOf(charge.member_id),
    };
  }

  /**
   * Finishes or undoes comp flows a crash interrupted more than `olderThan` ago: a comp left `issuing` is
   * issued if its debit moved the balance, otherwise its debit is voided and the comp removed (or, when it
   * was being approved, put back to pending); a voided comp whose amount is not yet back gets it back; a
   * charge whose entry never applied is undone (its caller got an error and retries under the same key).
   */
  async settleInterrupted(olderThan: Date): Promise<CompSweepResult> {
    return sweep([
      sweepOf(this.stores.comps.issuingSince(olderThan), (comp) =>
        settleMoneyMove(
          this.ledger,
          `comp:${comp.id}:issue`,
          () => this.finishIssuing(comp),
          () => this.undoIssuing(comp),
        ),
      ),
      sweepOf(this.stores.comps.voidsUnsettledSince(olderThan), async (comp) => {
        await this.finishVoid(comp);
        return true;
      }),
      sweepOf(this.stores.ledger.unapplied(['comp_charge'], olderThan), async (entry) => {
        if (entry.type !== 'reverse') return (await this.ledger.cancelPending(entry)) === 'applied';
        await this.ledger.post([entry]);
        return true;
      }),
    ]);
  }
}
