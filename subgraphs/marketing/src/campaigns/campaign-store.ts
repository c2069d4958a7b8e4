import type { Db, Decimal128, Filter, IndexDescription } from 'mongodb';
import { CollectionStore, equalityFilter } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type CampaignStatus = 'draft' | 'active' | 'completed' | 'cancelled';

export interface MarketingCampaignDocument {
  id: string;
  name: string;
  description: string;
  campaign_type: string;
  target_audience: string[];
  start_date: Date;
  end_date: Date;
  budget: Decimal128;
  estimated_reach: number;
  actual_reach: number;
  /** 0 to 1 */
  conversion_rate: number;
  status: CampaignStatus;
  /** Gaming, F&B, Security, Management or Maintenance; null (or absent, in old documents) for none */
  department?: string | null;
  /** An admin user (compliance), null when not recorded */
  created_by: string | null;
  created_at: Date;
  /** When the status last changed (absent until it first does) */
  status_changed_at?: Date;
}

export interface CampaignFilterInput {
  status?: CampaignStatus | null;
  campaignType?: string | null;
  activeOn?: Date | null;
}

export const MARKETING_CAMPAIGNS = 'marketing_campaigns';

export const campaignIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { name: 1 }, name: 'name_1', unique: true },
  { key: { start_date: -1, id: -1 }, name: 'start_date_-1_id_-1' },
  { key: { status: 1, start_date: -1 }, name: 'status_1_start_date_-1' },
  { key: { campaign_type: 1 }, name: 'campaign_type_1' },
];

/** The document field each key of the list filter matches (see equalityFilter). */
const MARKETING_CAMPAIGN_FILTER_FIELDS = { status: 'status', campaignType: 'campaign_type' } as const;

export function campaignFilter(input: CampaignFilterInput): Filter<MarketingCampaignDocument> {
  const filter: Filter<MarketingCampaignDocument> = equalityFilter(input, MARKETING_CAMPAIGN_FILTER_FIELDS);
  if (input.activeOn) {
    filter.start_date = { $lte: input.activeOn };
    filter.end_date = { $gt: input.activeOn };
  }
  return filter;
}

/** The dashboard's campaign figures over a range: by status with budget, and the totals. */
export interface CampaignFacets {
  byStatus: { _id: CampaignStatus; n: number; budget: Decimal128 }[];
  totals: { n: number; budget: Decimal128; estimated: number; actual: number; conversion: number | null }[];
}

export class CampaignStore extends CollectionStore<MarketingCampaignDocument> {
  constructor(db: Db) {
    super(db, MARKETING_CAMPAIGNS);
  }

  /** Campaigns running in [from, to) (period overlapping it), by status with budget, and their totals. */
  async dashboardFacets(range: { from: Date; to: Date }): Promise<CampaignFacets | undefined> {
    const [facets] = await this.collection
      .aggregate<CampaignFacets>([
        { $match: { start_date: { $lt: range.to }, end_date: { $gt: range.from } } },
        {
          $facet: {
            byStatus: [
              { $group: { _id: '$status', n: { $sum: 1 }, budget: { $sum: '$budget' } } },
              { $sort: { _id: 1 } },
            ],
            totals: [
              {
                $group: {
                  _id: null,
                  n: { $sum: 1 },
                  budget: { $sum: '$budget' },
                  estimated: { $sum: '$estimated_reach' },
                  actual: { $sum: '$actual_reach' },
                  conversion: { $avg: '$conversion_rate' },
                },
              },
            ],
          },
        },
      ])
      .toArray();
    return facets;
  }

  /** Newest campaigns (by start date) first. */
  page(filter: CampaignFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.pageWhere(campaignFilter(filter), args, paging, { field: 'start_date', direction: -1 });
  }

  /**
   * Moves a campaign from one status to another only if it is still in `from`, in one atomic update; null
   * when it is not (anymore).
   */
  transition(id: string, from: CampaignStatus, to: CampaignStatus, at: Date) {
    return this.collection.findOneAndUpdate(
      { id, status: from },
      { $set: { status: to, status_changed_at: at } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  async insert(campaign: MarketingCampaignDocument): Promise<void> {
    await this.collection.insertOne({ ...campaign });
  }
}
