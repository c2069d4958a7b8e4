import { Decimal128 } from 'mongodb';
import { marketingSubgraph } from '../index';
import { startSubgraphHarness, TEST_SUPERADMIN } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { MARKETING_CAMPAIGNS } from './campaign-store';

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateMarketingCampaignInput!) {
    createMarketingCampaign(input: $input) {
      id
      name
      description
      campaignType
      targetAudience
      startDate
      endDate
      budget
      estimatedReach
      actualReach
      conversionRate
      status
      department
      createdBy {
        id
      }
      createdAt
    }
  }
`;

const adminId = TEST_SUPERADMIN.kind === 'admin' ? TEST_SUPERADMIN.userId : '';
const validInput = {
  name: '  Diwali Lights Weekend ',
  description: 'Dinner and free play for weekend regulars',
  campaignType: 'event',
  targetAudience: ['weekend_player', 'vip', 'vip'],
  startDate: '2026-10-30T00:00:00.000Z',
  endDate: '2026-11-02T00:00:00.000Z',
  budget: '15000.50',
  estimatedReach: 1200,
  department: 'F&B',
};

describe('createMarketingCampaign', () => {
  let harness: SubgraphHarness;
  const campaigns = () => harness.db.collection(MARKETING_CAMPAIGNS);
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
  });
  afterAll(() => harness.close());

  it('creates a draft campaign with no reach yet and exact money, created by the caller', async () => {
    const result = await harness.execute<{ createMarketingCampaign: Record<string, unknown> }>(CREATE, {
      input: validInput,
    });
    expect(result.errors).toBeUndefined();
    const campaign = result.data!.createMarketingCampaign;
    expect(campaign).toMatchObject({
      name: 'Diwali Lights Weekend',
      campaignType: 'event',
      targetAudience: ['weekend_player', 'vip'],
      startDate: '2026-10-30T00:00:00.000Z',
      endDate: '2026-11-02T00:00:00.000Z',
      budget: '15000.50',
      estimatedReach: 1200,
      actualReach: 0,
      conversionRate: 0,
      status: 'draft',
      department: 'F&B',
      createdBy: { id: adminId },
    });
    const stored = await campaigns().findOne({ id: campaign.id });
    expect(stored?.budget).toBeInstanceOf(Decimal128);
    expect(stored?.budget.toString()).toBe('15000.50');
    expect(stored?.created_by).toBe(adminId);
    expect(stored?.department).toBe('F&B');
  });

  it('defaults the optional fields', async () => {
    const { description: _d, estimatedReach: _e, department: _c, ...required } = validInput;
    const result = await harness.execute<{ createMarketingCampaign: Record<string, unknown> }>(CREATE, {
      input: { ...required, name: 'Minimal campaign', budget: 0 },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.createMarketingCampaign).toMatchObject({
      description: '',
      estimatedReach: 0,
      budget: '0.00',
      department: null,
      createdBy: { id: adminId },
    });
  });

  it('names the invalid field and writes nothing', async () => {
    const before = await campaigns().countDocuments();
    const cases: [Record<string, unknown>, string][] = [
      [{ endDate: validInput.startDate }, 'input.endDate'],
      [{ endDate: '2026-10-01T00:00:00.000Z' }, 'input.endDate'],
      [{ budget: '-1.00' }, 'input.budget'],
      [{ estimatedReach: -5 }, 'input.estimatedReach'],
      [{ name: '   ' }, 'input.name'],
      [{ campaignType: '' }, 'input.campaignType'],
      [{ targetAudience: ['vip', ' '] }, 'input.targetAudience.1'],
      [{ department: 'Marketing' }, 'input.department'],
      [{ department: '' }, 'input.department'],
    ];
    for (const [change, field] of cases) {
      const result = await harness.execute(CREATE, { input: { ...validInput, name: 'Bad one', ...change } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await campaigns().countDocuments()).toBe(before);
  });

  it('refuses a second campaign with the same name as CONFLICT', async () => {
    const before = await campaigns().countDocuments();
    const result = await harness.execute(CREATE, { input: { ...validInput, name: 'Diwali Lights Weekend' } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
    expect(await campaigns().countDocuments()).toBe(before);
  });
});
