import type { Decimal128 } from 'mongodb';
import type { DashboardCache } from '@casino/cache';
import { checkDashboardRange } from '@casino/graphql';
import { toMoney } from '@casino/mongo';
import type { CampaignStatus, CampaignStore } from '../campaigns/campaign-store';
import type { GuestStore } from '../guests/guest-store';
import type {
  NotificationChannel,
  NotificationStatus,
  NotificationStore,
} from '../notifications/notification-store';
import type { MarketingSettings } from '../settings';

export interface DateRange {
  from: Date;
  to: Date;
}

export interface MarketingDashboardFigures {
  from: Date;
  to: Date;
  campaigns: {
    total: number;
    byStatus: { status: CampaignStatus; count: number; budget: Decimal128 }[];
    totalBudget: Decimal128;
    estimatedReach: number;
    actualReach: number;
    reachVsEstimate: number | null;
    averageConversionRate: number | null;
  };
  walkIns: {
    visits: number;
    converted: number;
    conversionRate: number | null;
    totalSpend: Decimal128;
  };
  notifications: {
    total: number;
    byStatus: { status: NotificationStatus; count: number }[];
    deliveryRate: number | null;
    readRate: number | null;
    byChannel: {
      channel: NotificationChannel;
      delivered: number;
      failed: number;
      deliveryRate: number | null;
    }[];
  };
}

const ratio = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
const money = (value: Decimal128 | null | undefined) => toMoney(value ? value.toString() : '0');

/**
 * Marketing KPIs over a range (from inclusive, to exclusive), each counted by an aggregation in MongoDB:
 * campaigns running in the range (period overlapping it) by status with budget, reach against the estimate
 * and average conversion; walk-in visits in the range and how many converted to members; notifications
 * created in the range by status, with delivery and read rates overall and per channel. Every caller allowed to
 * ask gets the same figures (no department scoping), so they are cached per range alone.
 */
export class MarketingDashboardService {
  constructor(
    private readonly campaigns: CampaignStore,
    private readonly guests: GuestStore,
    private readonly notifications: NotificationStore,
    private readonly settings: MarketingSettings,
    private readonly cache: DashboardCache,
  ) {}

  async dashboard(range: DateRange): Promise<MarketingDashboardFigures> {
    checkDashboardRange(range, this.settings);
    return this.cache.figures({ dashboard: 'marketingDashboard', scope: {}, range }, () =>
      this.compute(range),
    );
  }

  private async compute(range: DateRange): Promise<MarketingDashboardFigures> {
    const [campaignFacets, guests, notificationFacets] = await Promise.all([
      this.campaigns.dashboardFacets(range),
      this.guests.visitTotals(range),
      this.notifications.dashboardFacets(range),
    ]);

    const campaigns = campaignFacets ?? { byStatus: [], totals: [] };
    const totals = campaigns.totals[0];
    const notes = notificationFacets ?? { byStatus: [], byChannel: [] };
    const count = (status: NotificationStatus) => notes.byStatus.find((row) => row._id === status)?.n ?? 0;
    const reached = count('delivered') + count('read');
    const channels = [...new Set(notes.byChannel.map((row) => row._id.channel))].sort();
    const channelCount = (channel: NotificationChannel, status: 'delivered' | 'failed') =>
      notes.byChannel.find((row) => row._id.channel === channel && row._id.status === status)?.n ?? 0;

    return {
      from: range.from,
      to: range.to,
      campaigns: {
        total: totals?.n ?? 0,
        byStatus: campaigns.byStatus.map((row) => ({
          status: row._id,
          count: row.n,
          budget: money(row.budget),
        })),
        totalBudget: money(totals?.budget),
        estimatedReach: totals?.estimated ?? 0,
        actualReach: totals?.actual ?? 0,
        reachVsEstimate: ratio(totals?.actual ?? 0, totals?.estimated ?? 0),
        averageConversionRate:
          totals?.conversion === null || totals?.conversion === undefined
            ? null
            : Math.round(totals.conversion * 10_000) / 10_000,
      },
      walkIns: {
        visits: guests?.visits ?? 0,
        converted: guests?.converted ?? 0,
        conversionRate: ratio(guests?.converted ?? 0, guests?.visits ?? 0),
        totalSpend: money(guests?.spend),
      },
      notifications: {
        total: notes.byStatus.reduce((sum, row) => sum + row.n, 0),
        byStatus: notes.byStatus.map((row) => ({ status: row._id, count: row.n })),
        deliveryRate: ratio(reached, reached + count('failed')),
        readRate: ratio(count('read'), reached),
        byChannel: channels.map((channel) => {
          const delivered = channelCount(channel, 'delivered');
          const failed = channelCount(channel, 'failed');
          return { channel, delivered, failed, deliveryRate: ratio(delivered, delivered + failed) };
        }),
      },
    };
  }
}
