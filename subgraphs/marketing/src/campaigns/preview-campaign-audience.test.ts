import type { Identity } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import { createMarketingSubgraph } from '../index';
import { DEFAULT_MARKETING_SETTINGS } from '../settings';
import { AS } from '../testing/identities';
import { startMembers } from '../testing/play-and-members';
import type { Members, TestLoyaltyMember } from '../testing/play-and-members';
import { unreachableService } from '@casino/gaming/testing';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import type { CustomerAnalyticsDocument } from '../analytics/analytics-store';
import { CUSTOMER_ANALYTICS } from '../analytics/analytics-store';
import type { MarketingCampaignDocument } from './campaign-store';
import { MARKETING_CAMPAIGNS } from './campaign-store';

const PREVIEW = /* GraphQL */ `
  query ($id: ID!) {
    previewCampaignAudience(id: $id) {
      campaign {
        id
      }
      memberCount
      excluded {
        selfExcluded
        noMarketingConsent
        inactive
        unknownMember
      }
      excludedSelfExcluded
      estimatedReach
      bySegment {
        segment
        members
      }
      sample {
        id
      }
      sampleMemberIds
    }
  }
`;

const memberId = (i: number) => `50000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function analytics(i: number, segments: string[]): CustomerAnalyticsDocument {
  return {
    id: `51000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    member_id: memberId(i),
    last_activity_date: null,
    visit_frequency: 1,
    avg_session_duration: 60,
    avg_spend_per_visit: toMoney('10.00'),
    favorite_games: [],
    preferred_visit_times: [],
    social_interactions: 0,
    birthday_month: null,
    preferred_drinks: [],
    dietary_preferences: [],
    risk_score: 0,
    marketing_segments: segments,
    last_updated: new Date(),
  };
}

function campaign(id: string, targets: string[], department: string | null): MarketingCampaignDocument {
  return {
    id,
    name: `Campaign ${id}`,
    description: '',
    campaign_type: 'promotion',
    target_audience: targets,
    start_date: new Date('2026-01-01T00:00:00Z'),
    end_date: new Date('2026-02-01T00:00:00Z'),
    budget: toMoney('100.00'),
    estimated_reach: 5,
    actual_reach: 0,
    conversion_rate: 0,
    status: 'draft',
    department,
    created_by: null,
    created_at: new Date(),
  };
}

/** Loyalty's record of a member: by default consenting, not self-excluded and active. */
function loyaltyMember(i: number, status: Partial<TestLoyaltyMember> = {}): TestLoyaltyMember {
  return {
    id: memberId(i),
    tier: 'Ruby',
    registrationDate: '2025-01-01T00:00:00.000Z',
    dateOfBirth: '1980-01-01',
    ...status,
  };
}

