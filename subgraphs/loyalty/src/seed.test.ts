import { Faker, en } from '@faker-js/faker';
import { loyaltySubgraph } from './index';
import type { MemberDocument } from './members/member-store';
import { seedLoyalty } from './seed';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('seedLoyalty: identity document expiries', () => {
  let harness: SubgraphHarness;
  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('gives every member an expiry: most 1-8 years ahead, about 3% within 60 days, about 1% expired', async () => {
    const now = new Date('2026-11-01T00:00:00.000Z');
    const faker = new Faker({ locale: [en] });
    faker.seed(42);
    await seedLoyalty(harness.db, { faker, members: 2_000, now, protector: harness.protector! });
    const members = await harness.db
      .collection<MemberDocument>('members')
      .find({}, { projection: { _id: 0, document_expiry: 1 } })
      .toArray();
    expect(members).toHaveLength(2_000);
    const days = members.map((m) => (m.document_expiry!.getTime() - now.getTime()) / DAY_MS);
    const expired = days.filter((d) => d < 0).length;
    const soon = days.filter((d) => d >= 0 && d <= 60).length;
    const later = days.filter((d) => d >= 365 && d <= 8 * 365).length;
    expect(expired + soon + later).toBe(2_000);
    expect(expired).toBeGreaterThanOrEqual(8);
    expect(expired).toBeLessThanOrEqual(40);
    expect(soon).toBeGreaterThanOrEqual(35);
    expect(soon).toBeLessThanOrEqual(90);
  });
});
