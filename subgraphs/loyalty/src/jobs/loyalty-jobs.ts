import DataLoader from 'dataloader';
import type { Collection, Db, IndexDescription } from 'mongodb';
import type { Logger } from '@casino/logger';
import { BATCH_OPTIONS, newId } from '@casino/mongo';
import type { BackgroundJobs } from '@casino/server';
import { createStores } from '../context';
import type { LoyaltyStores } from '../context';
import type { PointsLedgerDocument } from '../ledger/ledger-store';
import type { MemberDocument, Tier } from '../members/member-store';
import { PointsService } from '../points/points-service';
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

/** Points expiry and tier periods; every step is keyed in the ledger, so running it twice changes nothing. */
export class LoyaltyJobs {
  private readonly stores: LoyaltyStores;
  private readonly points: PointsService;
  private readonly runs: Collection<JobRunDocument>;

  constructor(
    db: Db,
    private readonly settings: LoyaltySettings,
  ) {
    this.stores = createStores(db);
    this.points = new PointsService(this.stores, settings);
    this.runs = db.collection<JobRunDocument>(LOYALTY_JOB_RUNS);
  }

  /** Expires the whole balance of members with a positive balance and no activity for the configured days. */
  async expirePoints(now: Date, batchSize = 500): Promise<ExpiryResult> {
    const cutoff = new Date(now.getTime() - this.settings.pointsExpiryDays * DAY_MS);
    const result: ExpiryResult = { membersExpired: 0, pointsExpired: 0 };
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
        const expired = await this.expireMember(member, last, now);
        if (expired > 0) {
          result.membersExpired += 1;
          result.pointsExpired += expired;
        }
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

  private async expireMember(member: MemberDocument, lastActivity: Date, now: Date): Promise<number> {
    const amount = member.points_balance;
    const key = `expire:${member.id}:${isoDay(lastActivity)}`;
    const entry = this.ledgerEntry(member.id, 'points', 'expire', -amount, 'points_expiry', key, now);
    if (!(await this.points.record(entry))) return 0;
    const debited = await this.stores.members.collection.updateOne(
      { id: member.id, points_balance: { $gte: amount } },
      { $inc: { points_balance: -amount } },
    );
    if (debited.modifiedCount === 1) return amount;
    // the balance was spent meanwhile: the entry is undone by its own reversal, so the ledger still adds up
    await this.points.record(
      this.ledgerEntry(member.id, 'points', 'reverse', amount, 'points_expiry', `${key}:reverse`, now),
    );
    return 0;
  }

  private ledgerEntry(
    memberId: string,
    balance: PointsLedgerDocument['balance'],
    type: PointsLedgerDocument['type'],
    amount: number,
    source: string,
    key: string,
    at: Date,
  ): PointsLedgerDocument {
    return {
      id: newId(),
      member_id: memberId,
      balance,
      type,
      amount,
      source,
      source_id: null,
      reason: null,
      idempotency_key: key,
      created_at: at,
    };
  }

  /**
   * Closes the tier period ending at `periodEnd`: each member's tier becomes the one earned by the credits of
   * the period (or by the credits already earned since, if higher), and those credits are reset by a ledger
   * entry keyed by period and member. Credits earned after `periodEnd` stay.
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
      const credits = periodCredits.get(id) ?? 0;
      const key = `${runId}:${id}`;
      const reset = this.ledgerEntry(id, 'tier_credits', 'expire', -credits, 'tier_period', key, periodEnd);
      if (!(await this.points.record(reset))) continue;
      const after = await this.stores.members.collection.findOneAndUpdate(
        { id },
        { $inc: { tier_credits: -credits } },
        { returnDocument: 'after', projection: { _id: 0 } },
      );
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

  /** Everything due at `now`: points expiry, and the close of the tier period that ended last. */
  async run(now: Date): Promise<{ expiry: ExpiryResult; tierPeriod: TierPeriodResult }> {
    const expiry = await this.expirePoints(now);
    const tierPeriod = await this.evaluateTierPeriod(
      currentTierPeriodStart(now, this.settings.tierPeriodMonths),
    );
    return { expiry, tierPeriod };
  }
}

/** Runs the jobs on the configured interval (never two runs at once); 0 disables them. */
export function startLoyaltyJobs(db: Db, settings: LoyaltySettings, log: Logger): BackgroundJobs {
  if (settings.jobsIntervalMs <= 0) return { stop: async () => {} };
  const jobs = new LoyaltyJobs(db, settings);
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = jobs
      .run(new Date())
      .then((result) => log.info(result, 'loyalty jobs ran'))
      .catch((error: unknown) => log.error({ err: error }, 'loyalty jobs failed'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, settings.jobsIntervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
