import type { Identity } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import { createMarketingSubgraph } from '../index';
import { DEFAULT_MARKETING_SETTINGS } from '../settings';
import { AS } from '../testing/identities';
import { startSubgraphHarness } from '../../../../tests/support/subgraph-harness';
import type { SubgraphHarness } from '../../../../tests/support/subgraph-harness';
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
      excludedSelfExcluded
      estimatedReach
      bySegment {
        segment
        members
      }
      sample {
        id
      }
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

describe('previewCampaignAudience', () => {
  let harness: SubgraphHarness;
  const VIP = '52000000-0000-4000-8000-000000000001';
  const FB = '52000000-0000-4000-8000-000000000002';
  beforeAll(async () => {
    harness = await startSubgraphHarness(
      createMarketingSubgraph({ ...DEFAULT_MARKETING_SETTINGS, audienceSampleSize: 2 }),
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
      ]);
    await harness.db
      .collection(MARKETING_CAMPAIGNS)
      .insertMany([
        campaign(VIP, ['vip', 'high_roller', 'self_excluded'], 'Gaming'),
        campaign(FB, ['nobody'], 'F&B'),
      ]);
  });
  afterAll(() => harness.close());

  it('counts the eligible members per target segment in one aggregation, leaving out the self-excluded', async () => {
    const result = await harness.execute(PREVIEW, { id: VIP });
    expect(result.errors).toBeUndefined();
    expect(result.data!.previewCampaignAudience).toEqual({
      campaign: { id: VIP },
      memberCount: 3,
      excludedSelfExcluded: 1,
      estimatedReach: 5,
      bySegment: [
        { segment: 'high_roller', members: 2 },
        { segment: 'vip', members: 2 },
      ],
      sample: [{ id: memberId(1) }, { id: memberId(2) }],
    });
    expect(result.commands.filter((c) => c === 'aggregate')).toHaveLength(1);
  });

  it('is empty for an audience no one is in, and NOT_FOUND for an unknown campaign', async () => {
    const empty = await harness.execute(PREVIEW, { id: FB });
    expect(empty.data!.previewCampaignAudience).toMatchObject({
      memberCount: 0,
      excludedSelfExcluded: 0,
      bySegment: [],
      sample: [],
    });
    const missing = await harness.execute(PREVIEW, { id: '52000000-0000-4000-8000-999999999999' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('is for those who manage the campaign department', async () => {
    const as = (identity: Identity, id: string) => harness.execute(PREVIEW, { id }, { identity });
    expect((await as(AS.gamingSupervisor, VIP)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(AS.fbManager, VIP)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(AS.gamingManager, VIP)).errors).toBeUndefined();
    expect((await as(AS.generalAdmin, FB)).errors).toBeUndefined();
  });
});
