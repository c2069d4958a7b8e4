import DataLoader from 'dataloader';
import type { Collection, Db, IndexDescription } from 'mongodb';
import type { Logger } from '@casino/logger';
import { BATCH_OPTIONS } from '@casino/mongo';
import type { ScheduledJob } from '@casino/scheduler';
import { createStores } from '../context';
import type { LoyaltyStores } from '../context';
import type { PointsLedgerDocument } from '../ledger/ledger-store';
import type { MemberDocument, Tier } from '../members/member-store';
import { ledgerEntry } from '../points/points-ledger';
import type { PostingHooks } from '../points/points-ledger';
import { PointsService } from '../points/points-service';
import type { SweepResult } from '../points/points-service';
import { TIER_ORDER, tierForCredits } from '../settings';
import type { LoyaltySettings } from '../settings';

export const DAY_MS = 86_400_000;

/** Marks a tier period as evaluated, so the scheduled job does not walk every member again. */
interface JobRunDocument {
  id: string;
  completed_at: Date;
}

export const LOYALTY_JOB_RUNS = 'loyalty_job_runs';
export const jobRunIndexes: IndexDescription[] = [{ key: { id: 1 }, name: 'id_1', unique: true }];

export interface ExpiryResult {
  membersExpired: number;
  pointsExpired: number;
}

export interface TierPeriodResult {
  periodEnd: Date;
  membersEvaluated: number;
}

const isoDay = (date: Date) => date.toISOString().slice(0, 10);
const latest = (...dates: (Date | null | undefined)[]) =>
  new Date(Math.max(...dates.filter((d): d is Date => d instanceof Date).map((d) => d.getTime())));

/** When the tier period containing `now` started: periods of `months` months counted from 1 January UTC. */
export function currentTierPeriodStart(now: Date, months: number): Date {
  const month = now.getUTCMonth();
  return new Date(Date.UTC(now.getUTCFullYear(), month - (month % months), 1));
}

/** The time of each member's latest points earned, for many members in one aggregation. */
async function lastEarnOf(stores: LoyaltyStores, memberIds: readonly string[]): Promise<Map<string, Date>> {
  const earns = await stores.ledger.collection
    .aggregate<{ _id: string; last: Date }>([
      { $match: { member_id: { $in: [...memberIds] }, balance: 'points', type: 'earn' } },
      { $group: { _id: '$member_id', last: { $max: '$created_at' } } },
    ])
    .toArray();
  return new Map(earns.map((e) => [e._id, e.last]));
}

export function createLastEarnLoader(stores: LoyaltyStores): DataLoader<string, Date | null> {
  return new DataLoader(async (ids) => {
    const last = await lastEarnOf(stores, ids);
    return ids.map((id) => last.get(id) ?? null);
  }, BATCH_OPTIONS);
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
  const lastEarn = await lastEarnOf(
    stores,
    members.map((m) => m.id),
  );
  return new Map(members.map((m) => [m.id, lastActivity(m, lastEarn.get(m.id))] as const));
}

export interface LoyaltyJobsOptions {
  /** Crash points for tests (see PointsLedger) */
  hooks?: PostingHooks;
  /** Overrides `settings.interruptedAfterMs` (tests) */
  interruptedAfterMs?: number;
}

/**
 * Points expiry and tier periods. Every balance change is a posting keyed in the ledger (see PointsLedger): a
 * rerun finds the entries an earlier run recorded and finishes the ones it did not apply, so running the jobs
 * twice, or again after a crash between any two steps, ends with the balances of one clean run.
 */
export class LoyaltyJobs {
  private readonly stores: LoyaltyStores;
  private readonly points: PointsService;
  private readonly runs: Collection<JobRunDocument>;
  private readonly interruptedAfterMs: number;

  constructor(
    db: Db,
    private readonly settings: LoyaltySettings,
    options: LoyaltyJobsOptions = {},
  ) {
    this.stores = createStores(db);
    this.points = new PointsService(this.stores, settings, options.hooks);
    this.runs = db.collection<JobRunDocument>(LOYALTY_JOB_RUNS);
    this.interruptedAfterMs = options.interruptedAfterMs ?? settings.interruptedAfterMs;
  }

