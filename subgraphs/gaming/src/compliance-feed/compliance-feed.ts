import type { QueryResolvers } from '../__generated__/resolvers-types';
import { Decimal128 } from 'mongodb';
import { badUserInput } from '@casino/errors';
import { gamingDayExpression } from '../gaming-day';
import { centsToMoney, toCents } from '../money';
import type { GamingSessionStore } from '../sessions/session-store';
import type { GamingSettings } from '../settings';

export interface FeedRange {
  from: Date;
  to: Date;
}

/** CTR and MTL entries in a range, shaped like the GraphQL ComplianceCashCounts type. */
export interface ComplianceCashCountsResult {
  ctrCount: number;
  mtlCount: number;
}

export interface MemberPlayVolumeResult {
  memberId: string;
  buyIn: Decimal128;
  sessionCount: number;
}

export interface ResponsibleGamingSummaryResult {
  sessionCount: number;
  memberCount: number;
  longSessions: { sessionId: string; memberId: string; sessionStart: Date; durationMinutes: number }[];
  largeLossDays: { memberId: string; gamingDay: string; netLoss: Decimal128; sessionCount: number }[];
  watchedMembers: { memberId: string; sessionCount: number; firstSessionAt: Date }[];
}

const MINUTE_MS = 60_000;

/**
 * Service-only aggregates compliance reads for its reports and dashboard. Each is one aggregation in MongoDB;
 * only the figures (or the few rows a finding needs) leave the database.
 */
export class ComplianceFeed {
  constructor(
    private readonly sessions: GamingSessionStore,
    private readonly settings: GamingSettings,
  ) {}

  private checkRange(range: FeedRange): void {
    const span = range.to.getTime() - range.from.getTime();
    if (span <= 0) throw badUserInput('to', 'must be after from');
    if (span > this.settings.dashboardMaxRangeDays * 86_400_000) {
      throw badUserInput('to', `the range must not exceed ${this.settings.dashboardMaxRangeDays} days`);
    }
  }

  private static checkHour(dayStartHour: number): void {
    if (!Number.isInteger(dayStartHour) || dayStartHour < 0 || dayStartHour > 23) {
      throw badUserInput('dayStartHour', 'must be a whole hour between 0 and 23');
    }
  }

  /**
   * CTR entries: per member, gaming day and direction (cash in, cash out), one entry when that day's sum is
   * above `ctrThreshold`. MTL entries: each single buy-in or cash-out at or above `mtlThreshold`. Transactions
   * are taken as amlCashSummary takes them (a buy-in at the session start, a cash-out at its end, in [from, to)).
   */
  async cashCounts(args: {
    from: Date;
    to: Date;
    dayStartHour: number;
    ctrThreshold: Decimal128;
    mtlThreshold: Decimal128;
  }): Promise<ComplianceCashCountsResult> {
    this.checkRange(args);
    ComplianceFeed.checkHour(args.dayStartHour);
    const inRange = { $gte: args.from, $lt: args.to };
    const sessions = this.sessions.collection;
    // four small aggregations side by side instead of one that reshapes every session into two transactions
    const directions = [
      { at: '$session_start', atField: 'session_start', amount: 'buy_in_amount' },
      { at: '$session_end', atField: 'session_end', amount: 'cash_out_amount' },
    ] as const;
    const ctr = directions.map(async (d) => {
      const [row] = await sessions
        .aggregate<{ n: number }>([
          { $match: { [d.atField]: inRange, [d.amount]: { $ne: null } } },
          {
            $group: {
              // one string key (member|day): mongo-java-server groups on a string far faster than on a document
              _id: {
                $concat: [
                  '$member_id',
                  '|',
                  gamingDayExpression(d.at, args.dayStartHour, this.settings.localUtcOffsetMinutes),
                ],
              },
              total: { $sum: `$${d.amount}` },
            },
          },
          { $match: { total: { $gt: args.ctrThreshold } } },
          { $count: 'n' },
        ])
        .toArray();
      return row?.n ?? 0;
    });
    const mtl = directions.map((d) =>
      sessions.countDocuments({ [d.atField]: inRange, [d.amount]: { $gte: args.mtlThreshold } }),
    );
    const [ctrIn, ctrOut, mtlIn, mtlOut] = await Promise.all([...ctr, ...mtl]);
    return { ctrCount: ctrIn! + ctrOut!, mtlCount: mtlIn! + mtlOut! };
  }

  /** Members whose buy-ins of sessions started in [from, to) add up to more than `minBuyIn`, biggest first. */
  async playVolumes(args: { from: Date; to: Date; minBuyIn: Decimal128 }): Promise<MemberPlayVolumeResult[]> {
    this.checkRange(args);
    const rows = await this.sessions.collection
      .aggregate<{ _id: string; buy_in: Decimal128 | number; sessions: number }>([
        { $match: { session_start: { $gte: args.from, $lt: args.to } } },
        { $group: { _id: '$member_id', buy_in: { $sum: '$buy_in_amount' }, sessions: { $sum: 1 } } },
        { $match: { buy_in: { $gt: args.minBuyIn } } },
        { $sort: { buy_in: -1, _id: 1 } },
      ])
      .toArray();
    return rows.map((r) => ({
      memberId: r._id,
      buyIn: centsToMoney(toCents(r.buy_in)),
      sessionCount: r.sessions,
    }));
  }