describe('previewCampaignAudience', () => {
  let harness: SubgraphHarness;
  let members: Members;
  const VIP = '52000000-0000-4000-8000-000000000001';
  const FB = '52000000-0000-4000-8000-000000000002';
  beforeAll(async () => {
    members = await startMembers();
    // loyalty now: the analytics segments below are stale for some of them
    await members.addMembers([
      loyaltyMember(1),
      loyaltyMember(2),
      loyaltyMember(3, { selfExcluded: true }), // self-excluded since the segments were computed
      loyaltyMember(4), // the segments still say self-excluded: left out all the same
      loyaltyMember(5),
      loyaltyMember(6, { selfExcluded: true }),
      loyaltyMember(7, { marketingConsent: false }), // withdrew consent
      loyaltyMember(8, { isActive: false }),
      // 9: analytics only, loyalty does not know the member
      loyaltyMember(10, { selfExcluded: true, marketingConsent: false, isActive: false }),
      loyaltyMember(11, { marketingConsent: false, isActive: false }),
      loyaltyMember(12),
    ]);
    harness = await startSubgraphHarness(
      createMarketingSubgraph({
        ...DEFAULT_MARKETING_SETTINGS,
        audienceSampleSize: 2,
        audienceCheckBatchSize: 2,
      }),
      { services: { loyalty: members.loyalty } },
    );
    await harness.db
      .collection(CUSTOMER_ANALYTICS)
      .insertMany([
        analytics(1, ['vip', 'high_roller']),
        analytics(2, ['vip']),
        analytics(3, ['high_roller', 'weekend_player']),
        analytics(4, ['vip', 'self_excluded']),
        analytics(5, ['lapsed']),
        analytics(6, ['self_excluded']),
        analytics(7, ['vip']),
        analytics(8, ['high_roller']),
        analytics(9, ['vip']),
        analytics(10, ['vip', 'high_roller']),
        analytics(11, ['high_roller']),
        analytics(12, ['vip']),
      ]);
    await harness.db
      .collection(MARKETING_CAMPAIGNS)
      .insertMany([
        campaign(VIP, ['vip', 'high_roller', 'self_excluded'], 'Gaming'),
        campaign(FB, ['nobody'], 'F&B'),
      ]);
  });
  afterAll(async () => {
    await harness?.close();
    await members?.stop();
  });

  it("checks every candidate's current standing with loyalty and counts who is left out and why", async () => {
    const calls = jest.spyOn(members.loyalty, 'request');
    const result = await harness.execute(PREVIEW, { id: VIP });
    expect(result.errors).toBeUndefined();
    expect(result.data!.previewCampaignAudience).toEqual({
      campaign: { id: VIP },
      memberCount: 3,
      // a member with several reasons counts under the first: self-excluded, no consent, inactive, unknown
      excluded: { selfExcluded: 3, noMarketingConsent: 2, inactive: 1, unknownMember: 1 },
      excludedSelfExcluded: 3,
      estimatedReach: 5,
      bySegment: [
        { segment: 'vip', members: 3 },
        { segment: 'high_roller', members: 1 },
      ],
      sample: [{ id: memberId(1) }, { id: memberId(2) }],
      sampleMemberIds: [memberId(1), memberId(2)],
    });
    // the 9 candidates whose segments do not already say self-excluded, 2 ids per loyalty call
    expect(calls).toHaveBeenCalledTimes(5);
    calls.mockRestore();
    // candidates are streamed, not aggregated in one go
    expect(result.commands).toContain('find');
  });

  it('names only eligible members in the sample', async () => {
    const harness2 = await startSubgraphHarness(
      createMarketingSubgraph({ ...DEFAULT_MARKETING_SETTINGS, audienceSampleSize: 10 }),
      { services: { loyalty: members.loyalty } },
    );
    try {
      await harness2.db
        .collection(CUSTOMER_ANALYTICS)
        .insertMany([
          analytics(3, ['vip']),
          analytics(7, ['vip']),
          analytics(8, ['vip']),
          analytics(9, ['vip']),
          analytics(12, ['vip']),
        ]);
      await harness2.db.collection(MARKETING_CAMPAIGNS).insertOne(campaign(VIP, ['vip'], 'Gaming'));
      const result = await harness2.execute(PREVIEW, { id: VIP });
      expect(result.errors).toBeUndefined();
      expect(result.data!.previewCampaignAudience).toMatchObject({
        memberCount: 1,
        excluded: { selfExcluded: 1, noMarketingConsent: 1, inactive: 1, unknownMember: 1 },
        sampleMemberIds: [memberId(12)],
      });
    } finally {
      await harness2.close();
    }
  });

  it('is empty for an audience no one is in, and NOT_FOUND for an unknown campaign', async () => {
    const empty = await harness.execute(PREVIEW, { id: FB });
    expect(empty.data!.previewCampaignAudience).toMatchObject({
      memberCount: 0,
      excluded: { selfExcluded: 0, noMarketingConsent: 0, inactive: 0, unknownMember: 0 },
      excludedSelfExcluded: 0,
      bySegment: [],
      sample: [],
      sampleMemberIds: [],
    });
    const missing = await harness.execute(PREVIEW, { id: '52000000-0000-4000-8000-999999999999' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('fails closed with SERVICE_UNAVAILABLE when loyalty cannot be reached', async () => {
    const down = await startSubgraphHarness(createMarketingSubgraph(DEFAULT_MARKETING_SETTINGS), {
      services: { loyalty: await unreachableService() },
    });
    try {
      await down.db.collection(CUSTOMER_ANALYTICS).insertOne(analytics(1, ['vip']));
      await down.db.collection(MARKETING_CAMPAIGNS).insertOne(campaign(VIP, ['vip'], 'Gaming'));
      const result = await down.execute(PREVIEW, { id: VIP });
      expect(result.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      expect(result.data?.previewCampaignAudience ?? null).toBeNull();
    } finally {
      await down.close();
    }
  });

  it('is for those who manage the campaign department', async () => {
    const as = (identity: Identity, id: string) => harness.execute(PREVIEW, { id }, { identity });
    expect((await as(AS.gamingSupervisor, VIP)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(AS.fbManager, VIP)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(AS.gamingManager, VIP)).errors).toBeUndefined();
    expect((await as(AS.generalAdmin, FB)).errors).toBeUndefined();
  });
});
