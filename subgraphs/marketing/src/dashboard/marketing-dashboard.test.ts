import type { Identity } from '@casino/auth';
import type { FieldProtector } from '@casino/crypto';
import { toMoney } from '@casino/mongo';
import { marketingSubgraph } from '../index';
import { AS } from '../testing/identities';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { MARKETING_DASHBOARD as DASHBOARD } from '../testing/dashboard';
import type { CampaignStatus, MarketingCampaignDocument } from '../campaigns/campaign-store';
import { MARKETING_CAMPAIGNS } from '../campaigns/campaign-store';
import type { WalkInGuestDocument } from '../guests/guest-store';
import { protectIdDocument, WALK_IN_GUESTS } from '../guests/guest-store';
import type {
  NotificationDelivery,
  NotificationDocument,
  NotificationStatus,
} from '../notifications/notification-store';
import { NOTIFICATIONS } from '../notifications/notification-store';

const day = (d: number) => new Date(Date.UTC(2026, 2, d));
let n = 0;
const id = () => `80000000-0000-4000-8000-${String((n += 1)).padStart(12, '0')}`;

function campaign(
  status: CampaignStatus,
  start: number,
  end: number,
  budget: string,
  estimated: number,
  actual: number,
  conversion: number,
): MarketingCampaignDocument {
  return {
    id: id(),
    name: `Campaign ${n}`,
    description: '',
    campaign_type: 'promotion',
    target_audience: [],
    start_date: day(start),
    end_date: day(end),
    budget: toMoney(budget),
    estimated_reach: estimated,
    actual_reach: actual,
    conversion_rate: conversion,
    status,
    department: null,
    created_by: null,
    created_at: day(1),
  };
}

/** The harness's protector: guests' identity documents are stored sealed, as the service stores them. */
let protector: FieldProtector;

function guest(visit: number, converted: boolean, spend: string): WalkInGuestDocument {
  const docId = id();
  return {
    id: docId,
    first_name: 'G',
    last_name: 'W',
    phone: null,
    email: null,
    nationality: 'Sri Lanka',
    ...protectIdDocument(protector, docId, `DOC${n}X`),
    visit_date: day(visit),
    entry_time: day(visit),
    exit_time: day(visit),
    spend_amount: toMoney(spend),
    games_played: [],
    services_used: [],
    converted_to_member: converted,
    converted_member_id: converted ? 'm' : null,
    follow_up_required: false,
    notes: null,
    marketing_consent: false,
  };
}

function notification(
  created: number,
  status: NotificationStatus,
  deliveries: [string, 'delivered' | 'failed'][],
) {
  const doc: NotificationDocument = {
    id: id(),
    template_id: null,
    recipient_type: 'system',
    recipient_id: null,
    recipient_email: null,
    recipient_phone: null,
    title: 't',
    content: 'c',
    category: 'system',
    priority: 'normal',
    channels: deliveries.map(([c]) => c as NotificationDelivery['channel']),
    status,
    scheduled_at: null,
    sent_at: null,
    delivered_at: null,
    read_at: null,
    metadata: {},
    created_at: day(created),
    deliveries: deliveries.map(([channel, s]) => ({
      channel: channel as NotificationDelivery['channel'],
      status: s,
      at: day(created),
      error: null,
    })),
  };
  return doc;
}

describe('marketingDashboard', () => {
  let harness: SubgraphHarness;
  const range = { from: day(10).toISOString(), to: day(20).toISOString() };
  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
    protector = harness.protector!;
    await harness.db.collection(MARKETING_CAMPAIGNS).insertMany([
      campaign('active', 5, 15, '1000.50', 100, 80, 0.1),
      campaign('active', 12, 25, '500.25', 100, 40, 0.3),
      campaign('completed', 1, 11, '200.00', 50, 60, 0.2),
      campaign('draft', 20, 30, '999.00', 10, 0, 0), // starts when the range ends: outside
      campaign('cancelled', 1, 10, '999.00', 10, 0, 0), // ends when the range starts: outside
    ]);
    await harness.db.collection(WALK_IN_GUESTS).insertMany([
      guest(10, true, '100.10'),
      guest(11, false, '50.00'),
      guest(15, false, '0.00'),
      guest(19, true, '49.90'),
      guest(20, true, '1000.00'), // outside
    ]);
    await harness.db.collection(NOTIFICATIONS).insertMany([
      notification(10, 'delivered', [
        ['in_app', 'delivered'],
        ['email', 'failed'],
      ]),
      notification(11, 'read', [['email', 'delivered']]),
      notification(12, 'failed', [['sms', 'failed']]),
      notification(13, 'pending', []),
      notification(9, 'failed', [['sms', 'failed']]), // outside
    ]);
  });
  afterAll(() => harness.close());

  it('computes campaign, walk-in and notification KPIs for the range in MongoDB', async () => {
    const result = await harness.execute(DASHBOARD, { range });
    expect(result.errors).toBeUndefined();
    expect(result.data!.marketingDashboard).toEqual({
      from: range.from,
      to: range.to,
      campaigns: {
        total: 3,
        byStatus: [
          { status: 'active', count: 2, budget: '1500.75' },
          { status: 'completed', count: 1, budget: '200.00' },
        ],
        totalBudget: '1700.75',
        estimatedReach: 250,
        actualReach: 180,
        reachVsEstimate: 0.72,
        averageConversionRate: 0.2,
      },
      walkIns: { visits: 4, converted: 2, conversionRate: 0.5, totalSpend: '200.00' },
      notifications: {
        total: 4,
        byStatus: [
          { status: 'delivered', count: 1 },
          { status: 'failed', count: 1 },
          { status: 'pending', count: 1 },
          { status: 'read', count: 1 },
        ],
        deliveryRate: 0.6667,
        readRate: 0.5,
        byChannel: [
          { channel: 'email', delivered: 1, failed: 1, deliveryRate: 0.5 },
          { channel: 'in_app', delivered: 1, failed: 0, deliveryRate: 1 },
          { channel: 'sms', delivered: 0, failed: 1, deliveryRate: 0 },
        ],
      },
    });
    expect(result.commands).toEqual(expect.arrayContaining(['aggregate']));
    expect(result.commands).not.toContain('find');
  });

  it('is empty, with null rates, for a range with nothing in it', async () => {
    const result = await harness.execute(DASHBOARD, {
      range: { from: '2020-01-01T00:00:00.000Z', to: '2020-02-01T00:00:00.000Z' },
    });
    expect(result.data!.marketingDashboard).toMatchObject({
      campaigns: {
        total: 0,
        byStatus: [],
        totalBudget: '0.00',
        reachVsEstimate: null,
        averageConversionRate: null,
      },
      walkIns: { visits: 0, converted: 0, conversionRate: null, totalSpend: '0.00' },
      notifications: { total: 0, byStatus: [], deliveryRate: null, readRate: null, byChannel: [] },
    });
  });

  it('refuses an empty, reversed or too long range on range.to', async () => {
    for (const bad of [
      { from: range.from, to: range.from },
      { from: range.to, to: range.from },
      { from: '2025-01-01T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' },
    ]) {
      const result = await harness.execute(DASHBOARD, { range: bad });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'range.to' });
    }
  });

  it('is for Managers and above', async () => {
    const as = (identity: Identity) => harness.execute(DASHBOARD, { range }, { identity });
    expect((await as(AS.gamingSupervisor)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await as(AS.anonymous)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await as(AS.gamingManager)).errors).toBeUndefined();
  });
});
