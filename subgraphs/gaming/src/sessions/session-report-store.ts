import { Decimal128 } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import type { VisitTime } from '../__generated__/resolvers-types';
import { gamingDayExpression, localWallClockExpression } from '../gaming-day';
import type { GamingDay } from '../gaming-day';
import { GAMING_SESSIONS } from './session-store';
import type { GamingSessionDocument } from './session-store';

export type { GamingDay } from '../gaming-day';

export type CashTransactionKind = 'cash_in' | 'cash_out';

export interface CashDayGroup {
  _id: { member: string; day: string };
  cash_in: Decimal128 | number;
  cash_out: Decimal128 | number;
  transactions: { sessionId: string; kind: CashTransactionKind; amount: Decimal128; at: Date }[];
}

export interface PlayVolumeRow {
  _id: string;
  buy_in: Decimal128 | number;
  sessions: number;
}

/** What compliance asks the responsible-gaming figures for. */
export interface ResponsibleGamingArgs {
  from: Date;
  to: Date;
  dayStartHour: number;
  longSessionMinutes: number;
  largeLoss: Decimal128;
  watchMemberIds: readonly string[];
  asOf: Date;
}

export interface ResponsibleGamingFacets {
  totals: { sessions: number; members: string[] }[];
  long: { id: string; member_id: string; session_start: Date; minutes: number }[];
  losses: { _id: { member: string; day: string }; net: Decimal128 | number; sessions: number }[];
  /** `ids`: the earliest WATCHED_SESSION_IDS_LIMIT sessions of the member, earliest first */
  watched: { _id: string; sessions: number; first: Date; ids: string[] }[];
}

/** How many session ids a watched member's play lists (the count covers them all). */
export const WATCHED_SESSION_IDS_LIMIT = 50;

type Amount = Decimal128 | number | null;

/** Sums of one group of sessions, straight from `$group`. */
export interface PerformanceGroup {
  _id: unknown;
  sessions: number;
  completed: number;
  buy_in: Amount;
  cash_out: Amount;
  completed_buy_in: Amount;
  completed_cash_out: Amount;
  theo: Amount;
}

export interface DashboardFacets {
  totals: PerformanceGroup[];
  byGameType: (PerformanceGroup & { _id: string })[];
  byDay: (PerformanceGroup & { _id: string })[];
  topPlayers: { _id: string; theo: Amount; sessions: number }[];
}

const isCompleted = { $eq: ['$status', 'completed'] };

/** The sums every breakdown needs; house net win is buy-in minus cash-out of completed sessions. */
const PERFORMANCE_SUMS = {
  sessions: { $sum: 1 },
  completed: { $sum: { $cond: [isCompleted, 1, 0] } },
  buy_in: { $sum: '$buy_in_amount' },
  cash_out: { $sum: '$cash_out_amount' },
  completed_buy_in: { $sum: { $cond: [isCompleted, '$buy_in_amount', 0] } },
  completed_cash_out: { $sum: { $cond: [isCompleted, '$cash_out_amount', 0] } },
  theo: { $sum: '$theo' },
};

interface MemberGroup {
  _id: string;
  visits: number;
  sessions: number;
  settled: number;
  duration: number;
  buy_in: Amount;
  net: Amount;
  theo: Amount;
  lost: number;
  losses: Amount;
  chase_days: number;
  long: number;
  longest: number | null;
  last: Date;
}

export interface ProfileFacets {
  members: MemberGroup[];
  games: { _id: { m: string; g: string } }[];
  times: { _id: { m: string; b: VisitTime } }[];
}

/** The visit-time bucket of a local hour, as a MongoDB expression (nested conditions, first match wins). */
function visitTimeExpression(hour: string): unknown {
  return [...VISIT_TIME_BUCKETS]
    .reverse()
    .reduce<unknown>(
      (otherwise, { bucket, toHour }) => ({ $cond: [{ $lt: [hour, toHour] }, bucket, otherwise] }),
      VISIT_TIME_BUCKETS[VISIT_TIME_BUCKETS.length - 1]!.bucket,
    );
}

