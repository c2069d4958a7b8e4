import { ERASED_MEMBERS } from '../privacy/erased-members-store';
import type { Identity } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import { createMarketingSubgraph } from '../index';
import { DEFAULT_ANALYTICS_SETTINGS, DEFAULT_MARKETING_SETTINGS } from '../settings';
import type { AnalyticsSettings, MarketingSettings } from '../settings';
import { startPlayAndMembers } from '../testing/play-and-members';
import type { PlayAndMembers } from '../testing/play-and-members';
import { unreachableService } from '@casino/gaming/testing';
import { startSubgraphHarness, testIdentity } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ANALYTICS_RUNS } from './analytics-run-store';
import type { AnalyticsRunDocument } from './analytics-run-store';
import { CUSTOMER_ANALYTICS } from './analytics-store';
import type { CustomerAnalyticsDocument } from './analytics-store';
import { createLogger } from '@casino/logger';
import { startScheduler } from '@casino/scheduler';
import {
  AnalyticsRecomputeJob,
  AnalyticsServiceUnavailable,
  analyticsJobStores,
  analyticsRecomputeJobs,
} from './recompute-job';

const member = (n: number) => `30000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [WHALE, REGULAR, EXCLUDED, LAPSED, STRANGER] = [1, 2, 3, 4, 5].map(member);
/** The runs' instant: the window is the 90 days before it */
const NOW = new Date('2026-06-01T00:00:00.000Z');

/** Defaults, except a frequent visitor needs only one visit per 30 days, and batches of two members. */
const analyticsSettings: AnalyticsSettings = {
  ...DEFAULT_ANALYTICS_SETTINGS,
  batchSize: 2,
  frequentVisitorMinVisits: 1,
};
const settings: MarketingSettings = { ...DEFAULT_MARKETING_SETTINGS, analytics: analyticsSettings };

const RECOMPUTE = /* GraphQL */ `
  mutation {
    recomputeCustomerAnalytics {
      id
      trigger
      status
      startedAt
      finishedAt
      windowFrom
      windowTo
      membersProcessed
      batches
      error
    }
  }
