import { randomUUID } from 'node:crypto';
import { toMoney } from '@casino/mongo';
import { gamingSubgraph } from '../index';
import { unreachableService } from '../testing/dead-service';
import { packageFixture } from '../testing/fixtures';
import { startTestLoyalty } from '../testing/loyalty';
import type { TestLoyalty } from '../testing/loyalty';
import { GAMING_PACKAGES } from './package-store';
import { PACKAGE_PURCHASES } from './purchase-store';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const PURCHASE = /* GraphQL */ `
  mutation Purchase($input: PurchaseGamingPackageInput!) {
    purchaseGamingPackage(input: $input) {
      id
      member {
        id
      }
      package {
        id
        name
      }
      packageName
      price
      creditsTotal
      creditsRemaining
      purchasedAt
      expiresAt
      status
    }
  }
`;

const MEMBER_PACKAGES = /* GraphQL */ `
  query MemberPackages($r: [_Any!]!, $includeExpired: Boolean) {
    _entities(representations: $r) {
      ... on Member {
        id
        gamingPackages(includeExpired: $includeExpired) {
          id
          packageName
          creditsRemaining
          status
          expiresAt
        }
      }
    }
  }
`;

interface Purchased {
  purchaseGamingPackage: Record<string, unknown> & { id: string; purchasedAt: string; expiresAt: string };
}

