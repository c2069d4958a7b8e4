import { notFound } from '@casino/errors';
import type { AnalyticsStore } from '../analytics/analytics-store';
import type { CampaignStore, MarketingCampaignDocument } from './campaign-store';

/** The segment marking self-excluded members, who are never in a marketing audience. */
export const SELF_EXCLUDED_SEGMENT = 'self_excluded';

export interface CampaignAudiencePreviewResult {
  campaign: MarketingCampaignDocument;
  memberCount: number;
  excludedSelfExcluded: number;
  bySegment: { segment: string; members: number }[];
  sampleMemberIds: string[];
}

interface AudienceFacets {
  included: { n: number }[];
  excluded: { n: number }[];
  bySegment: { _id: string; n: number }[];
  sample: { member_id: string }[];
}

/**
 * Who a campaign would reach, from marketing's own analytics: members with at least one of the campaign's
 * target segments, self-excluded members left out (and counted apart). Counted in MongoDB in one
 * aggregation. Marketing consent is loyalty's to know and is enforced per recipient when sending.
 */
export async function previewCampaignAudience(
  campaigns: CampaignStore,
  analytics: AnalyticsStore,
  id: string,
  sampleSize: number,
): Promise<CampaignAudiencePreviewResult> {
  const campaign = await campaigns.findById(id);
  if (!campaign) throw notFound('MarketingCampaign', id);
  const targets = campaign.target_audience.filter((segment) => segment !== SELF_EXCLUDED_SEGMENT);
  const eligible = { marketing_segments: { $ne: SELF_EXCLUDED_SEGMENT } };
  const [facets] = await analytics.collection
    .aggregate<AudienceFacets>([
      { $match: { marketing_segments: { $in: targets } } },
      {
        $facet: {
          included: [{ $match: eligible }, { $count: 'n' }],
          excluded: [{ $match: { marketing_segments: SELF_EXCLUDED_SEGMENT } }, { $count: 'n' }],
          bySegment: [
            { $match: eligible },
            { $unwind: '$marketing_segments' },
            { $match: { marketing_segments: { $in: targets } } },
            { $group: { _id: '$marketing_segments', n: { $sum: 1 } } },
            { $sort: { n: -1, _id: 1 } },
          ],
          sample: [
            { $match: eligible },
            { $sort: { member_id: 1 } },
            { $limit: Math.max(sampleSize, 1) },
            { $project: { _id: 0, member_id: 1 } },
          ],
        },
      },
    ])
    .toArray();
  return {
    campaign,
    memberCount: facets?.included[0]?.n ?? 0,
    excludedSelfExcluded: facets?.excluded[0]?.n ?? 0,
    bySegment: (facets?.bySegment ?? []).map((row) => ({ segment: row._id, members: row.n })),
    sampleMemberIds: (facets?.sample ?? []).slice(0, sampleSize).map((row) => row.member_id),
  };
}
