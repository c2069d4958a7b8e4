import { randomUUID } from 'node:crypto';
import type { Identity, Role } from '@casino/auth';
import { gamingSubgraph, typeDefs } from './index';
import { GAMING_PACKAGES } from './packages/package-store';
import { rules } from './permissions';
import { GAMING_SESSIONS } from './sessions/session-store';
import { startTestLoyalty } from './testing/loyalty';
import type { TestLoyalty } from './testing/loyalty';
import {
  insertGameTypes,
  insertSessions,
  packageFixture,
  sessionFixture,
  standardGameTypes,
} from './testing/fixtures';
import { startSubgraphHarness, TEST_SUPERADMIN, testIdentity, withoutExplicitRule } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const admin = (role: string, department: string | null): Identity =>
  testIdentity(role as Role, { department });

const ADMINS: [string, Identity][] = [
  ['SuperAdmin', TEST_SUPERADMIN],
  ['GeneralAdmin', admin('GeneralAdmin', 'Management')],
  ['Manager of Gaming', admin('Manager', 'Gaming')],
  ['Supervisor of Gaming', admin('Supervisor', 'Gaming')],
  ['Manager of F&B', admin('Manager', 'F&B')],
];
const OUTSIDERS: [string, string, Identity][] = [
  ['anonymous', 'UNAUTHENTICATED', { kind: 'anonymous' }],
  ['a service', 'FORBIDDEN', { kind: 'service', service: 'loyalty' }],
];

/** Every query field, every object type and every connection/edge type of the subgraph, in one read. */
const READ_EVERYTHING = /* GraphQL */ `
  query ReadEverything($sessionId: ID!, $gameTypeId: ID!, $packageId: ID!) {
    gamingSession(id: $sessionId) {
      id
      buyInAmount
      member {
        id
      }
      gameType {
        id
        code
      }
    }
    gamingSessions(first: 5) {
      edges {
        node {
          id
          status
        }
        cursor
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
    gameType(id: $gameTypeId) {
      id
      houseEdge
    }
    gameTypes {
      edges {
        node {
          id
        }
        cursor
      }
      pageInfo {
        hasNextPage
      }
      totalCount
    }
    gamingPackage(id: $packageId) {
      id
      price
      tierAccess
    }
    gamingPackages {
      edges {
        node {
          id
        }
        cursor
      }
      totalCount
    }
  }
`;

const MEMBER_PLAY = /* GraphQL */ `
  query MemberPlay($r: [_Any!]!) {
    _entities(representations: $r) {
      ... on Member {
        id
        gamingSessions(first: 5) {
          id
        }
        playStats {
          sessionCount
          totalBuyIn
        }
      }
    }
  }
`;

const START = /* GraphQL */ `
  mutation Start($input: StartGamingSessionInput!) {
    startGamingSession(input: $input) {
      id
      status
      tableNumber
      seatNumber
    }
  }
`;

