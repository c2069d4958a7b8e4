import { randomUUID } from 'node:crypto';
import { Faker, en } from '@faker-js/faker';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { loyaltySubgraph, seedLoyaltyHosts } from '../index';
import type { MemberDocument } from '../members/member-store';
import type { PointsLedgerDocument } from '../points/ledger-store';
import { PointsLedger } from '../points/points-ledger';
import { seedLoyalty } from '../seed';
import { DEFAULT_LOYALTY_SETTINGS, TIER_ORDER } from '../settings';
import { createStores } from '../stores';
import type { VipExperienceDocument } from './vip-experience-store';

describe('seedLoyalty: VIP experiences and hosts', () => {
  let harness: SubgraphHarness;
  const now = new Date('2026-11-01T00:00:00.000Z');
  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
    const faker = new Faker({ locale: [en] });
    faker.seed(7);
    await seedLoyalty(harness.db, { faker, members: 300, now, protector: harness.protector! });
  });
  afterAll(() => harness.close());

  it('books experiences in every state for eligible members, charged ones backed by their charge', async () => {
    const experiences = await harness.db
      .collection<VipExperienceDocument>('vip_experiences')
      .find({})
      .toArray();
    expect(experiences.length).toBeGreaterThan(10);
    expect(new Set(experiences.map((e) => e.status))).toEqual(
      new Set(['requested', 'approved', 'scheduled', 'completed', 'cancelled']),
    );
    const members = new Map(
      (await harness.db.collection<MemberDocument>('members').find({}).toArray()).map((m) => [m.id, m]),
    );
    const charges = harness.db.collection<PointsLedgerDocument>('points_ledger');
    const ledger = new PointsLedger(createStores(harness.db), DEFAULT_LOYALTY_SETTINGS);
    for (const experience of experiences) {
      const member = members.get(experience.member_id)!;
      const minimum = DEFAULT_LOYALTY_SETTINGS.vipMinimumTier[experience.kind];
      expect(TIER_ORDER.indexOf(member.tier)).toBeGreaterThanOrEqual(TIER_ORDER.indexOf(minimum));
      expect(experience.requested_at.getTime()).toBeLessThanOrEqual(now.getTime());
      const charge = await charges.findOne({ source: 'comp_charge', source_id: experience.id });
      if (['approved', 'scheduled', 'completed'].includes(experience.status)) {
        expect(charge).toMatchObject({ amount: -experience.cost_cents, member_id: member.id });
      } else {
        expect(charge).toBeNull();
      }
      expect(await ledger.check(member.id)).toMatchObject({ consistent: true });
      expect(member.comp_balance_cents).toBeGreaterThanOrEqual(0);
    }
  });

  it("assigns active Gaming staff as hosts once workforce's staff are known", async () => {
    const gaming = [randomUUID(), randomUUID()];
    const assigned = await seedLoyaltyHosts(harness.db, [
      { id: gaming[0]!, department: 'Gaming', active: true },
      { id: randomUUID(), department: 'Gaming', active: false },
      { id: randomUUID(), department: 'F&B', active: true },
      { id: gaming[1]!, department: 'Gaming', active: true },
    ]);
    const hosted = await harness.db
      .collection<MemberDocument>('members')
      .find({ host_staff_id: { $ne: null } })
      .toArray();
    expect(hosted.length).toBe(assigned);
    expect(assigned).toBeGreaterThan(20);
    expect(new Set(hosted.map((m) => m.host_staff_id))).toEqual(new Set(gaming));
  });
});
