import type { QueryResolvers } from '../__generated__/resolvers-types';
import type { Decimal128 } from 'mongodb';
import { badUserInput } from '@casino/errors';
import { checkDateRange } from '@casino/graphql';
import { centsToMoney, toCents } from '@casino/mongo';
import type { ResponsibleGamingArgs, SessionReportStore } from '../sessions/session-report-store';
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
  watchedMembers: { memberId: string; sessionCount: number; firstSessionAt: Date; sessionIds: string[] }[];
}

/**
 * Service-only aggregates compliance reads for its reports and dashboard. Each is one aggregation in MongoDB;
 * only the figures (or the few rows a finding needs) leave the database.
 */
export class ComplianceFeed {
  constructor(
    private readonly reports: SessionReportStore,
    private readonly settings: GamingSettings,
  ) {}

  private checkRange(range: FeedRange): void {
    checkDateRange(
      range,
      this.settings.maxDashboardRangeDays,
      { from: 'from', to: 'to' },
      this.settings.timeZone,
    );
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
    const counts = this.reports.cashEntryCounts(args, this.settings.timeZone);
    const { ctr, mtl } = await counts;
    return { ctrCount: ctr, mtlCount: mtl };
  }

  /** Members whose buy-ins of sessions started in [from, to) add up to more than `minBuyIn`, biggest first. */
  async playVolumes(args: { from: Date; to: Date; minBuyIn: Decimal128 }): Promise<MemberPlayVolumeResult[]> {
    this.checkRange(args);
    const rows = await this.reports.playVolumes(args);
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
  async responsibleGaming(args: ResponsibleGamingArgs): Promise<ResponsibleGamingSummaryResult> {
    this.checkRange(args);
    ComplianceFeed.checkHour(args.dayStartHour);
    if (!Number.isInteger(args.longSessionMinutes) || args.longSessionMinutes < 1) {
      throw badUserInput('longSessionMinutes', 'must be a positive whole number of minutes');
    }
    const row = await this.reports.responsibleGamingFacets(args, this.settings.timeZone);
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
        sessionIds: w.ids,
      })),
    };
  }
}

/** The Query resolvers of the feed (service only, see permissions.ts). */
export const complianceFeedQueries: Pick<
  QueryResolvers,
  'complianceCashCounts' | 'compliancePlayVolumes' | 'responsibleGamingSummary'
> = {
  complianceCashCounts: (_, args, ctx) => ctx.services.complianceFeed.cashCounts(args),
  compliancePlayVolumes: (_, args, ctx) => ctx.services.complianceFeed.playVolumes(args),
  responsibleGamingSummary: (_, args, ctx) => ctx.services.complianceFeed.responsibleGaming(args),
};
