import type { Decimal128 } from 'mongodb';
import type { DashboardCache } from '@casino/cache';
import { badUserInput } from '@casino/errors';
import { gamingDayExpression } from '../gaming-day';
import { centsToMoney, toCents } from '../money';
import type { GamingSessionStore } from '../sessions/session-store';
import type { GamingSettings } from '../settings';

export interface DateRange {
  from: Date;
  to: Date;
}

type Amount = Decimal128 | number | null;

/** Sums of one group of sessions, straight from `$group`. */
interface PerformanceGroup {
  _id: unknown;
  sessions: number;
  completed: number;
  buy_in: Amount;
  cash_out: Amount;
  completed_buy_in: Amount;
  completed_cash_out: Amount;
  theo: Amount;
}

interface DashboardFacets {
  totals: PerformanceGroup[];
  byGameType: (PerformanceGroup & { _id: string })[];
  byDay: (PerformanceGroup & { _id: string })[];
  topPlayers: { _id: string; theo: Amount; sessions: number }[];
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
    private readonly settings: GamingSettings,
    private readonly cache: DashboardCache,
  ) {}

  checkRange(range: DateRange): void {
    const span = range.to.getTime() - range.from.getTime();
    if (span <= 0) throw badUserInput('range.to', 'must be after range.from');
    if (span > this.settings.dashboardMaxRangeDays * 86_400_000) {
      throw badUserInput('range.to', `the range must not exceed ${this.settings.dashboardMaxRangeDays} days`);
    }
  }

  async dashboard(range: DateRange): Promise<GamingDashboardResult> {
    this.checkRange(range);
    return this.cache.figures({ dashboard: 'gamingDashboard', scope: {}, range }, () => this.compute(range));
  }

  private async compute(range: DateRange): Promise<GamingDashboardResult> {
    const day = gamingDayExpression(
      '$session_start',
      this.settings.gamingDayStartHour,
      this.settings.localUtcOffsetMinutes,
    );
    const [facets, openSessions] = await Promise.all([
      this.sessions.collection
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
                { $limit: this.settings.dashboardTopPlayers },
              ],
            },
          },
        ])
        .toArray(),
      this.sessions.collection.countDocuments({ status: 'active' }),
    ]);
    const result = facets[0] ?? { totals: [], byGameType: [], byDay: [], topPlayers: [] };
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