describe('gaming permissions', () => {
  let harness: SubgraphHarness;
  let loyalty: TestLoyalty;
  const types = standardGameTypes();
  const playerId = randomUUID();
  const session = sessionFixture(types.baccarat, { member_id: playerId });
  const packageId = randomUUID();
  const ids = { sessionId: session.id, gameTypeId: types.baccarat.id, packageId };
  const sessions = () => harness.db.collection(GAMING_SESSIONS);

  async function audited<T>(operation: () => Promise<T>) {
    const from = harness.auditEvents.length;
    const result = await operation();
    return { result, events: harness.auditEvents.slice(from) };
  }

  beforeAll(async () => {
    loyalty = await startTestLoyalty();
    harness = await startSubgraphHarness(gamingSubgraph, { services: { loyalty: loyalty.client } });
    await insertGameTypes(harness.db, Object.values(types));
    await insertSessions(harness.db, [session]);
    await harness.db
      .collection(GAMING_PACKAGES)
      .insertOne(packageFixture({ id: packageId, name: 'Weekend baccarat' }));
  });
  afterAll(async () => {
    await harness.close();
    await loyalty.stop();
  });

  it('has an explicit rule for every object type and every Query and Mutation field', () => {
    const missing = withoutExplicitRule(typeDefs, rules);
    expect(missing).toEqual([]);
  });

  describe('reads', () => {
    it.each(ADMINS)('lets %s read sessions, game types and packages', async (_, identity) => {
      const result = await harness.execute(READ_EVERYTHING, ids, { identity });
      expect(result.errors).toBeUndefined();
      expect(result.data).toMatchObject({
        gamingSession: {
          id: session.id,
          buyInAmount: '100.00',
          member: { id: playerId },
          gameType: { id: types.baccarat.id, code: 'baccarat' },
        },
        gamingSessions: { totalCount: 1 },
        gameType: { id: types.baccarat.id, houseEdge: 0.0106 },
        gameTypes: { totalCount: 4 },
        gamingPackage: { id: packageId, price: '500.00', tierAccess: ['Diamond', 'VIP'] },
        gamingPackages: { totalCount: 1 },
      });
    });

    it.each(ADMINS)("lets %s read a member's play", async (_, identity) => {
      const result = await harness.execute(
        MEMBER_PLAY,
        { r: [{ __typename: 'Member', id: playerId }] },
        { identity },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({
        _entities: [
          {
            id: playerId,
            gamingSessions: [{ id: session.id }],
            playStats: { sessionCount: 1, totalBuyIn: '100.00' },
          },
        ],
      });
    });

    it.each(OUTSIDERS)('refuses %s every read with %s', async (_, code, identity) => {
      const result = await harness.execute(READ_EVERYTHING, ids, { identity });
      expect(result.errors?.length).toBeGreaterThan(0);
      expect(new Set(result.errors!.map((e) => e.extensions?.code))).toEqual(new Set([code]));
      expect(result.data).toBeNull();
    });

    it.each(OUTSIDERS)("refuses %s a member's play with %s", async (_, code, identity) => {
      const result = await harness.execute(
        MEMBER_PLAY,
        { r: [{ __typename: 'Member', id: playerId }] },
        { identity },
      );
      expect(result.errors?.[0]?.extensions?.code).toBe(code);
      expect(JSON.stringify(result.data ?? null)).not.toContain(session.id);
    });
  });

  describe('startGamingSession', () => {
    it.each(ADMINS.map(([name, identity], seat) => [name, identity, seat + 1] as const))(
      'lets %s start a session',
      async (_, identity, seat) => {
        const memberId = await loyalty.addMember();
        const { result, events } = await audited(() =>
          harness.execute<{ startGamingSession: { id: string } }>(
            START,
            {
              input: {
                memberId,
                gameTypeCode: 'blackjack',
                tableNumber: 'bj-01',
                seatNumber: seat,
                buyInAmount: '300.00',
              },
            },
            { identity },
          ),
        );
        expect(result.errors).toBeUndefined();
        const started = result.data!.startGamingSession;
        expect(started).toMatchObject({ status: 'active', tableNumber: 'BJ-01', seatNumber: seat });
        expect(await sessions().countDocuments({ id: started.id })).toBe(1);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          action: 'startGamingSession',
          outcome: 'allowed',
          targetType: 'GamingSession',
          targetId: started.id,
        });
      },
    );

    it.each(OUTSIDERS)(
      'refuses %s with %s, writes nothing and audits the denial',
      async (_, code, identity) => {
        const memberId = randomUUID();
        const before = await sessions().countDocuments();
        const { result, events } = await audited(() =>
          harness.execute(
            START,
            { input: { memberId, gameTypeCode: 'slots', machineNumber: 'sl-0042', buyInAmount: '50.00' } },
            { identity },
          ),
        );
        expect(result.errors?.[0]?.extensions?.code).toBe(code);
        expect(result.data).toBeNull();
        expect(await sessions().countDocuments()).toBe(before);
        expect(await sessions().countDocuments({ member_id: memberId })).toBe(0);
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          action: 'startGamingSession',
          outcome: 'denied',
          targetType: 'GamingSession',
          targetId: memberId,
        });
      },
    );
  });
});