/** A settled session is one with a recorded value (null and missing both compare below any number). */
const isSet = (field: string) => ({ $gt: [field, null] });

/**
 * Parts of the (local) day a session can start in: [fromHour, toHour). Night is 00-06, morning 06-12,
 * afternoon 12-18, evening 18-24.
 */
export const VISIT_TIME_BUCKETS: readonly { bucket: VisitTime; fromHour: number; toHour: number }[] = [
  { bucket: 'night', fromHour: 0, toHour: 6 },
  { bucket: 'morning', fromHour: 6, toHour: 12 },
  { bucket: 'afternoon', fromHour: 12, toHour: 18 },
  { bucket: 'evening', fromHour: 18, toHour: 24 },
];

const MINUTE_MS = 60_000;

/**
 * The aggregations over gaming sessions that dashboards and the other subgraphs' feeds read: each one runs
 * in MongoDB, and only the figures (or the few rows a finding needs) leave the database.
 */
export class SessionReportStore {
  private readonly collection: Collection<GamingSessionDocument>;

  constructor(db: Db) {
    this.collection = db.collection<GamingSessionDocument>(GAMING_SESSIONS);
  }

  /**
   * Each member's completed sessions that ended in the window: their theo summed (as stored, Decimal128) and
   * counted, and the latest end. Members without such sessions are absent.
   */
  theoByMember(
    memberIds: readonly string[],
    window: { from: Date; to: Date },
  ): Promise<{ _id: string; theo: Decimal128 | number; sessions: number; last: Date }[]> {
    return this.collection
      .aggregate<{ _id: string; theo: Decimal128 | number; sessions: number; last: Date }>([
        {
          $match: {
            member_id: { $in: [...memberIds] },
            status: 'completed',
            session_end: { $gte: window.from, $lt: window.to },
          },
        },
        {
          $group: {
            _id: '$member_id',
            theo: { $sum: '$theo' },
            sessions: { $sum: 1 },
            last: { $max: '$session_end' },
          },
        },
      ])
      .toArray();
  }

  /** The floor's sums over sessions started in a range: in total, per game type, per gaming day, top players. */
  async dashboardFacets(
    range: { from: Date; to: Date },
    gamingDay: GamingDay,
    topPlayers: number,
  ): Promise<DashboardFacets | undefined> {
    const day = gamingDayExpression('$session_start', gamingDay, range);
    const facets = await this.collection
      .aggregate<DashboardFacets>([
        { $match: { session_start: { $gte: range.from, $lt: range.to } } },
        {
          $facet: {
            totals: [{ $group: { _id: null, ...PERFORMANCE_SUMS } }],
            byGameType: [{ $group: { _id: '$game_type', ...PERFORMANCE_SUMS } }, { $sort: { _id: 1 } }],
            byDay: [{ $group: { _id: day, ...PERFORMANCE_SUMS } }, { $sort: { _id: 1 } }],
            topPlayers: [
              { $match: { theo: { $ne: null } } },
              { $group: { _id: '$member_id', theo: { $sum: '$theo' }, sessions: { $sum: 1 } } },
              { $sort: { theo: -1, _id: 1 } },
              { $limit: topPlayers },
            ],
          },
        },
      ])
      .toArray();
    return facets[0];
  }

