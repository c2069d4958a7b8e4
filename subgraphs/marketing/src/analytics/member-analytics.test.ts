import { toMoney } from '@casino/mongo';
import { marketingSubgraph } from '../index';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import type { CustomerAnalyticsDocument } from './analytics-store';
import { CUSTOMER_ANALYTICS } from './analytics-store';

const memberId = (i: number) => `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

function analytics(i: number): CustomerAnalyticsDocument {
  return {
    id: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    member_id: memberId(i),
    last_activity_date: new Date('2026-02-01T20:00:00.000Z'),
    visit_frequency: 4.5,
    avg_session_duration: 95,
    avg_spend_per_visit: toMoney('850.00'),
    favorite_games: ['Baccarat'],
    preferred_visit_times: ['weekend_evening'],
    social_interactions: 3,
    birthday_month: (i % 12) + 1,
    preferred_drinks: [],
    dietary_preferences: [],
    risk_score: 12.5,
    marketing_segments: i % 2 === 0 ? ['weekend_player'] : ['weekend_player', 'vip'],
    last_updated: new Date('2026-02-02T00:00:00.000Z'),
  };
}

const MEMBER_ENTITIES = /* GraphQL */ `
  query ($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Member {
        id
        segments
        analytics {
          id
          riskScore
          avgSpendPerVisit
          marketingSegments
          member {
            id
          }
        }
      }
    }
  }
`;

interface MemberEntity {
  id: string;
  segments: string[];
  analytics: { id: string; riskScore: number; member: { id: string } } | null;
}

describe('Member.analytics and Member.segments', () => {
  let harness: SubgraphHarness;

  beforeAll(async () => {
    harness = await startSubgraphHarness(marketingSubgraph);
    await harness.db
      .collection(CUSTOMER_ANALYTICS)
      .insertMany(Array.from({ length: 30 }, (_, i) => analytics(i)));
  });
  afterAll(() => harness.close());

  /** Resolves the members as the gateway would; returns them with the MongoDB commands the request sent. */
  async function resolveMembers(ids: string[]) {
    const result = await harness.execute<{ _entities: MemberEntity[] }>(MEMBER_ENTITIES, {
      r: ids.map((id) => ({ __typename: 'Member', id })),
    });
    expect(result.errors).toBeUndefined();
    return { members: result.data!._entities, commands: result.commands };
  }

  it('resolves analytics and segments for members, and nothing for a member without analytics', async () => {
    const { members } = await resolveMembers([memberId(1), 'unknown-member']);
    expect(members[0]).toEqual({
      id: memberId(1),
      segments: ['weekend_player', 'vip'],
      analytics: {
        id: analytics(1).id,
        riskScore: 12.5,
        avgSpendPerVisit: '850.00',
        marketingSegments: ['weekend_player', 'vip'],
        member: { id: memberId(1) },
      },
    });
    expect(members[1]).toEqual({ id: 'unknown-member', segments: [], analytics: null });
  });

  it('costs one find for 3 members and the same for 30', async () => {
    const three = await resolveMembers([0, 1, 2].map(memberId));
    expect(three.members.map((m) => m.analytics?.member.id)).toEqual([0, 1, 2].map(memberId));
    const thirty = await resolveMembers(Array.from({ length: 30 }, (_, i) => memberId(i)));
    expect(thirty.members.every((m, i) => m.analytics?.id === analytics(i).id)).toBe(true);
    expect(thirty.members.every((m) => m.segments.includes('weekend_player'))).toBe(true);

    expect(three.commands).toEqual(['find']);
    expect(thirty.commands).toEqual(three.commands);
  });

  it('answers customerAnalytics(memberId) and CustomerAnalytics entities', async () => {
    const byMember = await harness.execute<{
      customerAnalytics: { id: string; birthdayMonth: number } | null;
    }>(`query($m: ID!) { customerAnalytics(memberId: $m) { id birthdayMonth } }`, { m: memberId(4) });
    expect(byMember.data!.customerAnalytics).toEqual({ id: analytics(4).id, birthdayMonth: 5 });
    const entities = await harness.execute<{ _entities: unknown[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on CustomerAnalytics { id member { id segments } } } }`,
      { r: [{ __typename: 'CustomerAnalytics', id: analytics(7).id }] },
    );
    expect(entities.errors).toBeUndefined();
    expect(entities.data!._entities).toEqual([
      { id: analytics(7).id, member: { id: memberId(7), segments: ['weekend_player', 'vip'] } },
    ]);
  });
});
