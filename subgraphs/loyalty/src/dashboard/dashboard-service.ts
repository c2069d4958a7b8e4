import type { DashboardCache } from '@casino/cache';
import { checkDashboardRange } from '@casino/graphql';
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

/** Comp spend against theo for one tier over the range, in cents (the ratio is null without theo). */
export interface TierReinvestmentRow {
  tier: Tier;
  theoCents: number;
  compsCents: number;
  ratio: number | null;
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
  compsIssuedCents: number;
  compsRedeemedCents: number;
  compsVoidedCents: number;
  compsOutstandingCents: number;
  compsPendingApproval: number;
  compsPendingApprovalCents: number;
  compBalanceOutstandingCents: number;
  compsAccruedCents: number;
  reinvestmentByTier: TierReinvestmentRow[];
}

/**
 * Programme KPIs, every figure computed by an aggregation in MongoDB: members by tier, members registered and
 * members who visited in the range, points issued / redeemed / expired / adjusted in the range (ledger sums
 * by type, net of the reversals of redemptions and expiries), the points outstanding now (the liability) and
 * the rewards redeemed most in the range; comps issued, redeemed and voided in the range, those outstanding and
 * pending now, the comp balances held now, and by tier the comp spend (comps and charges to the balance, net of
 * their voids and refunds) against the theo that earned comps in the range (the reinvestment ratio). Every caller allowed to ask gets the same figures, so they are cached
 * per range alone.
 */
export class LoyaltyDashboardService {
  constructor(
    private readonly stores: LoyaltyStores,
    private readonly settings: LoyaltySettings,
    private readonly cache: DashboardCache,
  ) {}

  async dashboard(range: DateRange): Promise<LoyaltyDashboard> {
    checkDashboardRange(range, this.settings);
    return this.cache.figures({ dashboard: 'loyaltyDashboard', scope: {}, range }, () => this.compute(range));
  }

  private async compute(range: DateRange): Promise<LoyaltyDashboard> {
    const [facets, sums, topRewards, comps] = await Promise.all([
      this.stores.members.dashboardFigures(range),
      this.stores.ledger.dashboardSums(range),
      this.stores.redemptions.topRewards(range, this.settings.dashboardTopRewards),
      this.stores.comps.dashboardFigures(range),
    ]);
    const ledger = sums.filter((row) => row._id.balance === 'points');
    const compLedger = sums.filter((row) => row._id.balance === 'comps');
    const cents = (rows: { cents: number }[]) => rows[0]?.cents ?? 0;
    const reinvestmentByTier = TIER_ORDER.map((tier) => {
      const rows = compLedger.filter((row) => row._id.tier === tier);
      const theoCents = rows.filter((r) => r._id.type === 'earn').reduce((t, r) => t + r.theo, 0);
      // spend: debits of comps and charges, net of the voids and refunds that gave them back
      const compsCents = -rows
        .filter((r) => r._id.type === 'redeem' || r._id.type === 'reverse')
        .reduce((t, r) => t + r.sum, 0);
      return { tier, theoCents, compsCents, ratio: theoCents > 0 ? compsCents / theoCents : null };
    });
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
      compsIssuedCents: cents(comps.issued),
      compsRedeemedCents: cents(comps.redeemed),
      compsVoidedCents: cents(comps.voided),
      compsOutstandingCents: cents(comps.outstanding),
      compsPendingApproval: comps.pending[0]?.n ?? 0,
      compsPendingApprovalCents: cents(comps.pending),
      compBalanceOutstandingCents: facets.outstanding[0]?.compCents ?? 0,
      compsAccruedCents: compLedger.filter((r) => r._id.type === 'earn').reduce((t, r) => t + r.sum, 0),
      reinvestmentByTier,
    };
  }
}
