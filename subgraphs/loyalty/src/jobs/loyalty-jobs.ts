import type { Db } from 'mongodb';
import type { Logger } from '@casino/logger';
import type { ScheduledJob } from '@casino/scheduler';
import { createStores } from '../stores';
import type { LoyaltyStores } from '../stores';
import type { PointsLedgerDocument } from '../points/ledger-store';
import type { MemberDocument, Tier } from '../members/member-store';
import { ledgerEntry } from '../points/points-ledger';
import type { PostingHooks } from '../points/points-ledger';
import { PointsService } from '../points/points-service';
import { CompService } from '../comps/comp-service';
import { VipExperienceService } from '../vip/vip-experience-service';
import type { SweepResult } from '../points/points-service';
import { TIER_ORDER, tierForCredits } from '../settings';
import type { LoyaltySettings } from '../settings';
import { LocalTime } from '@casino/config';
import type { RequestAudit } from '@casino/audit';
import { SelfExclusionService, auditedSelfExclusion } from '../exclusions/self-exclusion-service';
import type { SelfExclusionHooks } from '../exclusions/self-exclusion-service';

export interface ExpiryResult {
  membersExpired: number;
  pointsExpired: number;
}

export interface TierPeriodResult {
  periodEnd: Date;
  membersEvaluated: number;
}

const latest = (...dates: (Date | null | undefined)[]) =>
  new Date(Math.max(...dates.filter((d): d is Date => d instanceof Date).map((d) => d.getTime())));

/**
 * When the tier period containing `now` started: periods of `months` months counted from 1 January, at local
 * midnight in the property's time zone.
 */
export function currentTierPeriodStart(now: Date, months: number, timeZone = 'UTC'): Date {
  return new LocalTime(timeZone).periodStart(now, months);
}

/** When a member last did something that keeps points alive, given their last earn. */
export const lastActivity = (
  member: Pick<MemberDocument, 'last_visit' | 'registration_date'>,
  lastEarn: Date | null | undefined,
) => latest(member.last_visit, lastEarn, member.registration_date);

/**
 * The last activity of each member: the latest of the last visit, the last points earned and (for a member
 * who never did either) the registration. One aggregation per batch of members.
 */
export async function lastActivityOf(
  stores: LoyaltyStores,
  members: Pick<MemberDocument, 'id' | 'last_visit' | 'registration_date'>[],
): Promise<Map<string, Date>> {
  const lastEarn = await stores.ledger.lastEarnOf(members.map((m) => m.id));
  return new Map(members.map((m) => [m.id, lastActivity(m, lastEarn.get(m.id))] as const));
}

export interface LoyaltyJobsOptions {
  /** Crash points for tests (see PointsLedger) */
  hooks?: PostingHooks;
  /** Overrides `settings.interruptedAfterMs` (tests) */
  interruptedAfterMs?: number;
  /** Crash points of self-exclusion's two writes (tests) */
  exclusionHooks?: SelfExclusionHooks;
  /** Where the passes record what they changed on their own (the service's audit trail) */
  audit?: RequestAudit['record'];
}

/**
 * Points expiry and tier periods. Every balance change is a posting keyed in the ledger (see PointsLedger): a
 * rerun finds the entries an earlier run recorded and finishes the ones it did not apply, so running the jobs
 * twice, or again after a crash between any two steps, ends with the balances of one clean run.
 */
export class LoyaltyJobs {
  private readonly stores: LoyaltyStores;
  private readonly points: PointsService;
  private readonly comps: CompService;
  private readonly vipExperiences: VipExperienceService;
  private readonly exclusions: SelfExclusionService;
  private readonly interruptedAfterMs: number;
  private readonly audit: RequestAudit['record'] | undefined;

