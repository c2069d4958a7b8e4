import { randomUUID } from 'node:crypto';
import { toMoney } from '@casino/mongo';
import { gamingSubgraph } from '../index';
import { GAMING_PACKAGES } from '../packages/package-store';
import type { GamingPackageDocument } from '../packages/package-store';
import { insertGameTypes, insertSessions, sessionFixture, standardGameTypes } from '../testing/fixtures';
import type { GamingSessionDocument } from './session-store';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const SESSIONS = /* GraphQL */ `
  query Sessions($filter: GamingSessionFilter, $first: Int, $after: String) {
    gamingSessions(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          sessionStart
          status
          gameTypeCode
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        endCursor
      }
      totalCount
    }
  }
`;

interface SessionsResult {
  gamingSessions: {
    edges: {
      cursor: string;
      node: { id: string; sessionStart: string; status: string; gameTypeCode: string };
    }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

describe('gaming session, game type and package reads', () => {
  let harness: SubgraphHarness;
  const types = standardGameTypes();
  const alice = randomUUID();
  const bob = randomUUID();
  const hour = 3_600_000;
  const t0 = new Date('2025-04-01T12:00:00Z').getTime();
  // 7 sessions for alice one hour apart (two sharing a start, to exercise the id tie-break), 3 for bob
  const sessions: GamingSessionDocument[] = [
    ...Array.from({ length: 6 }, (_, i) =>
      sessionFixture(i % 2 ? types.slots : types.baccarat, {
        member_id: alice,
        session_start: new Date(t0 - i * hour),
        table_number: i % 2 ? null : `BAC-0${i}`,
        machine_number: i % 2 ? `SL-000${i}` : null,
      }),
    ),
    sessionFixture(types.blackjack, { member_id: alice, session_start: new Date(t0 - 2 * hour) }),
    ...Array.from({ length: 3 }, (_, i) =>
      sessionFixture(types.baccarat, {
        member_id: bob,
        session_start: new Date(t0 - (i + 0.5) * hour),
        status: i === 0 ? 'active' : 'completed',
      }),
    ),
  ];
  const packages: GamingPackageDocument[] = [
    {
      id: randomUUID(),
      name: 'Starter Slot Pack',
      description: 'Slot credits',
      price: toMoney('50.00'),
      credits: toMoney('55.00'),
      validity_hours: 24,
      tier_access: ['Ruby', 'Sapphire', 'Diamond', 'VIP'],
      is_active: true,
      created_at: new Date('2025-01-01T00:00:00Z'),
    },
    {
      id: randomUUID(),
      name: 'High Limit Lounge',
      description: 'High-limit credits',
      price: toMoney('10000.00'),
      credits: toMoney('11500.00'),
      validity_hours: 72,
      tier_access: ['VIP'],
      is_active: true,
      created_at: new Date('2025-02-01T00:00:00Z'),
    },
  ];

  beforeAll(async () => {
    harness = await startSubgraphHarness(gamingSubgraph);
    await insertGameTypes(harness.db, Object.values(types));
    await insertSessions(harness.db, sessions);
    await harness.db.collection(GAMING_PACKAGES).insertMany(packages.map((p) => ({ ...p })));
  });
  afterAll(() => harness.close());

  it('pages through a member’s sessions newest first with `after`, without gaps or repeats', async () => {
    const expected = sessions
      .filter((s) => s.member_id === alice)
      .sort((a, b) => b.session_start.getTime() - a.session_start.getTime() || (b.id < a.id ? -1 : 1))
      .map((s) => s.id);
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: { data?: SessionsResult | null; errors?: unknown[] } =
        await harness.execute<SessionsResult>(SESSIONS, { filter: { memberId: alice }, first: 3, after });
      expect(result.errors).toBeUndefined();
      const page = result.data!.gamingSessions;
      expect(page.totalCount).toBe(7);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      seen.push(...page.edges.map((e) => e.node.id));
      pages++;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
  });

  it('filters by status, game type code, time window, table and machine', async () => {
    const run = async (filter: Record<string, unknown>) =>
      (await harness.execute<SessionsResult>(SESSIONS, { filter })).data!.gamingSessions;

    const active = await run({ status: 'active' });
    expect(active.edges.map((e) => e.node.status)).toEqual(['active']);
    expect(active.totalCount).toBe(1);

    const slots = await run({ gameType: 'slots' });
    expect(slots.totalCount).toBe(3);
    expect(slots.edges.every((e) => e.node.gameTypeCode === 'slots')).toBe(true);

    const window = await run({
      memberId: alice,
      startedFrom: new Date(t0 - 2 * hour).toISOString(),
      startedTo: new Date(t0).toISOString(),
    });
    expect(window.totalCount).toBe(3); // t0-1h, and the two sessions at t0-2h; t0 itself is excluded

    expect((await run({ tableNumber: 'BAC-04' })).totalCount).toBe(1);
    expect((await run({ machineNumber: 'SL-0003' })).totalCount).toBe(1);
  });

  it('refuses a page size beyond the maximum and a forged cursor', async () => {
    const tooBig = await harness.execute(SESSIONS, { first: 100_000 });
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const forged = await harness.execute(SESSIONS, { after: 'not-a-cursor' });
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('reads one session with its game type and a member reference', async () => {
    const session = sessions[1]!;
    const result = await harness.execute<{ gamingSession: Record<string, unknown> }>(
      /* GraphQL */ `
        query One($id: ID!) {
          gamingSession(id: $id) {
            id
            member {
              id
            }
            gameType {
              id
              code
              kind
              houseEdge
              decisionsPerHour
              holdPct
              pointsRate
            }
            machineNumber
            buyInAmount
            cashOutAmount
            netResult
            theo
            averageBet
            pointsEarned
            durationMinutes
          }
          missing: gamingSession(id: "00000000-0000-4000-8000-000000000000") {
            id
          }
        }
      `,
      { id: session.id },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      gamingSession: {
        id: session.id,
        member: { id: alice },
        gameType: {
          id: types.slots.id,
          code: 'slots',
          kind: 'machine',
          houseEdge: 0.08,
          decisionsPerHour: null,
          holdPct: 0.08,
          pointsRate: 1,
        },
        machineNumber: 'SL-0001',
        buyInAmount: '100.00',
        cashOutAmount: '80.00',
        netResult: '-20.00',
        theo: '38.16',
        averageBet: '25.00',
        pointsEarned: 38,
        durationMinutes: 120,
      },
      missing: null,
    });
  });

  it('lists game types by code and packages by tier', async () => {
    const result = await harness.execute<{
      gameTypes: { edges: { node: { code: string } }[]; totalCount: number };
      active: { totalCount: number };
      machines: { edges: { node: { code: string } }[] };
      gamingPackages: { edges: { node: { name: string; price: string; tierAccess: string[] } }[] };
    }>(/* GraphQL */ `
      {
        gameTypes {
          edges {
            node {
              code
            }
          }
          totalCount
        }
        active: gameTypes(filter: { isActive: true }) {
          totalCount
        }
        machines: gameTypes(filter: { kind: machine }) {
          edges {
            node {
              code
            }
          }
        }
        gamingPackages(filter: { tier: Sapphire }) {
          edges {
            node {
              name
              price
              tierAccess
            }
          }
        }
      }
    `);
    expect(result.errors).toBeUndefined();
    expect(result.data!.gameTypes.edges.map((e) => e.node.code)).toEqual([
      'baccarat',
      'blackjack',
      'sic_bo',
      'slots',
    ]);
    expect(result.data!.active.totalCount).toBe(3);
    expect(result.data!.machines.edges.map((e) => e.node.code)).toEqual(['slots']);
    expect(result.data!.gamingPackages.edges).toEqual([
      {
        node: {
          name: 'Starter Slot Pack',
          price: '50.00',
          tierAccess: ['Ruby', 'Sapphire', 'Diamond', 'VIP'],
        },
      },
    ]);
  });

  it('resolves its entities for the gateway', async () => {
    const result = await harness.execute<{ _entities: (Record<string, unknown> | null)[] }>(
      /* GraphQL */ `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on GamingSession {
              id
              gameTypeCode
              member {
                id
              }
            }
            ... on GameType {
              code
            }
            ... on GamingPackage {
              name
              credits
            }
          }
        }
      `,
      {
        r: [
          { __typename: 'GamingSession', id: sessions[7]!.id },
          { __typename: 'GameType', id: types.blackjack.id },
          { __typename: 'GamingPackage', id: packages[1]!.id },
          { __typename: 'GamingSession', id: randomUUID() },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities).toEqual([
      { id: sessions[7]!.id, gameTypeCode: 'baccarat', member: { id: bob } },
      { code: 'blackjack' },
      { name: 'High Limit Lounge', credits: '11500.00' },
      null,
    ]);
  });
});
