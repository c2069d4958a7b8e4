import { Faker, en } from '@faker-js/faker';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { loyaltySubgraph } from '../index';
import type { MemberDocument } from '../members/member-store';
import { PointsLedger } from '../points/points-ledger';
import { seedLoyalty } from '../seed';
import { DEFAULT_LOYALTY_SETTINGS } from '../settings';
import { createStores } from '../stores';
import type { CompDocument } from './comp-store';

describe('seedLoyalty: comps', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('gives every member a comp balance its ledger adds up to, and comps in every state', async () => {
    const now = new Date('2026-11-01T00:00:00.000Z');
    const faker = new Faker({ locale: [en] });
    faker.seed(7);
    await seedLoyalty(harness.db, { faker, members: 300, now, protector: harness.protector! });
    const members = await harness.db
      .collection<MemberDocument>('members')
      .find({}, { projection: { _id: 0, id: 1, comp_balance_cents: 1 } })
      .toArray();
    expect(members).toHaveLength(300);
    const ledger = new PointsLedger(createStores(harness.db), DEFAULT_LOYALTY_SETTINGS);
    for (const member of members) {
      expect(member.comp_balance_cents).toBeGreaterThanOrEqual(0);
      expect(await ledger.check(member.id)).toMatchObject({ consistent: true });
    }
    const comps = await harness.db.collection<CompDocument>('comps').find({}).toArray();
    expect(comps.length).toBeGreaterThan(50);
    expect(new Set(comps.map((c) => c.status))).toEqual(
      new Set(['issued', 'redeemed', 'voided', 'pending_approval']),
    );
    for (const comp of comps) expect(comp.requested_at.getTime()).toBeLessThanOrEqual(now.getTime());
  });
});