describe('purchaseGamingPackage and Member.gamingPackages', () => {
  let harness: SubgraphHarness;
  let loyalty: TestLoyalty;
  const highLimit = packageFixture();
  const everyone = packageFixture({
    name: 'Starter',
    price: toMoney('50'),
    credits: toMoney('60.00'),
    validity_hours: 24,
    tier_access: ['Ruby', 'Sapphire', 'Diamond', 'VIP'],
  });
  const retired = packageFixture({ name: 'Old promo', is_active: false });
  const purchases = () => harness.db.collection(PACKAGE_PURCHASES);

  beforeAll(async () => {
    loyalty = await startTestLoyalty();
    harness = await startSubgraphHarness(gamingSubgraph, { services: { loyalty: loyalty.client } });
    await harness.db
      .collection(GAMING_PACKAGES)
      .insertMany([highLimit, everyone, retired].map((p) => ({ ...p })));
  });
  afterAll(async () => {
    await harness.close();
    await loyalty.stop();
  });

  it('sells a package the member tier allows, valid for the package validity hours', async () => {
    const member = await loyalty.addMember({ tier: 'Diamond' });
    const before = Date.now();
    const result = await harness.execute<Purchased>(PURCHASE, {
      input: { memberId: member, packageId: highLimit.id },
    });
    expect(result.errors).toBeUndefined();
    const purchase = result.data!.purchaseGamingPackage;
    expect(purchase).toMatchObject({
      member: { id: member },
      package: { id: highLimit.id, name: 'High-limit weekend' },
      packageName: 'High-limit weekend',
      price: '500.00',
      creditsTotal: '550.00',
      creditsRemaining: '550.00',
      status: 'active',
    });
    const purchasedAt = new Date(purchase.purchasedAt).getTime();
    expect(purchasedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(new Date(purchase.expiresAt).getTime() - purchasedAt).toBe(48 * 3_600_000);
    const stored = await purchases().findOne({ id: purchase.id });
    expect(stored!.credits_remaining.toString()).toBe('550.00');
    expect(harness.auditEvents.at(-1)).toMatchObject({
      action: 'purchaseGamingPackage',
      targetType: 'GamingPackagePurchase',
      targetId: purchase.id,
    });
  });

  it.each([
    [
      'a tier the package is not for',
      { tier: 'Sapphire' as const },
      () => highLimit.id,
      'FORBIDDEN',
      'input.packageId',
    ],
    [
      'a self-excluded member',
      { tier: 'VIP' as const, self_excluded: true },
      () => highLimit.id,
      'FORBIDDEN',
      'input.memberId',
    ],
    [
      'an inactive member',
      { tier: 'VIP' as const, is_active: false },
      () => everyone.id,
      'FORBIDDEN',
      'input.memberId',
    ],
    [
      'a package no longer on sale',
      { tier: 'VIP' as const },
      () => retired.id,
      'BAD_USER_INPUT',
      'input.packageId',
    ],
    ['an unknown package', { tier: 'VIP' as const }, () => randomUUID(), 'BAD_USER_INPUT', 'input.packageId'],
  ])('refuses %s, writing nothing', async (_, member, packageId, code, field) => {
    const memberId = await loyalty.addMember(member);
    const before = await purchases().countDocuments();
    const result = await harness.execute(PURCHASE, { input: { memberId, packageId: packageId() } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code, field });
    expect(result.data).toBeNull();
    expect(await purchases().countDocuments()).toBe(before);
  });

  it('refuses a member loyalty does not know as BAD_USER_INPUT', async () => {
    const result = await harness.execute(PURCHASE, {
      input: { memberId: randomUUID(), packageId: everyone.id },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.memberId' });
  });

  it('refuses with SERVICE_UNAVAILABLE when loyalty cannot be reached, writing nothing', async () => {
    const offline = await startSubgraphHarness(gamingSubgraph, {
      services: { loyalty: await unreachableService() },
    });
    try {
      await offline.db.collection(GAMING_PACKAGES).insertOne({ ...everyone });
      const result = await offline.execute(PURCHASE, {
        input: { memberId: randomUUID(), packageId: everyone.id },
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(await offline.db.collection(PACKAGE_PURCHASES).countDocuments()).toBe(0);
    } finally {
      await offline.close();
    }
  });

  it("lists members' valid packages in one find for many members, and expired ones only on request", async () => {
    const members = await Promise.all(Array.from({ length: 12 }, () => loyalty.addMember({ tier: 'VIP' })));
    for (const memberId of members) {
      const result = await harness.execute(PURCHASE, { input: { memberId, packageId: everyone.id } });
      expect(result.errors).toBeUndefined();
    }
    // one member's earlier package has run out, another's credits are used up
    const now = Date.now();
    await purchases().insertMany([
      {
        id: randomUUID(),
        member_id: members[0],
        package_id: highLimit.id,
        package_name: 'High-limit weekend',
        price: toMoney('500'),
        credits_total: toMoney('550'),
        credits_remaining: toMoney('120.00'),
        purchased_at: new Date(now - 72 * 3_600_000),
        expires_at: new Date(now - 24 * 3_600_000),
      },
      {
        id: randomUUID(),
        member_id: members[1],
        package_id: highLimit.id,
        package_name: 'High-limit weekend',
        price: toMoney('500'),
        credits_total: toMoney('550'),
        credits_remaining: toMoney('0.00'),
        purchased_at: new Date(now - 3_600_000),
        expires_at: new Date(now + 3_600_000),
      },
    ]);

    const valid = await harness.execute<{
      _entities: { id: string; gamingPackages: { status: string }[] }[];
    }>(MEMBER_PACKAGES, { r: members.map((id) => ({ __typename: 'Member', id })) });
    expect(valid.errors).toBeUndefined();
    expect(valid.commands).toEqual(['find']);
    const byMember = new Map(valid.data!._entities.map((m) => [m.id, m.gamingPackages]));
    expect(byMember.get(members[0]!)!.map((p) => p.status)).toEqual(['active']);
    expect(byMember.get(members[1]!)!.map((p) => p.status)).toEqual(['used', 'active']);
    expect(byMember.get(members[5]!)).toHaveLength(1);

    const all = await harness.execute<{
      _entities: { gamingPackages: { status: string; creditsRemaining: string }[] }[];
    }>(MEMBER_PACKAGES, { r: [{ __typename: 'Member', id: members[0] }], includeExpired: true });
    expect(all.data!._entities[0]!.gamingPackages).toEqual([
      expect.objectContaining({ status: 'expired', creditsRemaining: '120.00' }),
      expect.objectContaining({ status: 'active', creditsRemaining: '60.00' }),
    ]);
  });
});
