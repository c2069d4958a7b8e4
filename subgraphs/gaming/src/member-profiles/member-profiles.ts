import type { Decimal128 } from 'mongodb';
import { badUserInput } from '@casino/errors';
import { checkDateRange } from '@casino/graphql';
import type { QueryResolvers, VisitTime } from '../__generated__/resolvers-types';
export { VISIT_TIME_BUCKETS } from '../sessions/session-report-store';
import { averageCents, centsToMoney, toCents } from '@casino/mongo';
import type { SessionReportStore } from '../sessions/session-report-store';
import type { GamingSettings } from '../settings';

/** Most members one call may return: the page is one aggregation whose output must stay small. */
export const MAX_PROFILES_PER_PAGE = 1_000;
/** Most favourite games one call may ask for. */
export const MAX_TOP_GAMES = 20;
/** The most members one membersTheo call names (a host's portfolio is at most LOYALTY_HOST_PORTFOLIO_LIMIT) */
export const MAX_THEO_MEMBERS = 5_000;

/** One member's theo over a window, as membersTheo answers loyalty. */
export interface MemberTheoResult {
  memberId: string;
  theo: Decimal128;
  sessions: number;
  lastSessionEnd: Date | null;
}

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

/**
 * Members' play profiles for marketing's analytics: one page of the members with sessions started in the
 * window, by member id. Everything is computed by ONE aggregation: sessions are grouped per member and gaming
 * day (a visit), then per member, the page is cut, and a `$facet` ranks each member's games (theo, then
 * sessions, then code) and visit times (sessions, then name). Only the page's figures leave MongoDB.
 */
export class MemberPlayProfiles {
  constructor(
    private readonly reports: SessionReportStore,
    private readonly settings: GamingSettings,
  ) {}

  /**
   * Theo of each named member's completed sessions that ended in the window, with their count and the latest
   * end; a member without any answers zero (loyalty's host portfolios). BAD_USER_INPUT for too many members
   * or a bad window.
   */
  async theoOf(memberIds: readonly string[], window: { from: Date; to: Date }): Promise<MemberTheoResult[]> {
    checkDateRange(
      window,
      this.settings.maxDashboardRangeDays,
      { from: 'window.from', to: 'window.to', name: 'window' },
      this.settings.timeZone,
    );
    if (memberIds.length > MAX_THEO_MEMBERS) {
      throw badUserInput('memberIds', `must name at most ${MAX_THEO_MEMBERS} members`);
    }
    const rows = new Map((await this.reports.theoByMember(memberIds, window)).map((r) => [r._id, r]));
    return [...new Set(memberIds)].map((memberId) => {
      const row = rows.get(memberId);
      return {
        memberId,
        theo: centsToMoney(row ? toCents(row.theo) : 0n),
        sessions: row?.sessions ?? 0,
        lastSessionEnd: row?.last ?? null,
      };
    });
  }

  async page(args: MemberPlayProfileArgs): Promise<MemberPlayProfilePageResult> {
    const { window, first, after, longSessionMinutes, topGames } = args;
    checkDateRange(
      window,
      this.settings.maxDashboardRangeDays,
      { from: 'window.from', to: 'window.to', name: 'window' },
      this.settings.timeZone,
    );
    if (!Number.isInteger(first) || first < 1 || first > MAX_PROFILES_PER_PAGE) {
      throw badUserInput('first', `must be an integer between 1 and ${MAX_PROFILES_PER_PAGE}`);
    }
    if (!Number.isInteger(longSessionMinutes) || longSessionMinutes < 1) {
      throw badUserInput('longSessionMinutes', 'must be a positive whole number of minutes');
    }
    if (!Number.isInteger(topGames) || topGames < 0 || topGames > MAX_TOP_GAMES) {
      throw badUserInput('topGames', `must be an integer between 0 and ${MAX_TOP_GAMES}`);
    }
    const facets = await this.reports.memberProfileFacets(
      { window, after: after ?? null, first, longSessionMinutes },
      {
        dayStartHour: this.settings.gamingDayStartHour,
        timeZone: this.settings.timeZone,
      },
    );

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
export const memberProfileQueries: Pick<QueryResolvers, 'memberPlayProfiles' | 'membersTheo'> = {
  membersTheo: (_, { memberIds, window }, ctx) => ctx.services.memberProfiles.theoOf(memberIds, window),
  memberPlayProfiles: (_, args, ctx) =>
    ctx.services.memberProfiles.page({
      window: args.window,
      first: args.first,
      after: args.after ?? null,
      longSessionMinutes: args.longSessionMinutes,
      topGames: args.topGames,
    }),
};
