import type { Decimal128 } from 'mongodb';
import type { DashboardCache } from '@casino/cache';
import { checkDashboardRange } from '@casino/graphql';
import { centsToMoney, toCents } from '@casino/mongo';
import type { PerformanceGroup, SessionReportStore } from '../sessions/session-report-store';
import type { GamingSessionStore } from '../sessions/session-store';
import type { GamingSettings } from '../settings';

export interface DateRange {
  from: Date;
  to: Date;
}

export interface Performance {
  sessionCount: number;
  completedSessionCount: number;
  totalBuyIn: Decimal128;
  totalCashOut: Decimal128;
  houseNetWin: Decimal128;
  theo: Decimal128;
  /** Actual (house net win) over theo; null when theo is zero */
  actualToTheo: number | null;
}

export interface GamingDashboardResult {
  from: Date;
  to: Date;
  totals: Performance;
  byGameType: { gameTypeCode: string; performance: Performance }[];
  byDay: { day: string; performance: Performance }[];
  openSessions: number;
  topPlayers: PlayerTheoResult[];
}

export interface PlayerTheoResult {
  memberId: string;
  theo: Decimal128;
  sessionCount: number;
}

function performance(group: PerformanceGroup | undefined): Performance {
  const houseNet = toCents(group?.completed_buy_in) - toCents(group?.completed_cash_out);
  const theo = toCents(group?.theo);
  return {
    sessionCount: group?.sessions ?? 0,
    completedSessionCount: group?.completed ?? 0,
    totalBuyIn: centsToMoney(toCents(group?.buy_in)),
    totalCashOut: centsToMoney(toCents(group?.cash_out)),
    houseNetWin: centsToMoney(houseNet),
    theo: centsToMoney(theo),
    actualToTheo: theo === 0n ? null : Math.round((Number(houseNet) / Number(theo)) * 10_000) / 10_000,
  };
}

/**
 * The floor's performance over a range, computed by MongoDB in one `$facet` aggregation. Every caller allowed
 * to ask gets the same figures, so they are cached per range alone.
 */
export class GamingDashboardService {
  constructor(
    private readonly sessions: GamingSessionStore,
    private readonly reports: SessionReportStore,
    private readonly settings: GamingSettings,
    private readonly cache: DashboardCache,
  ) {}

  async dashboard(range: DateRange): Promise<GamingDashboardResult> {
    checkDashboardRange(range, this.settings);
    return this.cache.figures({ dashboard: 'gamingDashboard', scope: {}, range }, () => this.compute(range));
  }

  private async compute(range: DateRange): Promise<GamingDashboardResult> {
    const [facets, openSessions] = await Promise.all([
      this.reports.dashboardFacets(
        range,
        {
          dayStartHour: this.settings.gamingDayStartHour,
          timeZone: this.settings.timeZone,
        },
        this.settings.dashboardTopPlayers,
      ),
      this.sessions.countActive(),
    ]);
    const result = facets ?? { totals: [], byGameType: [], byDay: [], topPlayers: [] };
    return {
      from: range.from,
      to: range.to,
      totals: performance(result.totals[0]),
      byGameType: result.byGameType.map((g) => ({ gameTypeCode: g._id, performance: performance(g) })),
      byDay: result.byDay.map((g) => ({ day: g._id, performance: performance(g) })),
      openSessions,
      topPlayers: result.topPlayers.map((p) => ({
        memberId: p._id,
        theo: centsToMoney(toCents(p.theo)),
        sessionCount: p.sessions,
      })),
    };
  }
}