`;

const manager: Identity = testIdentity('Manager', {
  userId: '00000000-0000-4000-8000-000000000003',
  username: 'gaming.manager',
  department: 'Gaming',
});

async function seed(services: PlayAndMembers): Promise<void> {
  await services.addMembers([
    {
      id: WHALE,
      tier: 'VIP',
      pointsBalance: 25_000,
      registrationDate: '2020-01-01T00:00:00Z',
      dateOfBirth: '1975-07-14T00:00:00Z',
    },
    {
      id: REGULAR,
      tier: 'Ruby',
      pointsBalance: 100,
      registrationDate: '2026-05-20T00:00:00Z',
      dateOfBirth: '1990-12-03T00:00:00Z',
      marketingConsent: false,
    },
    {
      id: EXCLUDED,
      tier: 'Sapphire',
      registrationDate: '2022-03-01T00:00:00Z',
      dateOfBirth: '1982-02-20T00:00:00Z',
      selfExcluded: true,
    },
    {
      id: LAPSED,
      tier: 'Diamond',
      registrationDate: '2021-06-01T00:00:00Z',
      dateOfBirth: '1968-10-09T00:00:00Z',
    },
    // STRANGER plays but loyalty does not know them
  ]);
  await services.addSessions([
    // whale: gaming day 1 May (a long loss, then another loss after midnight: loss chasing), 15 May a win
    {
      memberId: WHALE,
      game: 'baccarat',
      start: '2026-05-01T20:00:00Z',
      minutes: 300,
      buyIn: '20000.00',
      net: '-8000.00',
      theo: '600.00',
    },
    {
      memberId: WHALE,
      game: 'baccarat',
      start: '2026-05-02T01:30:00Z',
      minutes: 120,
      buyIn: '10000.00',
      net: '-4000.00',
      theo: '300.00',
    },
    {
      memberId: WHALE,
      game: 'blackjack',
      start: '2026-05-15T21:00:00Z',
      minutes: 60,
      buyIn: '6000.00',
      net: '2000.00',
      theo: '50.00',
    },
    // regular: three visits, mornings and afternoons, mostly slots
    {
      memberId: REGULAR,
      game: 'slots',
      start: '2026-05-20T10:00:00Z',
      minutes: 60,
      buyIn: '200.00',
      net: '-50.00',
      theo: '16.00',
    },
    {
      memberId: REGULAR,
      game: 'slots',
      start: '2026-05-25T14:00:00Z',
      minutes: 30,
      buyIn: '100.00',
      net: '20.00',
      theo: '8.00',
    },
    {
      memberId: REGULAR,
      game: 'blackjack',
      start: '2026-05-25T15:00:00Z',
      minutes: 45,
      buyIn: '300.00',
      net: '-100.00',
      theo: '5.00',
    },
    {
      memberId: REGULAR,
      game: 'slots',
      start: '2026-05-28T09:00:00Z',
      minutes: 30,
      buyIn: '100.00',
      net: '-100.00',
      theo: '8.00',
    },
    // self-excluded member: one long night of losses, chasing
    {
      memberId: EXCLUDED,
      game: 'baccarat',
      start: '2026-04-10T22:00:00Z',
      minutes: 400,
      buyIn: '5000.00',
      net: '-5000.00',
      theo: '200.00',
    },
    {
      memberId: EXCLUDED,
      game: 'baccarat',
      start: '2026-04-11T05:00:00Z',
      minutes: 300,
      buyIn: '5000.00',
      net: '-5000.00',
      theo: '150.00',
    },
    // lapsed: last played before the window
    {
      memberId: LAPSED,
      game: 'slots',
      start: '2026-02-01T20:00:00Z',
      minutes: 90,
      buyIn: '400.00',
      net: '-400.00',
      theo: '32.00',
    },
    {
      memberId: STRANGER,
      game: 'slots',
      start: '2026-05-10T12:00:00Z',
      minutes: 60,
      buyIn: '100.00',
      net: '-10.00',
      theo: '8.00',
    },
  ]);
}

/** What marketing knew of the lapsed member before: play figures from an earlier run, and its own fields. */
const lapsedBefore: CustomerAnalyticsDocument = {
  id: '40000000-0000-4000-8000-000000000004',
  member_id: LAPSED,
  last_activity_date: new Date('2026-02-01T20:00:00Z'),
  visit_frequency: 3,
  avg_session_duration: 90,
  avg_spend_per_visit: toMoney('400.00'),
  favorite_games: ['slots'],
  preferred_visit_times: ['evening'],
  social_interactions: 4,
  birthday_month: 10,
  preferred_drinks: ['tea'],
  dietary_preferences: ['vegan'],
  risk_score: 20,
  marketing_segments: ['frequent_visitor'],
  last_updated: new Date('2026-02-02T00:00:00Z'),
};

describe('recomputeCustomerAnalytics with real gaming and loyalty', () => {
  let services: PlayAndMembers;
  let harness: SubgraphHarness;
  let job: AnalyticsRecomputeJob;

  const analyticsOf = async (memberId: string) =>
    harness.db
      .collection<CustomerAnalyticsDocument>(CUSTOMER_ANALYTICS)
      .findOne({ member_id: memberId }, { projection: { _id: 0 } });
  const allAnalytics = () =>
    harness.db
      .collection<CustomerAnalyticsDocument>(CUSTOMER_ANALYTICS)
      .find({}, { projection: { _id: 0 } })
      .sort({ member_id: 1 })
      .toArray();

  beforeAll(async () => {
    services = await startPlayAndMembers();
    await seed(services);
    harness = await startSubgraphHarness(createMarketingSubgraph(settings), {
      services: { gaming: services.gaming, loyalty: services.loyalty },
    });
    await harness.db.collection(CUSTOMER_ANALYTICS).insertOne({ ...lapsedBefore });
    job = new AnalyticsRecomputeJob(
      analyticsJobStores(harness.db),
      { gaming: services.gaming, loyalty: services.loyalty },
      analyticsSettings,
      undefined,
      () => NOW,
    );
  });
  afterAll(async () => {
    await harness?.close();
    await services?.stop();
  });

  it('walks the players in batches, then the members who did not play, and records the run', async () => {
    const run = await job.run('scheduled');
    expect(run).toMatchObject({
      trigger: 'scheduled',
      status: 'completed',
      started_at: NOW,
      finished_at: NOW,
      window_from: new Date('2026-03-03T00:00:00.000Z'),
      window_to: NOW,
      // players WHALE, REGULAR | EXCLUDED, STRANGER, then the sweep: LAPSED
      members_processed: 5,
      batches: 3,
      error: null,
    });
    expect(run.lock).toBeUndefined();
    const stored = await harness.db
      .collection(ANALYTICS_RUNS)
      .findOne({ id: run.id }, { projection: { _id: 0 } });
    expect(stored).toEqual(run);
  });

  it('computes visits, durations, spend, favourite games, visit times, risk and segments exactly', async () => {
    expect(await analyticsOf(WHALE)).toMatchObject({
      member_id: WHALE,
      last_activity_date: new Date('2026-05-15T21:00:00Z'),
      // 2 gaming days (1 May, with the 01:30 session, and 15 May) x 30 / 90 days
      visit_frequency: 0.67,
      avg_session_duration: 160,
      avg_spend_per_visit: toMoney('18000.00'),
      favorite_games: ['baccarat', 'blackjack'],
      preferred_visit_times: ['evening', 'night'],
      birthday_month: 7,
      // 100 x (40 x 1/2 + 25 x 1/3 + 15 x 0.67/20 + 20 x 12000/36000) / 100
      risk_score: 35.5,
      marketing_segments: ['high_roller', 'points_collector', 'tier_vip'],
      social_interactions: 0,
      preferred_drinks: [],
      dietary_preferences: [],
      last_updated: NOW,
    });
    expect(await analyticsOf(REGULAR)).toMatchObject({
      last_activity_date: new Date('2026-05-28T09:00:00Z'),
      visit_frequency: 1,
      // (60 + 30 + 45 + 30) / 4 = 41.25
      avg_session_duration: 41,
      avg_spend_per_visit: toMoney('233.33'),
      favorite_games: ['slots', 'blackjack'],
      // two mornings, two afternoons: ties by name
      preferred_visit_times: ['afternoon', 'morning'],
      birthday_month: 12,
      // 100 x (15 x 1/20 + 20 x 250/700) / 100
      risk_score: 7.89,
      marketing_segments: ['frequent_visitor', 'new_member', 'tier_ruby', 'no_marketing_consent'],
    });
    expect(await analyticsOf(EXCLUDED)).toMatchObject({
      visit_frequency: 0.33,
      avg_session_duration: 350,
      avg_spend_per_visit: toMoney('10000.00'),
      preferred_visit_times: ['evening', 'night'],
      // 100 x (40 x 1 + 25 x 1 + 15 x 0.33/20 + 20 x 1) / 100
      risk_score: 85.25,
      marketing_segments: ['high_roller', 'at_risk', 'tier_sapphire', 'self_excluded'],
    });
    // unknown to loyalty: the play is described, but no segment puts the member in an audience
    expect(await analyticsOf(STRANGER)).toMatchObject({
      favorite_games: ['slots'],
      birthday_month: null,
      marketing_segments: [],
    });
  });

  it('zeroes the play of a member with none in the window, keeping what marketing owns', async () => {
    expect(await analyticsOf(LAPSED)).toEqual({
      ...lapsedBefore,
      visit_frequency: 0,
      avg_session_duration: 0,
      avg_spend_per_visit: toMoney('0.00'),
      favorite_games: [],
      preferred_visit_times: [],
      risk_score: 0,
      marketing_segments: ['lapsed', 'tier_diamond'],
      last_updated: NOW,
    });
  });

  it('writes the same documents when run again', async () => {
    const before = await allAnalytics();
    expect(before).toHaveLength(5);
    const again = await job.run('on_demand');
    expect(again).toMatchObject({ status: 'completed', members_processed: 4, batches: 2 });
    expect(await allAnalytics()).toEqual(before);
  });

  it('never derives analytics again for a member erased on request', async () => {
    await harness.db.collection(ERASED_MEMBERS).insertOne({ member_id: WHALE, erased_at: NOW });
    await harness.db.collection(CUSTOMER_ANALYTICS).deleteOne({ member_id: WHALE });
    try {
      const run = await job.run('on_demand');
      expect(run.status).toBe('completed');
      expect(await analyticsOf(WHALE)).toBeNull();
      expect(await analyticsOf(REGULAR)).not.toBeNull();
    } finally {
      await harness.db.collection(ERASED_MEMBERS).deleteOne({ member_id: WHALE });
      await job.run('on_demand');
    }
    expect(await analyticsOf(WHALE)).not.toBeNull();
  });

  it('lets campaign audiences see the new segments, self-excluded members left out', async () => {
    const created = await harness.execute<{ createMarketingCampaign: { id: string } }>(
      `mutation($input: CreateMarketingCampaignInput!) { createMarketingCampaign(input: $input) { id } }`,
      {
        input: {
          name: 'High rollers in June',
          campaignType: 'promotion',
          targetAudience: ['high_roller', 'lapsed'],
          startDate: '2026-06-01T00:00:00Z',
          endDate: '2026-07-01T00:00:00Z',
          budget: '1000.00',
        },
      },
    );
    expect(created.errors).toBeUndefined();
    const preview = await harness.execute<{ previewCampaignAudience: unknown }>(
      `query($id: ID!) { previewCampaignAudience(id: $id) {
         memberCount excludedSelfExcluded bySegment { segment members } sample { id } } }`,
      { id: created.data!.createMarketingCampaign.id },
    );
    expect(preview.errors).toBeUndefined();
    expect(preview.data!.previewCampaignAudience).toEqual({
      memberCount: 2,
      excludedSelfExcluded: 1,
      bySegment: [
        { segment: 'high_roller', members: 1 },
        { segment: 'lapsed', members: 1 },
      ],
      sample: [{ id: WHALE }, { id: LAPSED }],
    });
  });

  it('refuses a second run while one holds the job, and takes over from a crashed one', async () => {
    const runs = harness.db.collection<AnalyticsRunDocument>(ANALYTICS_RUNS);
    const holder = {
      id: 'crashed-run',
      trigger: 'scheduled' as const,
      status: 'running' as const,
      started_at: NOW,
      finished_at: null,
      window_from: NOW,
      window_to: NOW,
      members_processed: 0,
      batches: 0,
      error: null,
      // a live run: it finished a batch just now
      heartbeat_at: new Date(),
      lock: 'customer_analytics',
    };
    await runs.insertOne({ ...holder });
    const busy = await harness.execute(RECOMPUTE);
    expect(busy.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    // the holder goes silent for longer than runStaleMs: it crashed, and the next run takes over
    await runs.updateOne(
      { id: 'crashed-run' },
      { $set: { heartbeat_at: new Date(Date.now() - analyticsSettings.runStaleMs - 1_000) } },
    );
    const taken = await harness.execute<{ recomputeCustomerAnalytics: { status: string; trigger: string } }>(
      RECOMPUTE,
    );
    expect(taken.errors).toBeUndefined();
    expect(taken.data!.recomputeCustomerAnalytics).toMatchObject({
      status: 'completed',
      trigger: 'on_demand',
    });
    expect(await runs.findOne({ id: 'crashed-run' })).toMatchObject({
      status: 'failed',
      error: 'abandoned: no progress (crashed?)',
    });
    expect((await runs.findOne({ id: 'crashed-run' }))?.lock).toBeUndefined();
  });

  it('is for GeneralAdmin and above, and audited', async () => {
    harness.auditEvents.length = 0;
    const denied = await harness.execute(RECOMPUTE, {}, { identity: manager });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const allowed = await harness.execute<{ recomputeCustomerAnalytics: { id: string } }>(RECOMPUTE);
    expect(allowed.errors).toBeUndefined();
    expect(harness.auditEvents.map((e) => [e.action, e.outcome])).toEqual([
      ['recomputeCustomerAnalytics', 'denied'],
      ['recomputeCustomerAnalytics', 'allowed'],
    ]);
    expect(JSON.stringify(harness.auditEvents[1]!.changes)).toContain(
      allowed.data!.recomputeCustomerAnalytics.id,
    );
  });
});

describe('recomputeCustomerAnalytics when a service is down', () => {
  let services: PlayAndMembers;

  beforeAll(async () => {
    services = await startPlayAndMembers();
    await seed(services);
  });
  afterAll(() => services?.stop());

  it('fails with SERVICE_UNAVAILABLE when gaming is down, records the failed run and frees the job', async () => {
    const harness = await startSubgraphHarness(createMarketingSubgraph(settings), {
      services: { gaming: await unreachableService(), loyalty: services.loyalty },
    });
    try {
      const result = await harness.execute(RECOMPUTE);
      expect(result.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      const runs = await harness.db
        .collection(ANALYTICS_RUNS)
        .find({}, { projection: { _id: 0 } })
        .toArray();
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'failed', error: 'gaming could not be reached' });
      expect(runs[0]!.lock).toBeUndefined();
    } finally {
      await harness.close();
    }
  });

  it('writes nothing of a batch when loyalty is down, and a later run completes it', async () => {
    const harness = await startSubgraphHarness(createMarketingSubgraph(settings), {
      services: { gaming: services.gaming, loyalty: await unreachableService() },
    });
    try {
      const down = new AnalyticsRecomputeJob(
        analyticsJobStores(harness.db),
        { gaming: services.gaming, loyalty: await unreachableService() },
        analyticsSettings,
        undefined,
        () => NOW,
      );
      await expect(down.run('scheduled')).rejects.toBeInstanceOf(AnalyticsServiceUnavailable);
      expect(await harness.db.collection(CUSTOMER_ANALYTICS).countDocuments()).toBe(0);

      const up = new AnalyticsRecomputeJob(
        analyticsJobStores(harness.db),
        { gaming: services.gaming, loyalty: services.loyalty },
        analyticsSettings,
        undefined,
        () => NOW,
      );
      expect(await up.run('scheduled')).toMatchObject({ status: 'completed', members_processed: 4 });
      expect(await harness.db.collection(CUSTOMER_ANALYTICS).countDocuments()).toBe(4);
    } finally {
      await harness.close();
    }
  });

  it('runs on its interval, logging a failure and trying again at the next one; 0 disables it', async () => {
    const harness = await startSubgraphHarness(createMarketingSubgraph(settings));
    try {
      const logger = createLogger({ name: 'marketing', level: 'silent' });
      const down = new AnalyticsRecomputeJob(
        analyticsJobStores(harness.db),
        { gaming: await unreachableService(), loyalty: services.loyalty },
        analyticsSettings,
      );
      const runs = harness.db.collection<AnalyticsRunDocument>(ANALYTICS_RUNS);
      const disabled = await startScheduler({
        db: harness.db,
        jobs: analyticsRecomputeJobs(down, { ...analyticsSettings, intervalMs: 0 }, logger),
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await runs.countDocuments()).toBe(0);
      const scheduled = await startScheduler({
        db: harness.db,
        jobs: analyticsRecomputeJobs(down, { ...analyticsSettings, intervalMs: 50 }, logger),
      });
      for (let i = 0; i < 100 && (await runs.countDocuments({ status: 'failed' })) < 2; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await scheduled.stop();
      await disabled.stop();
      const failed = await runs.find({}, { projection: { _id: 0 } }).toArray();
      expect(failed.length).toBeGreaterThanOrEqual(2);
      expect(failed.every((r) => r.trigger === 'scheduled' && r.status === 'failed')).toBe(true);
    } finally {
      await harness.close();
    }
  });
});