  /**
   * Cash in (a buy-in at the session start) and out (the cash-out at its end) per member and gaming day, each
   * counted when its own time lies in [from, to), with the transactions in time order.
   */
  cashDays(args: { from: Date; to: Date; dayStartHour: number }, timeZone: string): Promise<CashDayGroup[]> {
    const inRange = { $gte: args.from, $lt: args.to };
    return this.collection
      .aggregate<CashDayGroup>([
        { $match: { $or: [{ session_start: inRange }, { session_end: inRange }] } },
        {
          $project: {
            _id: 0,
            id: 1,
            member_id: 1,
            tx: [
              { kind: 'cash_in', amount: '$buy_in_amount', at: '$session_start' },
              { kind: 'cash_out', amount: '$cash_out_amount', at: '$session_end' },
            ],
          },
        },
        { $unwind: '$tx' },
        { $match: { 'tx.at': inRange, 'tx.amount': { $ne: null } } },
        { $sort: { 'tx.at': 1, id: 1 } },
        {
          $group: {
            _id: {
              member: '$member_id',
              day: gamingDayExpression('$tx.at', { dayStartHour: args.dayStartHour, timeZone }, args),
            },
            cash_in: { $sum: { $cond: [{ $eq: ['$tx.kind', 'cash_in'] }, '$tx.amount', 0] } },
            cash_out: { $sum: { $cond: [{ $eq: ['$tx.kind', 'cash_out'] }, '$tx.amount', 0] } },
            transactions: {
              $push: { sessionId: '$id', kind: '$tx.kind', amount: '$tx.amount', at: '$tx.at' },
            },
          },
        },
        { $sort: { '_id.day': 1, '_id.member': 1 } },
      ])
      .toArray();
  }

  /**
   * CTR entries (per member, gaming day and direction, one when that day's sum is above `ctrThreshold`) and
   * MTL entries (each buy-in or cash-out at or above `mtlThreshold`) in [from, to).
   */
  async cashEntryCounts(
    args: { from: Date; to: Date; dayStartHour: number; ctrThreshold: Decimal128; mtlThreshold: Decimal128 },
    timeZone: string,
  ): Promise<{ ctr: number; mtl: number }> {
    const inRange = { $gte: args.from, $lt: args.to };
    const sessions = this.collection;
    const gamingDay = { dayStartHour: args.dayStartHour, timeZone };
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
                $concat: ['$member_id', '|', gamingDayExpression(d.at, gamingDay, args)],
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
    return { ctr: ctrIn! + ctrOut!, mtl: mtlIn! + mtlOut! };
  }

  /** Per member, the buy-ins of sessions started in [from, to) when they add up to more than `minBuyIn`. */
  playVolumes(args: { from: Date; to: Date; minBuyIn: Decimal128 }): Promise<PlayVolumeRow[]> {
    return this.collection
      .aggregate<PlayVolumeRow>([
        { $match: { session_start: { $gte: args.from, $lt: args.to } } },
        { $group: { _id: '$member_id', buy_in: { $sum: '$buy_in_amount' }, sessions: { $sum: 1 } } },
        { $match: { buy_in: { $gt: args.minBuyIn } } },
        { $sort: { buy_in: -1, _id: 1 } },
      ])
      .toArray();
  }