  /** Works on the process's stores, or on stores of its own over `db`. */
  constructor(
    source: Db | LoyaltyStores,
    private readonly settings: LoyaltySettings,
    options: LoyaltyJobsOptions = {},
  ) {
    this.stores = 'jobRuns' in source ? source : createStores(source);
    this.points = new PointsService(this.stores, settings, options.hooks);
    this.comps = new CompService(this.stores, settings, this.points.ledger);
    this.vipExperiences = new VipExperienceService(this.stores, settings, this.comps, this.points.ledger);
    this.exclusions = new SelfExclusionService(
      this.stores.members,
      this.stores.selfExclusions,
      options.exclusionHooks,
      settings.timeZone,
    );
    this.interruptedAfterMs = options.interruptedAfterMs ?? settings.interruptedAfterMs;
    this.audit = options.audit;
  }

  /**
   * Flags the members of self-exclusion periods whose flag never followed (a crash between the two writes),
   * each recorded in the audit trail as this service's change; how many periods it finished.
   */
  async finishSelfExclusions(olderThan: Date): Promise<number> {
    const finished = await this.exclusions.finishInterrupted(olderThan);
    for (const { period, before } of finished) {
      this.audit?.({
        action: 'finishSelfExclusion',
        targetType: 'SelfExclusion',
        targetId: period.id,
        outcome: before ? 'allowed' : 'failed',
        changes: {
          before: before && {
            memberId: before.id,
            self_excluded: before.self_excluded,
            self_exclusion_ends_at: before.self_exclusion_ends_at ?? null,
          },
          // a period without its member is removed: its request had failed
          after: {
            memberId: period.member_id,
            self_excluded: before !== null,
            period: auditedSelfExclusion(period),
          },
        },
      });
    }
    return finished.length;
  }

  private get ledger() {
    return this.points.ledger;
  }

  /** Expires the whole balance of members with a positive balance and no activity for the configured days. */
  async expirePoints(now: Date, batchSize = 500): Promise<ExpiryResult> {
    // the same local time that many calendar days before: a day over a daylight-saving change is 23 or 25 hours
    const cutoff = new LocalTime(this.settings.timeZone).plusDays(now, -this.settings.pointsExpiryDays);
    const result: ExpiryResult = { membersExpired: 0, pointsExpired: 0 };
    const count = (expired: number) => {
      if (expired <= 0) return;
      result.membersExpired += 1;
      result.pointsExpired += expired;
    };
    // first the expiries an earlier run recorded and did not finish (its member may not be found below
    // again: once the balance moved it is zero)
    const unfinished = this.stores.ledger.unapplied(['points_expiry']);
    for await (const entry of unfinished) count(await this.postExpiry(entry));
    // a visit after the cutoff is activity enough; the ledger decides for the rest
    const cursor = this.stores.members.withPointsNotVisitedSince(cutoff);
    let batch: MemberDocument[] = [];
    const run = async () => {
      const activity = await lastActivityOf(this.stores, batch);
      for (const member of batch) {
        const last = activity.get(member.id)!;
        if (last >= cutoff) continue;
        count(await this.expireMember(member, last, now));
      }
      batch = [];
    };
    for await (const member of cursor) {
      batch.push(member);
      if (batch.length >= batchSize) await run();
    }
    if (batch.length > 0) await run();
    return result;
  }

  /** One expiry per stretch of inactivity (keyed by its last activity), of the balance seen when recorded. */
  private expireMember(member: MemberDocument, lastActivity: Date, now: Date): Promise<number> {
    return this.postExpiry(
      ledgerEntry({
        memberId: member.id,
        balance: 'points',
        type: 'expire',
        amount: -member.points_balance,
        source: 'points_expiry',
        key: `expire:${member.id}:${new LocalTime(this.settings.timeZone).localDate(lastActivity)}`,
        at: now,
      }),
    );
  }

  /**
   * The points this call expired: those of the entry as recorded (a rerun finishes the first run's entry),
   * 0 when it was finished before, or refused because the balance was spent meanwhile (the entry is then
   * deleted and the next run looks at the member afresh).
   */
  private async postExpiry(entry: PointsLedgerDocument): Promise<number> {
    const posted = await this.ledger.post([entry]);
    if (posted.status === 'refused' || !posted.resumed) return 0;
    return -posted.entries[0]!.entry.amount;
  }

