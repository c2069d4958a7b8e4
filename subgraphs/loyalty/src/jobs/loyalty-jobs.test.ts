import { randomUUID } from 'node:crypto';
import { loyaltySubgraph } from '../index';
import type { LedgerBalance } from '../points/ledger-store';
import type { MemberDocument } from '../members/member-store';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import { admin, memberDocument } from '../testing/fixtures';
import { createLogger } from '@casino/logger';
import { startScheduler } from '@casino/scheduler';
import { currentTierPeriodStart, LoyaltyJobs, loyaltyJobs } from './loyalty-jobs';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const DAY = 86_400_000;
const NOW = new Date('2026-06-15T03:00:00.000Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

const RUN = /* GraphQL */ `
  mutation ($now: DateTime) {
    runLoyaltyJobs(now: $now) {
      membersExpired
      pointsExpired
      tierPeriodEnd
      membersTierEvaluated
    }
  }
`;

describe('loyalty jobs', () => {
  let harness: SubgraphHarness;
  let jobs: LoyaltyJobs;
  const members = () => harness.db.collection<MemberDocument>('members');
  const ledger = () => harness.db.collection('points_ledger');

  async function entry(memberId: string, balance: LedgerBalance, amount: number, at: Date) {
    await ledger().insertOne({
      id: randomUUID(),
      member_id: memberId,
      balance,
      type: 'earn',
      amount,
      source: 'gaming_session',
      source_id: null,
      reason: null,
      idempotency_key: `test:${randomUUID()}`,
      created_at: at,
    });
  }
  /** A member whose balances are backed by earn entries at the given times. */
  async function member(
    earns: { points?: number; credits?: number; at: Date }[],
    overrides: Partial<MemberDocument> = {},
  ) {
    const points = earns.reduce((sum, e) => sum + (e.points ?? 0), 0);
    const credits = earns.reduce((sum, e) => sum + (e.credits ?? 0), 0);
    const doc = memberDocument({
      points_balance: points,
      tier_credits: credits,
      registration_date: daysAgo(900),
      ...overrides,
    });
    await members().insertOne({ ...doc });
    for (const e of earns) {
      if (e.points) await entry(doc.id, 'points', e.points, e.at);
      if (e.credits) await entry(doc.id, 'tier_credits', e.credits, e.at);
    }
    return doc;
  }
  async function sums(memberId: string) {
    const rows = await ledger()
      .aggregate<{ _id: string; sum: number }>([
        { $match: { member_id: memberId } },
        { $group: { _id: '$balance', sum: { $sum: '$amount' } } },
      ])
      .toArray();
    const stored = (await members().findOne({ id: memberId }))!;
    return {
      points: stored.points_balance,
      pointsLedger: rows.find((r) => r._id === 'points')?.sum ?? 0,
      credits: stored.tier_credits,
      creditsLedger: rows.find((r) => r._id === 'tier_credits')?.sum ?? 0,
      tier: stored.tier,
    };
  }

  beforeEach(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
    jobs = new LoyaltyJobs(harness.db, DEFAULT_LOYALTY_SETTINGS);
  });
  afterEach(() => harness.close());

  it('expires the points of members inactive for 180 days, once', async () => {
    const idle = await member([{ points: 300, at: daysAgo(200) }], { last_visit: daysAgo(200) });
    const recentEarn = await member([{ points: 300, at: daysAgo(10) }], { last_visit: daysAgo(400) });
    const recentVisit = await member([{ points: 300, at: daysAgo(300) }], { last_visit: daysAgo(179) });
    const neverVisited = await member([{ points: 50, at: daysAgo(181) }], { last_visit: null });
    const first = await jobs.expirePoints(NOW);
    expect(first).toEqual({ membersExpired: 2, pointsExpired: 350 });
    expect(await sums(idle.id)).toMatchObject({ points: 0, pointsLedger: 0 });
    expect(await sums(neverVisited.id)).toMatchObject({ points: 0, pointsLedger: 0 });
    expect(await sums(recentEarn.id)).toMatchObject({ points: 300, pointsLedger: 300 });
    expect(await sums(recentVisit.id)).toMatchObject({ points: 300, pointsLedger: 300 });
    const expiry = await ledger().findOne({ member_id: idle.id, type: 'expire' });
    expect(expiry).toMatchObject({
      amount: -300,
      idempotency_key: `expire:${idle.id}:${daysAgo(200).toISOString().slice(0, 10)}`,
    });
    const entriesBefore = await ledger().countDocuments();
    expect(await jobs.expirePoints(NOW)).toEqual({ membersExpired: 0, pointsExpired: 0 });
    expect(await ledger().countDocuments()).toBe(entriesBefore);
    // points given back by hand are not expired again for the same stretch of inactivity
    await members().updateOne({ id: idle.id }, { $inc: { points_balance: 100 } });
    await ledger().insertOne({
      id: randomUUID(),
      member_id: idle.id,
      balance: 'points',
      type: 'adjust',
      amount: 100,
      source: 'manual_adjustment',
      source_id: null,
      reason: 'goodwill',
      idempotency_key: `adjust:${randomUUID()}`,
      created_at: NOW,
    });
    expect(await jobs.expirePoints(NOW)).toEqual({ membersExpired: 0, pointsExpired: 0 });
    expect(await sums(idle.id)).toMatchObject({ points: 100, pointsLedger: 100 });
  });

  it('runs on the configured interval as background work', async () => {
    const idle = await member([{ points: 70, at: new Date(Date.now() - 400 * DAY) }], {
      last_visit: new Date(Date.now() - 400 * DAY),
    });
    const background = await startScheduler({
      db: harness.db,
      jobs: loyaltyJobs(
        harness.db,
        { ...DEFAULT_LOYALTY_SETTINGS, jobsIntervalMs: 20 },
        createLogger({ name: 'loyalty', level: 'silent' }),
      ),
    });
    try {
      for (let i = 0; i < 100 && (await sums(idle.id)).points > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await background.stop();
    }
    expect(await sums(idle.id)).toMatchObject({ points: 0, pointsLedger: 0 });
  });

  it('closes a tier period from its credits, keeps later credits, and only once', async () => {
    const periodEnd = new Date('2026-01-01T00:00:00.000Z');
    const diamond = await member([
      { credits: 25_000, at: new Date('2025-07-01T00:00:00Z') },
      { credits: 100, at: new Date('2026-02-01T00:00:00Z') },
    ]);
    const lapsedVip = await member([], { tier: 'VIP' });
    const risingFast = await member(
      [
        { credits: 3_000, at: new Date('2025-12-01T00:00:00Z') },
        { credits: 80_000, at: new Date('2026-03-01T00:00:00Z') },
      ],
      { tier: 'VIP' },
    );
    const result = await jobs.evaluateTierPeriod(periodEnd);
    expect(result.membersEvaluated).toBe(3);
    expect(await sums(diamond.id)).toEqual({
      points: 0,
      pointsLedger: 0,
      credits: 100,
      creditsLedger: 100,
      tier: 'Diamond',
    });
    expect(await sums(lapsedVip.id)).toMatchObject({ credits: 0, creditsLedger: 0, tier: 'Ruby' });
    expect(await sums(risingFast.id)).toMatchObject({ credits: 80_000, creditsLedger: 80_000, tier: 'VIP' });
    const again = await jobs.evaluateTierPeriod(periodEnd);
    expect(again.membersEvaluated).toBe(0);
    expect(await sums(diamond.id)).toMatchObject({ credits: 100, tier: 'Diamond' });
    // the ledger keys guard a rerun too, even without the run marker
    await harness.db.collection('loyalty_job_runs').deleteMany({});
    expect((await jobs.evaluateTierPeriod(periodEnd)).membersEvaluated).toBe(0);
    expect(await sums(diamond.id)).toMatchObject({ credits: 100, creditsLedger: 100 });
  });

  it('runs on demand for a SuperAdmin only', async () => {
    await member([{ points: 80, credits: 6_000, at: daysAgo(365) }], { last_visit: daysAgo(365) });
    const manager = await harness.execute(RUN, { now: NOW.toISOString() }, { identity: admin('Manager') });
    expect(manager.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const result = await harness.execute(RUN, { now: NOW.toISOString() });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      runLoyaltyJobs: {
        membersExpired: 1,
        pointsExpired: 80,
        tierPeriodEnd: '2026-01-01T00:00:00.000Z',
        membersTierEvaluated: 1,
      },
    });
    const again = await harness.execute(RUN, { now: NOW.toISOString() });
    expect(again.data).toMatchObject({ runLoyaltyJobs: { membersExpired: 0, membersTierEvaluated: 0 } });
  });

  it('starts tier periods on 1 January and every configured number of months', () => {
    expect(currentTierPeriodStart(NOW, 12)).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(currentTierPeriodStart(NOW, 3)).toEqual(new Date('2026-04-01T00:00:00Z'));
    // at local midnight in the property's time zone: 03:00 UTC on 1 January is still 31 December in New York
    expect(currentTierPeriodStart(NOW, 12, 'America/New_York')).toEqual(new Date('2026-01-01T05:00:00Z'));
    expect(currentTierPeriodStart(new Date('2026-01-01T03:00:00Z'), 12, 'America/New_York')).toEqual(
      new Date('2025-01-01T05:00:00Z'),
    );
    expect(currentTierPeriodStart(NOW, 3, 'Asia/Kolkata')).toEqual(new Date('2026-03-31T18:30:00Z'));
  });

  it('counts the expiry days as local calendar days across a daylight-saving change, keyed by the local date', async () => {
    // NOW is 23:00 EDT on 14 June; 180 local days before is 23:00 EST on 16 December, 04:00 UTC on the 17th
    const local = new LoyaltyJobs(harness.db, { ...DEFAULT_LOYALTY_SETTINGS, timeZone: 'America/New_York' });
    const lastActive = new Date('2025-12-17T03:30:00Z'); // 22:30 EST on 16 December: 180 days and 30 minutes
    const stillActive = new Date('2025-12-17T04:30:00Z'); // 23:30 EST: 23 hours 30 minutes short of 180 days
    const idle = await member([{ points: 40, at: lastActive }], { last_visit: lastActive });
    const kept = await member([{ points: 60, at: stillActive }], { last_visit: stillActive });
    expect(await local.expirePoints(NOW)).toEqual({ membersExpired: 1, pointsExpired: 40 });
    expect(await sums(kept.id)).toMatchObject({ points: 60, pointsLedger: 60 });
    expect(await ledger().findOne({ member_id: idle.id, type: 'expire' })).toMatchObject({
      idempotency_key: `expire:${idle.id}:2025-12-16`,
    });
  });
});
