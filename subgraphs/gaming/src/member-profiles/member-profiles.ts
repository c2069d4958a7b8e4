import type { Decimal128 } from 'mongodb';
import { badUserInput } from '@casino/errors';
import type { QueryResolvers, VisitTime } from '../__generated__/resolvers-types';
import { gamingDayExpression } from '../gaming-day';
import { averageCents, centsToMoney, toCents } from '../money';
import type { GamingSessionStore } from '../sessions/session-store';
import type { GamingSettings } from '../settings';

/** Most members one call may return: the page is one aggregation whose output must stay small. */
export const MAX_PROFILES_PER_PAGE = 1_000;
/** Most favourite games one call may ask for. */
export const MAX_TOP_GAMES = 20;

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

/** A member's play over a window, shaped like the GraphQL MemberPlayProfile type. */
export interface MemberPlayProfileResult {
  memberId: string;
  sessions: number;
  visits: number;
  lastActivity: Date;
  avgSessionMinutes: number | null;
  totalBuyIn: Decimal128;
  avgBuyInPerVisit: Decimal128;
  netResult: Decimal128;
  totalTheo: Decimal128;
  favoriteGames: string[];
  preferredVisitTimes: VisitTime[];
  settledSessions: number;
  losingSessions: number;
  totalLosses: Decimal128;
  lossChasingDays: number;
  longSessions: number;
  longestSessionMinutes: number | null;
}

export interface MemberPlayProfilePageResult {
  profiles: MemberPlayProfileResult[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface MemberPlayProfileArgs {
  window: { from: Date; to: Date };
  first: number;
  after?: string | null;
  longSessionMinutes: number;
  topGames: number;
}

type Amount = Decimal128 | number | null;

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

interface ProfileFacets {
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
 * Members' play profiles for marketing's analytics: one page of the members with sessions started in the
 * window, by member id. Everything is computed by ONE aggregation: sessions are grouped per member and gaming
 * day (a visit), then per member, the page is cut, and a `$facet` ranks each member's games (theo, then
 * sessions, then code) and visit times (sessions, then name). Only the page's figures leave MongoDB.
 */
export class MemberPlayProfiles {
  constructor(
    private readonly sessions: GamingSessionStore,
    private readonly settings: GamingSettings,
  ) {}

  async page(args: MemberPlayProfileArgs): Promise<MemberPlayProfilePageResult> {
    const { window, first, after, longSessionMinutes, topGames } = args;
    const span = window.to.getTime() - window.from.getTime();
    if (span <= 0) throw badUserInput('window.to', 'must be after window.from');
    if (span > this.settings.dashboardMaxRangeDays * 86_400_000) {
      throw badUserInput(
        'window.to',
        `the window must not exceed ${this.settings.dashboardMaxRangeDays} days`,
      );
    }
    if (!Number.isInteger(first) || first < 1 || first > MAX_PROFILES_PER_PAGE) {
      throw badUserInput('first', `must be an integer between 1 and ${MAX_PROFILES_PER_PAGE}`);
    }
    if (!Number.isInteger(longSessionMinutes) || longSessionMinutes < 1) {
      throw badUserInput('longSessionMinutes', 'must be a positive whole number of minutes');
    }
    if (!Number.isInteger(topGames) || topGames < 0 || topGames > MAX_TOP_GAMES) {
      throw badUserInput('topGames', `must be an integer between 0 and ${MAX_TOP_GAMES}`);
    }
    const offsetMs = this.settings.localUtcOffsetMinutes * 60_000;
    const match: Record<string, unknown> = { session_start: { $gte: window.from, $lt: window.to } };
    if (after) match.member_id = { $gt: after };
    const lost = { $and: [isSet('$net_result'), { $lt: ['$net_result', 0] }] };

    const [facets] = await this.sessions.collection
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
            day: gamingDayExpression(
              '$session_start',
              this.settings.gamingDayStartHour,
              this.settings.localUtcOffsetMinutes,
            ),
            hour: { $hour: { $add: ['$session_start', offsetMs] } },
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

    const members = [...(facets?.members ?? [])].sort((a, b) => (a._id < b._id ? -1 : 1));
    const hasNextPage = members.length > first;
    const page = members.slice(0, first);
    const games = new Map<string, string[]>();
    for (const row of facets?.games ?? []) {
      const list = games.get(row._id.m) ?? [];
      if (list.length < topGames) list.push(row._id.g);
      games.set(row._id.m, list);
    }
    const times = new Map<string, VisitTime[]>();
    for (const row of facets?.times ?? []) {
      times.set(row._id.m, [...(times.get(row._id.m) ?? []), row._id.b]);
    }
    return {
      profiles: page.map((m) => {
        const buyIn = toCents(m.buy_in);
        return {
          memberId: m._id,
          sessions: m.sessions,
          visits: m.visits,
          lastActivity: m.last,
          avgSessionMinutes: m.settled > 0 ? Math.round((m.duration / m.settled) * 100) / 100 : null,
          totalBuyIn: centsToMoney(buyIn),
          avgBuyInPerVisit: centsToMoney(averageCents(buyIn, m.visits) ?? 0n),
          netResult: centsToMoney(toCents(m.net)),
          totalTheo: centsToMoney(toCents(m.theo)),
          favoriteGames: games.get(m._id) ?? [],
          preferredVisitTimes: times.get(m._id) ?? [],
          settledSessions: m.settled,
          losingSessions: m.lost,
          totalLosses: centsToMoney(-toCents(m.losses)),
          lossChasingDays: m.chase_days,
          longSessions: m.long,
          longestSessionMinutes: m.longest ?? null,
        };
      }),
      endCursor: page.length > 0 ? page[page.length - 1]!._id : null,
      hasNextPage,
    };
  }
}

/** The service-only query marketing's analytics job walks (see schema.graphql). */
export const memberProfileQueries: Pick<QueryResolvers, 'memberPlayProfiles'> = {
  memberPlayProfiles: (_, args, ctx) =>
    new MemberPlayProfiles(ctx.stores.sessions, ctx.settings).page({
      window: args.window,
      first: args.first,
      after: args.after ?? null,
      longSessionMinutes: args.longSessionMinutes,
      topGames: args.topGames,
    }),
};
