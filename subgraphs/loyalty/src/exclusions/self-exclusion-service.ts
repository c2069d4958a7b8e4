import { addMonths } from '@casino/config';
import { z } from 'zod';
import { badUserInput, conflict, validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { MemberDocument, MemberStore } from '../members/member-store';
import { SELF_EXCLUSION_RULES } from '../settings';
import type { SelfExclusionDocument, SelfExclusionLength, SelfExclusionStore } from './self-exclusion-store';

const reason = z.string().trim().min(3, 'is required').max(500, 'is too long');

const recordSchema = z.object({
  memberId: z.string().trim().min(1, 'is required'),
  length: z.enum(['SIX_MONTHS', 'ONE_YEAR', 'FIVE_YEARS', 'LIFETIME']),
  reason,
});

/** When a period of this length starting at `from` ends; null for a lifetime exclusion. */
export function exclusionEnd(from: Date, length: SelfExclusionLength): Date | null {
  return length === 'LIFETIME' ? null : addMonths(from, SELF_EXCLUSION_RULES.lengthMonths[length]);
}

/** A member's self-exclusion in effect over part of a range; `from` null: since an unknown time. */
export interface SelfExclusionWindow {
  memberId: string;
  from: Date | null;
  to: Date | null;
}

/** The change a self-exclusion write made: the member before and after, and the period it recorded. */
export interface SelfExclusionChange {
  before: MemberDocument;
  after: MemberDocument;
  period: SelfExclusionDocument | null;
}

/**
 * Self-exclusion (PRODUCT.md §5): any admin records a period, in effect at once; a Manager or above reinstates
 * the member once the period's end has come, never before; the periods are kept as the history.
 *
 * The member's `self_excluded` flag is the current state every check reads (gaming's seating, redemptions,
 * marketing audiences); it and the end of the current exclusion are changed by one guarded update of the
 * member. The period is stored first, so a flag set to true always has its period (a failed member update
 * removes the period again).
 */
export class SelfExclusionService {
  constructor(
    private readonly members: MemberStore,
    private readonly periods: SelfExclusionStore,
  ) {}

  /** Records a period for the member, in effect from `now`. */
  async record(
    raw: unknown,
    recordedBy: string,
    now = new Date(),
  ): Promise<SelfExclusionChange & { period: SelfExclusionDocument }> {
    const input = validateInput(recordSchema, raw);
    const period: SelfExclusionDocument = {
      id: newId(),
      member_id: input.memberId,
      length: input.length,
      started_at: now,
      ends_at: exclusionEnd(now, input.length),
      reason: input.reason,
      recorded_by: recordedBy,
      reinstated_at: null,
      reinstated_by: null,
    };
    if (!(await this.members.findById(input.memberId))) {
      throw badUserInput('input.memberId', 'no member with this id');
    }
    await this.periods.insert(period);
    let before: MemberDocument | null;
    try {
      before = await this.members.recordExclusion(input.memberId, {
        reason: input.reason,
        at: now,
        endsAt: period.ends_at,
      });
    } catch (error) {
      await this.periods.remove(period.id);
      throw error;
    }
    if (!before) {
      await this.periods.remove(period.id);
      throw badUserInput('input.memberId', 'no member with this id');
    }
    const endsAt = laterEnd(before, period.ends_at);
    const after: MemberDocument = {
      ...before,
      self_excluded: true,
      self_exclusion_reason: input.reason,
      self_exclusion_changed_at: now,
      self_exclusion_ends_at: endsAt,
    };
    return { before, after, period };
  }

  /**
   * Reinstates a self-excluded member whose exclusion has reached its end (an exclusion set before periods
   * were recorded has none and may be lifted). Before the end: BAD_USER_INPUT saying until when it runs.
   */
  async reinstate(memberId: string, by: string, field = 'memberId', now = new Date()) {
    const before = await this.members.reinstateIf(memberId, now);
    if (!before) throw await this.whyNotReinstated(memberId, field, now);
    // the periods that were in effect when the member was reinstated end now; one recorded since stays
    await this.periods.reinstate(memberId, before.self_exclusion_changed_at ?? now, now, by);
    const after: MemberDocument = { ...before, self_excluded: false, self_exclusion_changed_at: now };
    return { before, after, period: null };
  }

  /**
   * `setSelfExclusion`, kept for its callers: true records a period of the default length (a member already
   * excluded is answered as is), false reinstates under the same rules as `reinstateMember`.
   */
  async setSelfExclusion(
    raw: { memberId: string; selfExcluded: boolean; reason: string },
    by: string,
    now = new Date(),
  ): Promise<SelfExclusionChange> {
    const input = validateInput(
      z.object({ memberId: z.string().trim().min(1, 'is required'), selfExcluded: z.boolean(), reason }),
      raw,
    );
    const member = await this.members.findById(input.memberId);
    if (!member) throw badUserInput('input.memberId', 'no member with this id');
    // asking for the state the member is already in changes nothing
    if (input.selfExcluded === member.self_excluded) return { before: member, after: member, period: null };
    if (!input.selfExcluded) return this.reinstate(input.memberId, by, 'input.memberId', now);
    return this.record(
      { memberId: input.memberId, length: SELF_EXCLUSION_RULES.defaultLength, reason: input.reason },
      by,
      now,
    );
  }

  /**
   * Every member's self-exclusion in effect at some time in [from, to), overlapping periods of a member merged.
   * An exclusion set before periods were recorded counts from its last change (or always, when unknown).
   */
  async inEffectDuring(from: Date, to: Date): Promise<SelfExclusionWindow[]> {
    if (to.getTime() <= from.getTime()) throw badUserInput('to', 'must be after from');
    const [periods, excluded] = await Promise.all([
      this.periods.inEffectDuring(from, to),
      this.members.excludedMembers(),
    ]);
    const open = await this.periods.membersWithOpenPeriods(excluded.map((m) => m.id));
    const windows: SelfExclusionWindow[] = periods.map((p) => ({
      memberId: p.member_id,
      from: p.started_at,
      to: p.reinstated_at,
    }));
    for (const member of excluded) {
      if (open.has(member.id)) continue;
      const since = member.self_exclusion_changed_at ?? null;
      if (since === null || since.getTime() < to.getTime()) {
        windows.push({ memberId: member.id, from: since, to: null });
      }
    }
    return mergeWindows(windows);
  }

  private async whyNotReinstated(memberId: string, field: string, now: Date) {
    const member = await this.members.findById(memberId);
    if (!member) return badUserInput(field, 'no member with this id');
    if (!member.self_excluded) return badUserInput(field, 'the member is not self-excluded');
    const end = member.self_exclusion_ends_at;
    if (end === null) return badUserInput(field, 'a lifetime self-exclusion cannot be lifted');
    if (end && end.getTime() > now.getTime()) {
      return badUserInput(
        field,
        `the self-exclusion runs until ${end.toISOString()} and cannot be lifted before it ends`,
      );
    }
    return conflict('the self-exclusion changed meanwhile; try again', field);
  }
}

/** What the audit trail keeps of a period: everything but the reason (personal; kept with the period). */
export function auditedSelfExclusion(period: SelfExclusionDocument) {
  const { reason: _reason, ...rest } = period;
  return rest;
}

/** The end of the exclusion once a period ending at `end` is added to the member's current one. */
function laterEnd(member: MemberDocument, end: Date | null): Date | null {
  if (end === null) return null;
  if (!member.self_excluded || member.self_exclusion_ends_at === undefined) return end;
  const current = member.self_exclusion_ends_at;
  if (current === null) return null;
  return current.getTime() > end.getTime() ? current : end;
}

const startOf = (w: SelfExclusionWindow) => w.from?.getTime() ?? Number.NEGATIVE_INFINITY;
const endOf = (w: SelfExclusionWindow) => w.to?.getTime() ?? Number.POSITIVE_INFINITY;

/** One window per stretch of exclusion of each member: overlapping or touching windows are joined. */
export function mergeWindows(windows: SelfExclusionWindow[]): SelfExclusionWindow[] {
  const sorted = [...windows].sort((a, b) => {
    if (a.memberId !== b.memberId) return a.memberId < b.memberId ? -1 : 1;
    return startOf(a) === startOf(b) ? 0 : startOf(a) < startOf(b) ? -1 : 1;
  });
  const merged: SelfExclusionWindow[] = [];
  for (const window of sorted) {
    const last = merged.at(-1);
    if (last && last.memberId === window.memberId && startOf(window) <= endOf(last)) {
      if (endOf(window) > endOf(last)) last.to = window.to;
      continue;
    }
    merged.push({ ...window });
  }
  return merged;
}