  /**
   * Responsible-gaming facets of sessions started in [from, to): totals, long sessions (an open one counts
   * up to `asOf`), member gaming days with a net loss above `largeLoss`, and the watched members' play.
   */
  async responsibleGamingFacets(
    args: ResponsibleGamingArgs,
    timeZone: string,
  ): Promise<ResponsibleGamingFacets | undefined> {
    const negativeLoss = Decimal128.fromString(`-${args.largeLoss.toString()}`);
    const [row] = await this.collection
      .aggregate<ResponsibleGamingFacets>([
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
                      { dayStartHour: args.dayStartHour, timeZone },
                      args,
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
              { $sort: { session_start: 1, id: 1 } },
              {
                $group: {
                  _id: '$member_id',
                  sessions: { $sum: 1 },
                  first: { $min: '$session_start' },
                  ids: { $push: '$id' },
                },
              },
              { $project: { sessions: 1, first: 1, ids: { $slice: ['$ids', WATCHED_SESSION_IDS_LIMIT] } } },
              { $sort: { _id: 1 } },
            ],
          },
        },
      ])
      .toArray();
    return row;
  }

  /**
   * Members' play in a window, by member id after `after`, `first + 1` of them: per member and gaming day
   * (a visit), then per member, with each member's games and visit times ranked.
   */
  async memberProfileFacets(
    args: {
      window: { from: Date; to: Date };
      after: string | null;
      first: number;
      longSessionMinutes: number;
    },
    gamingDay: GamingDay,
  ): Promise<ProfileFacets | undefined> {
    const { window, after, first, longSessionMinutes } = args;
    const match: Record<string, unknown> = { session_start: { $gte: window.from, $lt: window.to } };
    if (after) match.member_id = { $gt: after };
    const lost = { $and: [isSet('$net_result'), { $lt: ['$net_result', 0] }] };

    const [facets] = await this.collection
      .aggregate<ProfileFacets>([
        { $match: match },
        {
          $project: {
            _id: 0,
            member_id: 1,
            game_type: 1,
            theo: 1,
            buy_in_amount: 1,
            net_result: 1,
            duration_minutes: 1,
            session_start: 1,
            day: gamingDayExpression('$session_start', gamingDay, window),
            hour: { $hour: localWallClockExpression('$session_start', gamingDay.timeZone, window) },
            lost: { $cond: [lost, 1, 0] },
          },
        },
        {
          $group: {
            _id: { m: '$member_id', day: '$day' },
            sessions: { $sum: 1 },
            settled: { $sum: { $cond: [isSet('$duration_minutes'), 1, 0] } },
            duration: { $sum: { $ifNull: ['$duration_minutes', 0] } },
            buy_in: { $sum: '$buy_in_amount' },
            net: { $sum: '$net_result' },
            theo: { $sum: '$theo' },
            lost: { $sum: '$lost' },
            losses: { $sum: { $cond: [{ $eq: ['$lost', 1] }, '$net_result', 0] } },
            long: { $sum: { $cond: [{ $gte: ['$duration_minutes', longSessionMinutes] }, 1, 0] } },
            longest: { $max: '$duration_minutes' },
            last: { $max: '$session_start' },
            plays: { $push: { g: '$game_type', t: '$theo', b: visitTimeExpression('$hour') } },
          },
        },
        {
          $group: {
            _id: '$_id.m',
            visits: { $sum: 1 },
            sessions: { $sum: '$sessions' },
            settled: { $sum: '$settled' },
            duration: { $sum: '$duration' },
            buy_in: { $sum: '$buy_in' },
            net: { $sum: '$net' },
            theo: { $sum: '$theo' },
            lost: { $sum: '$lost' },
            losses: { $sum: '$losses' },
            // a gaming day with two or more losing sessions: the member came back after a loss and lost again
            chase_days: { $sum: { $cond: [{ $gte: ['$lost', 2] }, 1, 0] } },
            long: { $sum: '$long' },
            longest: { $max: '$longest' },
            last: { $max: '$last' },
            plays: { $push: '$plays' },
          },
        },
        { $sort: { _id: 1 } },
        { $limit: first + 1 },
        {
          $facet: {
            members: [{ $project: { plays: 0 } }],
            games: [
              { $unwind: '$plays' },
              { $unwind: '$plays' },
              {
                $group: {
                  _id: { m: '$_id', g: '$plays.g' },
                  theo: { $sum: '$plays.t' },
                  n: { $sum: 1 },
                },
              },
              { $sort: { '_id.m': 1, theo: -1, n: -1, '_id.g': 1 } },
              { $project: { theo: 0, n: 0 } },
            ],
            times: [
              { $unwind: '$plays' },
              { $unwind: '$plays' },
              { $group: { _id: { m: '$_id', b: '$plays.b' }, n: { $sum: 1 } } },
              { $sort: { '_id.m': 1, n: -1, '_id.b': 1 } },
              { $project: { n: 0 } },
            ],
          },
        },
      ])
      .toArray();
    return facets;
  }
}
