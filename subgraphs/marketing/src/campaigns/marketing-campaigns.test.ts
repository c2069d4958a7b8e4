import { toMoney } from '@casino/mongo';
import { marketingSubgraph } from '../index';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import type { CampaignStatus, MarketingCampaignDocument } from './campaign-store';
import { MARKETING_CAMPAIGNS } from './campaign-store';

const DAY = 86_400_000;
const base = new Date('2026-06-01T00:00:00.000Z').getTime();

function campaign(i: number, status: CampaignStatus, type: string, startDay: number, days: number) {
  const doc: MarketingCampaignDocument = {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `Campaign ${i}`,
    description: '',
    campaign_type: type,
    target_audience: ['vip'],
    start_date: new Date(base + startDay * DAY),
    end_date: new Date(base + (startDay + days) * DAY),
    budget: toMoney('1000.00'),
    estimated_reach: 100,
    actual_reach: 0,
    conversion_rate: 0,
    status,
    created_by: i === 0 ? 'admin-1' : null,
    created_at: new Date(base - 30 * DAY),
  };
  return doc;
}

const LIST = /* GraphQL */ `
  query Campaigns($filter: MarketingCampaignFilter, $first: Int, $after: String) {
    marketingCampaigns(filter: $filter, first: $first, after: $after) {
      edges {
        node {
          id
          status
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`;

interface Page {
  marketingCampaigns: {
    edges: { node: { id: string; status: string } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}
const ids = (page: Page) => page.marketingCampaigns.edges.map((e) => Number(e.node.id.slice(-2)));

describe('marketingCampaigns and MarketingCampaign', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
    await harness.db
      .collection(MARKETING_CAMPAIGNS)
      .insertMany([
        campaign(0, 'completed', 'event', -60, 10),
        campaign(1, 'active', 'promotion', -5, 20),
        campaign(2, 'active', 'event', 0, 3),
        campaign(3, 'draft', 'event', 30, 7),
        campaign(4, 'cancelled', 'retention', -2, 10),
        campaign(5, 'completed', 'retention', -20, 10),
      ]);
  });
  afterAll(() => harness.close());

  it('lists campaigns by start date, newest first, page by page', async () => {
    const first = await harness.execute<Page>(LIST, { first: 4 });
    expect(first.errors).toBeUndefined();
    expect(ids(first.data!)).toEqual([3, 2, 4, 1]);
    expect(first.data!.marketingCampaigns.totalCount).toBe(6);
    const second = await harness.execute<Page>(LIST, {
      first: 4,
      after: first.data!.marketingCampaigns.pageInfo.endCursor,
    });
    expect(ids(second.data!)).toEqual([5, 0]);
    expect(second.data!.marketingCampaigns.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by status, type and the instant a campaign runs on', async () => {
    const active = await harness.execute<Page>(LIST, { filter: { status: 'active' } });
    expect(ids(active.data!)).toEqual([2, 1]);
    const events = await harness.execute<Page>(LIST, { filter: { campaignType: 'event' } });
    expect(ids(events.data!)).toEqual([3, 2, 0]);
    const runningOnDay1 = await harness.execute<Page>(LIST, {
      filter: { activeOn: new Date(base + DAY).toISOString() },
    });
    expect(ids(runningOnDay1.data!)).toEqual([2, 4, 1]);
    const endIsExclusive = await harness.execute<Page>(LIST, {
      filter: { activeOn: new Date(base + 3 * DAY).toISOString(), status: 'active' },
    });
    expect(ids(endIsExclusive.data!)).toEqual([1]);
  });

  it('resolves a campaign by id and as an entity with its creator stub', async () => {
    const id = campaign(0, 'completed', 'event', 0, 1).id;
    const single = await harness.execute<{ marketingCampaign: unknown }>(
      `query($id: ID!) { marketingCampaign(id: $id) { name budget createdBy { id } } }`,
      { id },
    );
    expect(single.data!.marketingCampaign).toEqual({
      name: 'Campaign 0',
      budget: '1000.00',
      createdBy: { id: 'admin-1' },
    });
    const entities = await harness.execute<{ _entities: unknown[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on MarketingCampaign { id status createdBy { id } } } }`,
      { r: [{ __typename: 'MarketingCampaign', id: campaign(1, 'active', '', 0, 1).id }] },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data!._entities).toEqual([
      { id: campaign(1, 'active', '', 0, 1).id, status: 'active', createdBy: null },
    ]);
  });
});