  /**
   * Responsible-gaming figures of sessions started in [from, to): how many sessions and members, sessions
   * that lasted `longSessionMinutes` or more (a session still open counts up to `asOf`), member gaming days
   * whose settled net result is a loss above `largeLoss`, and the play of the `watchMemberIds` (compliance
   * passes the self-excluded members).
   */
  async responsibleGaming(args: {
    from: Date;
    to: Date;
    dayStartHour: number;
    longSessionMinutes: number;
    largeLoss: Decimal128;
    watchMemberIds: readonly string[];
    asOf: Date;
  }): Promise<ResponsibleGamingSummaryResult> {
    this.checkRange(args);
    ComplianceFeed.checkHour(args.dayStartHour);
    if (!Number.isInteger(args.longSessionMinutes) || args.longSessionMinutes < 1) {
      throw badUserInput('longSessionMinutes', 'must be a positive whole number of minutes');
    }
    const negativeLoss = Decimal128.fromString(`-${args.largeLoss.toString()}`);
    const [row] = await this.sessions.collection
      .aggregate<{
        totals: { sessions: number; members: string[] }[];
        long: { id: string; member_id: string; session_start: Date; minutes: number }[];
        losses: { _id: { member: string; day: string }; net: Decimal128 | number; sessions: number }[];
        watched: { _id: string; sessions: number; first: Date }[];
      }>([
        { $match: { session_start: { $gte: args.from, $lt: args.to } } },
        {
          $facet: {
            totals: [{ $group: { _id: null, sessions: { $sum: 1 }, members: { $addToSet: '$member_id' } } }],
            long: [
              {
                $project: {
                  _id: 0,
                  id: 1,
                  member_id: 1,
                  session_start: 1,
                  minutes: {
                    $floor: {
                      $divide: [
                        { $subtract: [{ $ifNull: ['$session_end', args.asOf] }, '$session_start'] },
                        MINUTE_MS,
                      ],
                    },
                  },
                },
              },
              { $match: { minutes: { $gte: args.longSessionMinutes } } },
              { $sort: { minutes: -1, id: 1 } },
            ],
            losses: [
              { $match: { net_result: { $ne: null } } },
              {
                $group: {
                  _id: {
                    member: '$member_id',
                    day: gamingDayExpression(
                      '$session_start',
                      args.dayStartHour,
                      this.settings.localUtcOffsetMinutes,
                    ),
                  },
                  net: { $sum: '$net_result' },
                  sessions: { $sum: 1 },
                },
              },
              { $match: { net: { $lt: negativeLoss } } },
              { $sort: { '_id.day': 1, '_id.member': 1 } },
            ],
            watched: [
              { $match: { member_id: { $in: [...args.watchMemberIds] } } },
              { $group: { _id: '$member_id', sessions: { $sum: 1 }, first: { $min: '$session_start' } } },
              { $sort: { _id: 1 } },
            ],
          },
        },
      ])
      .toArray();
    const totals = row?.totals[0];
    return {
      sessionCount: totals?.sessions ?? 0,
      memberCount: totals?.members.length ?? 0,
      longSessions: (row?.long ?? []).map((s) => ({
        sessionId: s.id,
        memberId: s.member_id,
        sessionStart: s.session_start,
        durationMinutes: s.minutes,
      })),
      largeLossDays: (row?.losses ?? []).map((l) => ({
        memberId: l._id.member,
        gamingDay: l._id.day,
        netLoss: centsToMoney(-toCents(l.net)),
        sessionCount: l.sessions,
      })),
      watchedMembers: (row?.watched ?? []).map((w) => ({
        memberId: w._id,
        sessionCount: w.sessions,
        firstSessionAt: w.first,
      })),
    };
  }
}

/** The Query resolvers of the feed (service only, see permissions.ts). */
export const complianceFeedQueries: Pick<
  QueryResolvers,
  'complianceCashCounts' | 'compliancePlayVolumes' | 'responsibleGamingSummary'
> = {
  complianceCashCounts: (_, args, ctx) =>
    new ComplianceFeed(ctx.stores.sessions, ctx.settings).cashCounts(args),
  compliancePlayVolumes: (_, args, ctx) =>
    new ComplianceFeed(ctx.stores.sessions, ctx.settings).playVolumes(args),
  responsibleGamingSummary: (_, args, ctx) =>
    new ComplianceFeed(ctx.stores.sessions, ctx.settings).responsibleGaming(args),
};
