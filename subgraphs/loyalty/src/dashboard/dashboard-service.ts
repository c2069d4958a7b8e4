import type { DashboardCache } from '@casino/cache';
import { badUserInput } from '@casino/errors';
import type { LoyaltyStores } from '../context';
import type { LedgerEntryType } from '../ledger/ledger-store';
import type { Tier } from '../members/member-store';
import { TIER_ORDER } from '../settings';
import type { LoyaltySettings } from '../settings';

const DAY_MS = 86_400_000;

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

interface MemberFacets {
  byTier: { _id: Tier; n: number }[];
  newMembers: { n: number }[];
  activeMembers: { n: number }[];
  outstanding: { points: number }[];
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
    const span = range.to.getTime() - range.from.getTime();
    if (span <= 0) throw badUserInput('range.to', 'must be after range.from');
    if (span > this.settings.maxDashboardRangeDays * DAY_MS) {
      throw badUserInput('range.to', `the range must not exceed ${this.settings.maxDashboardRangeDays} days`);
    }
  }

  async dashboard(range: DateRange): Promise<LoyaltyDashboard> {
    this.checkRange(range);
    return this.cache.figures({ dashboard: 'loyaltyDashboard', scope: {}, range }, () => this.compute(range));
  }

  private async compute(range: DateRange): Promise<LoyaltyDashboard> {
    const inRange = { $gte: range.from, $lt: range.to };
    const [members, ledger, topRewards] = await Promise.all([
      this.stores.members.collection
        .aggregate<MemberFacets>([
          {
            $facet: {
              byTier: [{ $group: { _id: '$tier', n: { $sum: 1 } } }],
              newMembers: [{ $match: { registration_date: inRange } }, { $count: 'n' }],
              activeMembers: [{ $match: { last_visit: inRange } }, { $count: 'n' }],
              outstanding: [{ $group: { _id: null, points: { $sum: '$points_balance' } } }],
            },
          },
        ])
        .toArray(),
      this.stores.ledger.collection
        .aggregate<{ _id: { type: LedgerEntryType; source: string }; sum: number }>([
          // an entry not yet marked applied (a posting in flight, or one a crash left for the rerun or the
          // sweep to finish or undo) is not part of any figure until it is
          { $match: { balance: 'points', created_at: inRange, applied: { $ne: false } } },
          { $group: { _id: { type: '$type', source: '$source' }, sum: { $sum: '$amount' } } },
        ])
        .toArray(),
      this.stores.redemptions.collection
        .aggregate<{ _id: string; n: number; points: number }>([
          { $match: { redeemed_at: inRange, status: 'completed' } },
          { $group: { _id: '$reward_id', n: { $sum: 1 }, points: { $sum: '$points_spent' } } },
          { $sort: { n: -1, points: -1, _id: 1 } },
          { $limit: this.settings.dashboardTopRewards },
        ])
        .toArray(),
    ]);
    const facets = members[0]!;
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
