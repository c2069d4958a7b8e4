import { randomUUID } from 'node:crypto';
import { loyaltySubgraph } from '../index';
import type { MemberDocument } from './member-store';
import { memberDocument } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const DAY = 86_400_000;

const VIEW = /* GraphQL */ `
  query ($filter: MemberFilter) {
    members(filter: $filter, first: 20) {
      edges {
        node {
          id
          tier
          tierProgress {
            nextTier
            creditsToNextTier
          }
          pointsExpiringSoon {
            points
            expiresAt
          }
        }
      }
    }
  }
`;

const PLAIN = /* GraphQL */ `
  query ($filter: MemberFilter) {
    members(filter: $filter, first: 20) {
      edges {
        node {
          id
        }
      }
    }
  }
`;

type Node = {
  id: string;
  tierProgress: { nextTier: string | null; creditsToNextTier: number };
  pointsExpiringSoon: { points: number; expiresAt: string } | null;
};

describe('member views', () => {
  let harness: SubgraphHarness;
  const members = () => harness.db.collection<MemberDocument>('members');

  beforeAll(async () => {
    harness = await startSubgraphHarness(loyaltySubgraph);
  });
  afterAll(() => harness.close());

  it('shows tier progress and expiring points for a page of members in one extra query', async () => {
    const lastName = `View${randomUUID().slice(0, 8)}`;
    const visit = new Date('2026-01-10T00:00:00Z');
    const earned = new Date('2026-02-01T00:00:00Z');
    const ruby = memberDocument({
      last_name: lastName,
      tier: 'Ruby',
      tier_credits: 1_200,
      points_balance: 40,
    });
    const diamond = memberDocument({
      last_name: lastName,
      tier: 'Diamond',
      tier_credits: 30_000,
      points_balance: 500,
      last_visit: visit,
    });
    const vip = memberDocument({ last_name: lastName, tier: 'VIP', tier_credits: 90_000, points_balance: 0 });
    const sapphire = memberDocument({ last_name: lastName, tier: 'Sapphire', tier_credits: 80_000 });
    await members().insertMany([ruby, diamond, vip, sapphire].map((m) => ({ ...m })));
    await harness.db.collection('points_ledger').insertOne({
      id: randomUUID(),
      member_id: diamond.id,
      balance: 'points',
      type: 'earn',
      amount: 500,
      source: 'gaming_session',
      source_id: null,
      reason: null,
      idempotency_key: `test:${randomUUID()}`,
      created_at: earned,
    });
    const filter = { lastNamePrefix: lastName };
    const plain = await harness.execute(PLAIN, { filter });
    const result = await harness.execute<{ members: { edges: { node: Node }[] } }>(VIEW, { filter });
    expect(result.errors).toBeUndefined();
    const byId = new Map(result.data!.members.edges.map((e) => [e.node.id, e.node]));
    expect(byId.get(ruby.id)).toMatchObject({
      tierProgress: { nextTier: 'Sapphire', creditsToNextTier: 3_800 },
      pointsExpiringSoon: {
        points: 40,
        expiresAt: new Date(ruby.registration_date.getTime() + 180 * DAY).toISOString(),
      },
    });
    expect(byId.get(diamond.id)).toMatchObject({
      tierProgress: { nextTier: 'VIP', creditsToNextTier: 45_000 },
      pointsExpiringSoon: { points: 500, expiresAt: new Date(earned.getTime() + 180 * DAY).toISOString() },
    });
    expect(byId.get(vip.id)).toMatchObject({
      tierProgress: { nextTier: null, creditsToNextTier: 0 },
      pointsExpiringSoon: null,
    });
    // credits past the next threshold (the promotion is due): nothing left to earn for it
    expect(byId.get(sapphire.id)!.tierProgress).toEqual({ nextTier: 'Diamond', creditsToNextTier: 0 });
    // the page's last earns come from one aggregation, however many members it holds
    expect(result.commands.length - plain.commands.length).toBe(1);
  });

  it('answers a page that reads only the selected fields as it answers each whole member', async () => {
    const lastName = `Proj${randomUUID().slice(0, 8)}`;
    const member = memberDocument({ last_name: lastName, last_visit: new Date('2026-02-03T04:05:06Z') });
    await members().insertOne({ ...member });
    const FIELDS = `id memberNumber firstName lastName email phone dateOfBirth nationality tier pointsBalance
      tierCredits totalPointsEarned lifetimeSpend registrationDate lastVisit isActive selfExcluded kycVerified
      marketingConsent preferences documentExpiry tierProgress { nextTier creditsToNextTier }`;
    const page = await harness.execute<{ members: { edges: { node: Record<string, unknown> }[] } }>(
      `query ($filter: MemberFilter) { members(filter: $filter, first: 5) { edges { node { ${FIELDS} } } } }`,
      { filter: { lastNamePrefix: lastName } },
    );
    const whole = await harness.execute<{ member: Record<string, unknown> }>(
      `query ($id: ID!) { member(id: $id) { ${FIELDS} } }`,
      { id: member.id },
    );
    expect(page.errors).toBeUndefined();
    expect(whole.errors).toBeUndefined();
    expect(page.data!.members.edges.map((e) => e.node)).toEqual([whole.data!.member]);
    expect(whole.data!.member).toMatchObject({
      id: member.id,
      lastName,
      lastVisit: '2026-02-03T04:05:06.000Z',
    });
  });
});
