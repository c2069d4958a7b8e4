import { toMoney } from '@casino/mongo';
import { marketingSubgraph } from '../index';
import { AS } from '../testing/identities';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import type { CampaignStatus, MarketingCampaignDocument } from './campaign-store';
import { CampaignStore, MARKETING_CAMPAIGNS } from './campaign-store';
import { CampaignService } from './campaign-service';

const UPDATE = /* GraphQL */ `
  mutation ($input: UpdateCampaignStatusInput!) {
    updateCampaignStatus(input: $input) {
      id
      status
    }
  }
`;

let n = 0;
function campaign(status: CampaignStatus, department: string | null = 'Gaming'): MarketingCampaignDocument {
  n += 1;
  return {
    id: `40000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name: `Campaign ${n}`,
    description: '',
    campaign_type: 'promotion',
    target_audience: ['vip'],
    start_date: new Date('2026-01-01T00:00:00Z'),
    end_date: new Date('2026-02-01T00:00:00Z'),
    budget: toMoney('100.00'),
    estimated_reach: 10,
    actual_reach: 0,
    conversion_rate: 0,
    status,
    department,
    created_by: null,
    created_at: new Date('2025-12-01T00:00:00Z'),
  };
}

describe('updateCampaignStatus', () => {
  let harness: SubgraphHarness;
  const campaigns = () => harness.db.collection<MarketingCampaignDocument>(MARKETING_CAMPAIGNS);
  const seed = async (doc: MarketingCampaignDocument) => {
    await campaigns().insertOne({ ...doc });
    return doc.id;
  };
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
  });
  afterAll(() => harness.close());

  const allowed: [CampaignStatus, CampaignStatus][] = [
    ['draft', 'active'],
    ['draft', 'cancelled'],
    ['active', 'completed'],
    ['active', 'cancelled'],
  ];
  it.each(allowed)('moves %s -> %s, stamps the change and audits before/after', async (from, to) => {
    const id = await seed(campaign(from));
    harness.auditEvents.length = 0;
    const result = await harness.execute(UPDATE, { input: { id, status: to } });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ updateCampaignStatus: { id, status: to } });
    const stored = await campaigns().findOne({ id });
    expect(stored?.status).toBe(to);
    expect(stored?.status_changed_at).toBeInstanceOf(Date);
    expect(harness.auditEvents).toHaveLength(1);
    expect(JSON.stringify(harness.auditEvents[0])).toContain(`"status":"${from}"`);
  });

  const statuses: CampaignStatus[] = ['draft', 'active', 'completed', 'cancelled'];
  const refused = statuses.flatMap((from) =>
    statuses
      .filter((to) => !allowed.some(([f, t]) => f === from && t === to))
      .map((to) => [from, to] as [CampaignStatus, CampaignStatus]),
  );
  it.each(refused)('refuses %s -> %s as CONFLICT and changes nothing', async (from, to) => {
    const id = await seed(campaign(from));
    const result = await harness.execute(UPDATE, { input: { id, status: to } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.status' });
    expect((await campaigns().findOne({ id }))?.status).toBe(from);
  });

  it('lets only one of two concurrent identical moves win', async () => {
    const id = await seed(campaign('draft'));
    const results = await Promise.all([
      harness.execute(UPDATE, { input: { id, status: 'active' } }),
      harness.execute(UPDATE, { input: { id, status: 'active' } }),
    ]);
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.find((r) => r.errors)?.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });

  it('guards the update by the status it read: a stale read does not overwrite a newer move', async () => {
    const draft = campaign('draft');
    const id = await seed(draft);
    const store = new CampaignStore(harness.db);
    const service = new CampaignService(store);
    await service.updateStatus(id, 'active');
    // another request read the campaign while it was still a draft, and now tries to cancel it
    jest.spyOn(store, 'findById').mockResolvedValueOnce(draft as never);
    await expect(service.updateStatus(id, 'cancelled')).rejects.toMatchObject({
      extensions: { code: 'CONFLICT' },
    });
    expect((await campaigns().findOne({ id }))?.status).toBe('active');
  });

  it('answers NOT_FOUND for an unknown campaign', async () => {
    const result = await harness.execute(UPDATE, {
      input: { id: '40000000-0000-4000-8000-999999999999', status: 'active' },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('lets a Manager move only their own department campaigns, and never a Supervisor', async () => {
    const gaming = await seed(campaign('draft', 'Gaming'));
    const fb = await seed(campaign('draft', 'F&B'));
    const none = await seed(campaign('draft', null));
    const as = (identity: (typeof AS)[keyof typeof AS], id: string) =>
      harness.execute(UPDATE, { input: { id, status: 'active' } }, { identity });
    expect((await as(AS.gamingSupervisor, gaming)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(AS.gamingManager, fb)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(AS.gamingManager, none)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(AS.anonymous, gaming)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await as(AS.service, gaming)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(
      (
        await campaigns()
          .find({ status: 'active', id: { $in: [gaming, fb, none] } })
          .toArray()
      ).length,
    ).toBe(0);
    expect((await as(AS.gamingManager, gaming)).errors).toBeUndefined();
    expect((await as(AS.generalAdmin, fb)).errors).toBeUndefined();
    expect((await as(AS.superAdmin, none)).errors).toBeUndefined();
  });
});