  /**
   * Closes the tier period ending at `periodEnd`: each member's tier becomes the one earned by the credits of
   * the period (or by the credits already earned since, if higher), and those credits are reset by a ledger
   * entry keyed by period and member. Credits earned after `periodEnd` stay. A rerun finishes the resets an
   * earlier run recorded but did not apply (or applied but did not mark) and sets those members' tiers.
   */
  async evaluateTierPeriod(periodEnd: Date): Promise<TierPeriodResult> {
    const runId = `tier_period:${periodEnd.toISOString()}`;
    if (await this.stores.jobRuns.isCompleted(runId)) return { periodEnd, membersEvaluated: 0 };
    const periodCredits = await this.stores.ledger.tierCreditsBefore(periodEnd);
    let evaluated = 0;
    const cursor = this.stores.members.idsOfTheseOrAboveRuby([...periodCredits.keys()]);
    for await (const { id } of cursor) {
      const posted = await this.ledger.post([
        ledgerEntry({
          memberId: id,
          balance: 'tier_credits',
          type: 'expire',
          amount: -(periodCredits.get(id) ?? 0),
          source: 'tier_period',
          key: `${runId}:${id}`,
          at: periodEnd,
        }),
      ]);
      // finished by an earlier run, or refused (fewer credits than the ledger says: left for the check)
      if (posted.status === 'refused' || !posted.resumed) continue;
      const credits = -posted.entries[0]!.entry.amount;
      const after = posted.member ?? (await this.stores.members.tierCreditsOf(id));
      if (!after) continue;
      const earned: Tier = [
        tierForCredits(credits, this.settings),
        tierForCredits(after.tier_credits, this.settings),
      ].reduce((a, b) => (TIER_ORDER.indexOf(a) >= TIER_ORDER.indexOf(b) ? a : b));
      await this.stores.members.setTier(id, earned);
      evaluated += 1;
    }
    await this.stores.jobRuns.complete(runId, new Date());
    return { periodEnd, membersEvaluated: evaluated };
  }

  /**
   * Everything due at `now`: the entries of interactive flows that crashed midway (settled: see
   * PointsService.settleInterrupted), self-exclusions whose member was not flagged, points expiry, and the
   * close of the tier period that ended last.
   */
  async run(now: Date): Promise<{
    interrupted: SweepResult;
    selfExclusionsFinished: number;
    expiry: ExpiryResult;
    tierPeriod: TierPeriodResult;
  }> {
    const olderThan = new Date(Date.now() - this.interruptedAfterMs);
    const points = await this.points.settleInterrupted(olderThan);
    // comps left issuing, voids not yet credited back, charges that never applied (see CompService)
    const comps = await this.comps.settleInterrupted(olderThan);
    // VIP approvals left charging, cancellations not yet refunded (see VipExperienceService)
    const vip = await this.vipExperiences.settleInterrupted(olderThan);
    const interrupted = {
      finished: points.finished + comps.finished + vip.finished,
      undone: points.undone + comps.undone + vip.undone,
    };
    const selfExclusionsFinished = await this.finishSelfExclusions(olderThan);
    const expiry = await this.expirePoints(now);
    const tierPeriod = await this.evaluateTierPeriod(
      currentTierPeriodStart(now, this.settings.tierPeriodMonths, this.settings.timeZone),
    );
    return { interrupted, selfExclusionsFinished, expiry, tierPeriod };
  }
}

/** The loyalty jobs' job in `scheduler_jobs` */
export const LOYALTY_JOB = 'loyalty-jobs';

/**
 * The jobs as one scheduled job every `jobsIntervalMs` (none when 0): one replica at a time runs a pass, and
 * a pass repeated after a crash ends like one clean pass (see LoyaltyJobs).
 */
export function loyaltyJobs(
  source: Db | LoyaltyJobs,
  settings: LoyaltySettings,
  log: Logger,
): ScheduledJob[] {
  if (settings.jobsIntervalMs <= 0) return [];
  const jobs = source instanceof LoyaltyJobs ? source : new LoyaltyJobs(source, settings);
  return [
    {
      name: LOYALTY_JOB,
      schedule: { everyMs: settings.jobsIntervalMs },
      async run() {
        log.info(await jobs.run(new Date()), 'loyalty jobs ran');
      },
    },
  ];
}