  private get ledger() {
    return this.points.ledger;
  }

  /** Expires the whole balance of members with a positive balance and no activity for the configured days. */
  async expirePoints(now: Date, batchSize = 500): Promise<ExpiryResult> {
    const cutoff = new Date(now.getTime() - this.settings.pointsExpiryDays * DAY_MS);
    const result: ExpiryResult = { membersExpired: 0, pointsExpired: 0 };
    const count = (expired: number) => {
      if (expired <= 0) return;
      result.membersExpired += 1;
      result.pointsExpired += expired;
    };
    // first the expiries an earlier run recorded and did not finish (its member may not be found below
    // again: once the balance moved it is zero)
    const unfinished = this.stores.ledger.collection.find(
      { source: 'points_expiry', applied: false },
      { projection: { _id: 0 } },
    );
    for await (const entry of unfinished) count(await this.postExpiry(entry));
    // a visit after the cutoff is activity enough; the ledger decides for the rest
    const cursor = this.stores.members.collection.find(
      { points_balance: { $gt: 0 }, $or: [{ last_visit: null }, { last_visit: { $lt: cutoff } }] },
      { projection: { _id: 0, id: 1, last_visit: 1, registration_date: 1, points_balance: 1 } },
    );
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
      batch.push(member as MemberDocument);
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
        key: `expire:${member.id}:${isoDay(lastActivity)}`,
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
    if (await this.runs.countDocuments({ id: runId })) return { periodEnd, membersEvaluated: 0 };
    const sums = await this.stores.ledger.collection
      .aggregate<{ _id: string; credits: number }>([
        { $match: { balance: 'tier_credits', created_at: { $lt: periodEnd } } },
        { $group: { _id: '$member_id', credits: { $sum: '$amount' } } },
      ])
      .toArray();
    const periodCredits = new Map(sums.map((s) => [s._id, s.credits]));
    let evaluated = 0;
    const cursor = this.stores.members.collection.find(
      { $or: [{ id: { $in: [...periodCredits.keys()] } }, { tier: { $ne: 'Ruby' } }] },
      { projection: { _id: 0, id: 1 } },
    );
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
      const after =
        posted.member ??
        (await this.stores.members.collection.findOne({ id }, { projection: { _id: 0, tier_credits: 1 } }));
      if (!after) continue;
      const earned: Tier = [
        tierForCredits(credits, this.settings),
        tierForCredits(after.tier_credits, this.settings),
      ].reduce((a, b) => (TIER_ORDER.indexOf(a) >= TIER_ORDER.indexOf(b) ? a : b));
      await this.stores.members.collection.updateOne({ id }, { $set: { tier: earned } });
      evaluated += 1;
    }
    await this.runs.updateOne({ id: runId }, { $set: { completed_at: new Date() } }, { upsert: true });
    return { periodEnd, membersEvaluated: evaluated };
  }

  /**
   * Everything due at `now`: the entries of interactive flows that crashed midway (settled: see
   * PointsService.settleInterrupted), points expiry, and the close of the tier period that ended last.
   */
  async run(
    now: Date,
  ): Promise<{ interrupted: SweepResult; expiry: ExpiryResult; tierPeriod: TierPeriodResult }> {
    const interrupted = await this.points.settleInterrupted(new Date(Date.now() - this.interruptedAfterMs));
    const expiry = await this.expirePoints(now);
    const tierPeriod = await this.evaluateTierPeriod(
      currentTierPeriodStart(now, this.settings.tierPeriodMonths),
    );
    return { interrupted, expiry, tierPeriod };
  }
}

/** The loyalty jobs' job in `scheduler_jobs` */
export const LOYALTY_JOB = 'loyalty-jobs';

/**
 * The jobs as one scheduled job every `jobsIntervalMs` (none when 0): one replica at a time runs a pass, and
 * a pass repeated after a crash ends like one clean pass (see LoyaltyJobs).
 */
export function loyaltyJobs(db: Db, settings: LoyaltySettings, log: Logger): ScheduledJob[] {
  if (settings.jobsIntervalMs <= 0) return [];
  const jobs = new LoyaltyJobs(db, settings);
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
