import type { GraphQLError } from 'graphql';
import type { ServiceClient } from '@casino/auth';
import { notFound, serviceUnavailable } from '@casino/errors';
import { CampaignAudienceCheckDocument } from '@casino/loyalty/operations';
import type { CampaignAudienceCheckQuery } from '@casino/loyalty/operations';
import { SELF_EXCLUDED_SEGMENT } from '../analytics/analytics-store';
import type { AnalyticsStore } from '../analytics/analytics-store';
import type { CampaignStore, MarketingCampaignDocument } from './campaign-store';

/** Why a candidate is left out; a member with several reasons counts under the first in this order. */
export interface AudienceExclusions {
  selfExcluded: number;
  noMarketingConsent: number;
  inactive: number;
  unknownMember: number;
}

export interface CampaignAudiencePreviewResult {
  campaign: MarketingCampaignDocument;
  /** Eligible members: in a target segment, and (per loyalty, now) not self-excluded, consenting, active */
  memberCount: number;
  excluded: AudienceExclusions;
  bySegment: { segment: string; members: number }[];
  sampleMemberIds: string[];
}

export interface AudienceOptions {
  /** How many eligible members to name */
  sampleSize: number;
  /** Candidate ids per loyalty call */
  checkBatchSize: number;
}

/** A member's current standing with loyalty, the owner of members. */
type LoyaltyMemberStatus = Extract<CampaignAudienceCheckQuery['_entities'][number], { id: string }>;

/** Loyalty could not confirm the candidates: no audience is returned unchecked (fail closed). */
function loyaltyUnavailable(error: unknown): GraphQLError {
  return serviceUnavailable(
    'Loyalty could not be reached to check the audience (self-exclusion, marketing consent); try again shortly',
    { cause: error },
  );
}

/** Asks loyalty about one batch of member ids; the map holds only the members loyalty knows. */
async function checkWithLoyalty(
  loyalty: ServiceClient,
  memberIds: string[],
): Promise<Map<string, LoyaltyMemberStatus>> {
  let data: CampaignAudienceCheckQuery;
  try {
    // loyalty's members by id, as federation entities: one call per batch of candidates
    data = await loyalty.request(CampaignAudienceCheckDocument, {
      representations: memberIds.map((id) => ({ __typename: 'Member', id })),
    });
  } catch (error) {
    throw loyaltyUnavailable(error);
  }
  if (!Array.isArray(data?._entities) || data._entities.length !== memberIds.length) {
    throw loyaltyUnavailable(
      new Error('loyalty answered the audience check with the wrong number of members'),
    );
  }
  const known = new Map<string, LoyaltyMemberStatus>();
  for (const member of data._entities) {
    if (
      member &&
      'id' in member &&
      typeof member.id === 'string' &&
      typeof member.selfExcluded === 'boolean' &&
      typeof member.marketingConsent === 'boolean' &&
      typeof member.isActive === 'boolean'
    ) {
      known.set(member.id, member);
    }
  }
  return known;
}

/** The first reason a member is left out, or null when they may be reached. */
function exclusionReason(member: LoyaltyMemberStatus | undefined): keyof AudienceExclusions | null {
  if (!member) return 'unknownMember';
  if (member.selfExcluded) return 'selfExcluded';
  if (!member.marketingConsent) return 'noMarketingConsent';
  if (!member.isActive) return 'inactive';
  return null;
}

/**
 * Who a campaign would reach. The candidates are the members with at least one of the campaign's target
 * segments in marketing's analytics, streamed from MongoDB (member ids only, in id order). Segments are
 * recomputed periodically and may be stale, so every candidate's CURRENT self-exclusion, marketing consent
 * and activity are checked with loyalty, `checkBatchSize` ids per call; a member loyalty does not know is
 * left out too. Members whose (possibly stale) segments already say self-excluded are left out without asking.
 * Without loyalty's answer nothing is returned: SERVICE_UNAVAILABLE. The eligible members' per-segment counts
 * are grouped in MongoDB, one aggregation per batch.
 */
export async function previewCampaignAudience(
  campaigns: CampaignStore,
  analytics: AnalyticsStore,
  loyalty: ServiceClient,
  id: string,
  options: AudienceOptions,
): Promise<CampaignAudiencePreviewResult> {
  const campaign = await campaigns.findById(id);
  if (!campaign) throw notFound('MarketingCampaign', id);
  const targets = campaign.target_audience.filter((segment) => segment !== SELF_EXCLUDED_SEGMENT);
  const excluded: AudienceExclusions = {
    selfExcluded: 0,
    noMarketingConsent: 0,
    inactive: 0,
    unknownMember: 0,
  };
  const bySegment = new Map<string, number>();
  const sampleMemberIds: string[] = [];
  let memberCount = 0;
  if (targets.length === 0) return { campaign, memberCount, excluded, bySegment: [], sampleMemberIds };

  excluded.selfExcluded += await analytics.countSelfExcludedIn(targets);

  for await (const memberIds of analytics.audienceCandidateBatches(targets, options.checkBatchSize)) {
    const known = await checkWithLoyalty(loyalty, memberIds);
    const eligible: string[] = [];
    for (const memberId of memberIds) {
      const reason = exclusionReason(known.get(memberId));
      if (reason) excluded[reason] += 1;
      else eligible.push(memberId);
    }
    if (eligible.length === 0) continue;
    memberCount += eligible.length;
    for (const memberId of eligible) {
      if (sampleMemberIds.length >= options.sampleSize) break;
      sampleMemberIds.push(memberId);
    }
    for (const row of await analytics.segmentCounts(eligible, targets)) {
      bySegment.set(row._id, (bySegment.get(row._id) ?? 0) + row.n);
    }
  }

  return {
    campaign,
    memberCount,
    excluded,
    bySegment: [...bySegment]
      .map(([segment, members]) => ({ segment, members }))
      .sort((a, b) => b.members - a.members || (a.segment < b.segment ? -1 : a.segment > b.segment ? 1 : 0)),
    sampleMemberIds,
  };
}
