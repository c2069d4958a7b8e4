import { DEFAULT_PROPERTY_TIME_ZONE, LocalTime } from '@casino/config';
import { z } from 'zod';
import { badUserInput, conflict, validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { MemberDocument, MemberStore } from '../members/member-store';
import { SELF_EXCLUSION_RULES } from '../settings';
import { earlierExclusionId } from './self-exclusion-store';
import type { SelfExclusionDocument, SelfExclusionLength, SelfExclusionStore } from './self-exclusion-store';

const reason = z.string().trim().min(3, 'is required').max(500, 'is too long');

const recordSchema = z.object({
  memberId: z.string().trim().min(1, 'is required'),
  length: z.enum(['SIX_MONTHS', 'ONE_YEAR', 'FIVE_YEARS', 'LIFETIME']),
  reason,
});

/**
 * When a period of this length starting at `from` ends: the same local date and time that many months on in
 * the property's time zone; null for a lifetime exclusion.
 */
export function exclusionEnd(
  from: Date,
  length: SelfExclusionLength,
  timeZone = DEFAULT_PROPERTY_TIME_ZONE,
): Date | null {
  if (length === 'LIFETIME') return null;
  return new LocalTime(timeZone).plusMonths(from, SELF_EXCLUSION_RULES.lengthMonths[length]);
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
 * Crash points for tests, named like a posting's: after the periods are written (a period recorded, or the
 * periods ended by a reinstatement), after the member is flagged (any function fits, a posting's hooks too).
 */
export type SelfExclusionHooks = Partial<
  Record<'afterRecord' | 'afterApply', (...args: never[]) => Promise<unknown> | unknown>
>;

/** A period whose flag a sweep finished, and its member before (null when there was no such member). */
export interface FinishedFlag {
  period: SelfExclusionDocument;
  before: MemberDocument | null;
}

/** Who is named as having recorded (or reinstated) a kept earlier exclusion that nobody recorded. */
export const UNRECORDED_BY = 'unrecorded';

/**
 * Self-exclusion (PRODUCT.md §5): any admin records a period, in effect at once; a Manager or above reinstates
 * the member once the period's end has come, never before; the periods are kept as the history.
 *
 * The member's `self_excluded` flag is the current state every check reads (gaming's seating, redemptions,
 * marketing audiences); it and the end of the current exclusion are changed by one guarded update of the
 * member. Recording stores the period first, marked `flag_pending`, then flags the member, then clears the
 * mark: a process that dies in between leaves the mark, and the same request again (same member, length,
 * reason and admin) finishes that period instead of adding one, as the loyalty jobs' sweep does for periods
 * older than the interrupted-flow age. Reinstating ends the periods first and lifts the flag last, so a crash
 * in between leaves the member excluded (the safe side) until the reinstatement is asked again.
 *
 * An exclusion from before periods were recorded (flagged, no period in effect) is kept as a period of its
 * own (UNRECORDED, from the member's stored change time) when the member's exclusion next changes, so the
 * gambling report still sees play during it once a new period is in effect or the member is reinstated.
 */
export class SelfExclusionService {
  constructor(
    private readonly members: MemberStore,
    private readonly periods: SelfExclusionStore,
    private readonly hooks: SelfExclusionHooks = {},
    /** The property's time zone (PROPERTY_TIME_ZONE): a period ends by its calendar */
    private readonly timeZone = DEFAULT_PROPERTY_TIME_ZONE,
  ) {}

  /** Records a period for the member, in effect from `now`. */
  async record(
    raw: unknown,
    recordedBy: string,
    now = new Date(),
  ): Promise<SelfExclusionChange & { period: SelfExclusionDocument }> {
    const input = validateInput(recordSchema, raw);
    const member = await this.members.findById(input.memberId);
    if (!member) throw badUserInput('input.memberId', 'no member with this id');
    await this.keepEarlierExclusion(member);
    // periods an earlier request stored without flagging the member: finished first; the same request again
    // is answered with its period
    const pending = await this.periods.flagPendingOf(input.memberId);
    const retried = pending.find(
      (p) => p.length === input.length && p.reason === input.reason && p.recorded_by === recordedBy,
    );
    for (const earlier of pending) if (earlier !== retried) await this.flag(earlier);
    const period: SelfExclusionDocument = retried ?? {
      id: newId(),
      member_id: input.memberId,
      length: input.length,
      started_at: now,
      ends_at: exclusionEnd(now, input.length, this.timeZone),
      reason: input.reason,
      recorded_by: recordedBy,
      reinstated_at: null,
      reinstated_by: null,
      flag_pending: true,
    };
    if (!retried) {
      await this.periods.insert(period);
      await this.hooks.afterRecord?.();
    }
    const before = await this.flag(period);
    if (!before) throw badUserInput('input.memberId', 'no member with this id');
    const endsAt = laterEnd(before, period.ends_at);
    const changedAt = before.self_exclusion_changed_at;
    const after: MemberDocument = {
      ...before,
      self_excluded: true,
      self_exclusion_reason: input.reason,
      self_exclusion_changed_at:
        changedAt && changedAt.getTime() > period.started_at.getTime() ? changedAt : period.started_at,
      self_exclusion_ends_at: endsAt,
    };
    const { flag_pending: _pending, ...recorded } = period;
    return { before, after, period: recorded };
  }

  /**
   * Flags the member for a stored period (the later end and change time win) and clears the period's mark; the
   * member before, or null when there is no such member (the period is then removed: its request failed).
   */
  private async flag(period: SelfExclusionDocument): Promise<MemberDocument | null> {
    const before = await this.members.recordExclusion(period.member_id, {
      reason: period.reason,
      at: period.started_at,
      endsAt: period.ends_at,
    });
    if (!before) {
      await this.periods.remove(period.id);
      return null;
    }
    await this.hooks.afterApply?.();
    await this.periods.flagDone(period.id);
    return before;
  }

  /**
   * The sweep: flags the members of periods recorded before `olderThan` whose flag never followed (a process
   * that died between the two writes), oldest first, up to `limit`; what it did, for the audit trail.
   */
  async finishInterrupted(olderThan: Date, limit = 500): Promise<FinishedFlag[]> {
    const finished: FinishedFlag[] = [];
    for (const period of await this.periods.flagPendingBefore(olderThan, limit)) {
      const { flag_pending: _pending, ...kept } = period;
      finished.push({ period: kept, before: await this.flag(period) });
    }
    return finished;
  }

  /**
   * Keeps a flagged member's exclusion from before periods were recorded (no end stored) as a period,
   * from the member's stored change time (their registration when none is stored: the earliest it can have
   * begun), ended by `reinstated` when given. One per member whatever runs it first (a fixed id).
   */
  private async keepEarlierExclusion(
    member: MemberDocument,
    reinstated: { at: Date; by: string } | null = null,
  ): Promise<void> {
    // every flag a period set has an end (null for life); only an exclusion from before periods has none
    if (!member.self_excluded || member.self_exclusion_ends_at !== undefined) return;
    const startedAt = member.self_exclusion_changed_at ?? member.registration_date;
    await this.periods.insertOnce({
      id: earlierExclusionId(member.id),
      member_id: member.id,
      length: 'UNRECORDED',
      started_at: startedAt,
      // no length was chosen: it may be lifted at any time (as the member's missing end says)
      ends_at: startedAt,
      reason: member.self_exclusion_reason ?? 'recorded before self-exclusion periods were kept',
      recorded_by: UNRECORDED_BY,
      reinstated_at: reinstated?.at ?? null,
      reinstated_by: reinstated?.by ?? null,
    });
  }

  /**
   * Reinstates a self-excluded member whose exclusion has reached its end (an exclusion set before periods
   * were recorded has none and may be lifted). Before the end: BAD_USER_INPUT saying until when it runs.
   */
  async reinstate(memberId: string, by: string, field = 'memberId', now = new Date()) {
    const member = await this.members.findById(memberId);
    if (!member || !mayBeLifted(member, now)) throw await this.whyNotReinstated(memberId, field, now);
    const since = member.self_exclusion_changed_at ?? now;
    await this.keepEarlierExclusion(member, { at: now, by });
    // the periods that were in effect when the member was reinstated end now; one recorded since stays. They
    // end before the flag is lifted: a crash in between leaves the member excluded until this is asked again
    await this.periods.reinstate(memberId, since, now, by);
    await this.hooks.afterRecord?.();
    const before = await this.members.reinstateIf(memberId, now);
    if (!before) throw await this.whyNotReinstated(memberId, field, now);
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

/** Whether the member's exclusion may be lifted at `now`: its end has come, or none was recorded. */
function mayBeLifted(member: MemberDocument, now: Date): boolean {
  if (!member.self_excluded) return false;
  const end = member.self_exclusion_ends_at;
  return end === undefined || (end !== null && end.getTime() <= now.getTime());
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
