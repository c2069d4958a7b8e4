import type { DashboardCache } from '@casino/cache';
import { checkDateRange } from '@casino/graphql';
import type { LoyaltyStores } from '../stores';
import type { LedgerEntryType } from '../points/ledger-store';
import type { Tier } from '../members/member-store';
import { TIER_ORDER } from '../settings';
import type { LoyaltySettings } from '../settings';

export interface DateRange {
  from: Date;
  to: Date;
}

export interface TopRewardRow {
  rewardId: string;
  redemptions: number;
  pointsSpent: number;
}

export interface LoyaltyDashboard {
  from: Date;
  to: Date;
  membersByTier: { tier: Tier; count: number }[];
  newMembers: number;
  activeMembers: number;
  pointsIssued: number;
  pointsRedeemed: number;
  pointsExpired: number;
  pointsAdjusted: number;
  outstandingPoints: number;
  topRewards: TopRewardRow[];
}

/**
 * Programme KPIs, every figure computed by an aggregation in MongoDB: members by tier, members registered and
 * members who visited in the range, points issued / redeemed / expired / adjusted in the range (ledger sums
 * by type, net of the reversals of redemptions and expiries), the points outstanding now (the liability) and
 * the rewards redeemed most in the range. Every caller allowed to ask gets the same figures, so they are cached
 * per range alone.
 */
export class LoyaltyDashboardService {
  constructor(
    private readonly stores: LoyaltyStores,
    private readonly settings: LoyaltySettings,
    private readonly cache: DashboardCache,
  ) {}

  checkRange(range: DateRange): void {
    checkDateRange(range, this.settings.maxDashboardRangeDays);
  }

  async dashboard(range: DateRange): Promise<LoyaltyDashboard> {
    this.checkRange(range);
    return this.cache.figures({ dashboard: 'loyaltyDashboard', scope: {}, range }, () => this.compute(range));
  }

  private async compute(range: DateRange): Promise<LoyaltyDashboard> {
    const [facets, ledger, topRewards] = await Promise.all([
      this.stores.members.dashboardFigures(range),
      this.stores.ledger.pointsByTypeAndSource(range),
      this.stores.redemptions.topRewards(range, this.settings.dashboardTopRewards),
    ]);
    const sum = (type: LedgerEntryType, source?: string) =>
      ledger
        .filter((row) => row._id.type === type && (source === undefined || row._id.source === source))
        .reduce((total, row) => total + row.sum, 0);
    const byTier = new Map(facets.byTier.map((row) => [row._id, row.n]));
    return {
      from: range.from,
      to: range.to,
      membersByTier: TIER_ORDER.map((tier) => ({ tier, count: byTier.get(tier) ?? 0 })),
      newMembers: facets.newMembers[0]?.n ?? 0,
      activeMembers: facets.activeMembers[0]?.n ?? 0,
      pointsIssued: sum('earn'),
      pointsRedeemed: -sum('redeem') - sum('reverse', 'redemption'),
      pointsExpired: -sum('expire') - sum('reverse', 'points_expiry'),
      pointsAdjusted: sum('adjust'),
      outstandingPoints: facets.outstanding[0]?.points ?? 0,
      topRewards: topRewards.map((row) => ({
        rewardId: row._id,
        redemptions: row.n,
        pointsSpent: row.points,
      })),
    };
  }
}
