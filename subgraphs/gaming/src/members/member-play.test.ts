import { randomUUID } from 'node:crypto';
import { toMoney } from '@casino/mongo';
import { gamingSubgraph } from '../index';
import type { GamingSessionDocument } from '../sessions/session-store';
import { insertGameTypes, insertSessions, sessionFixture, standardGameTypes } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const TOTALS = /* GraphQL */ `
  fragment Totals on PlayStats {
    sessionCount
    totalBuyIn
    totalCashOut
    netResult
    totalTheo
    averageBet
    lastSessionAt
  }
`;

const MEMBER_PLAY = /* GraphQL */ `
  ${TOTALS}
  query MemberPlay($r: [_Any!]!, $first: Int, $status: GamingSessionStatus) {
    _entities(representations: $r) {
      ... on Member {
        id
        gamingSessions(first: $first, status: $status) {
          id
          status
          sessionStart
          gameType {
            code
          }
        }
        playStats {
          ...Totals
        }
      }
    }
  }
`;

interface MemberPlay {
  id: string;
  gamingSessions: { id: string; status: string; sessionStart: string; gameType: { code: string } | null }[];
  playStats: {
    sessionCount: number;
    totalBuyIn: string;
    totalCashOut: string;
    netResult: string;
    totalTheo: string;
    averageBet: string | null;
    lastSessionAt: string | null;
  };
}

const representations = (ids: string[]) => ids.map((id) => ({ __typename: 'Member', id }));

describe('Member.gamingSessions and Member.playStats', () => {
  let harness: SubgraphHarness;
  const types = standardGameTypes();
  const player = randomUUID();
  const newcomer = randomUUID();
  const crowd = Array.from({ length: 30 }, () => randomUUID());
  const day = 86_400_000;
  const t0 = new Date('2025-05-01T18:00:00Z').getTime();

  const playerSessions: GamingSessionDocument[] = [
    sessionFixture(types.baccarat, {
      member_id: player,
      session_start: new Date(t0 - 2 * day),
      buy_in_amount: toMoney('100.00'),
      cash_out_amount: toMoney('150.50'),
      net_result: toMoney('50.50'),
      theo: toMoney('10.25'),
      average_bet: toMoney('25.00'),
    }),
    sessionFixture(types.slots, {
      member_id: player,
      session_start: new Date(t0 - day),
      buy_in_amount: toMoney('200.00'),
      cash_out_amount: toMoney('0.00'),
      net_result: toMoney('-200.00'),
      theo: toMoney('30.10'),
      average_bet: toMoney('50.01'),
    }),
    sessionFixture(types.blackjack, {
      member_id: player,
      session_start: new Date(t0),
      session_end: null,
      buy_in_amount: toMoney('300.00'),
      cash_out_amount: null,
      net_result: null,
      theo: null,
      average_bet: null,
      status: 'active',
    }),
  ];

  beforeAll(async () => {
    harness = await startSubgraphHarness(gamingSubgraph);
    await insertGameTypes(harness.db, Object.values(types));
    await insertSessions(harness.db, playerSessions);
    // everyone in the crowd has between 2 and 8 sessions, so capping per member matters
    await insertSessions(
      harness.db,
      crowd.flatMap((memberId, m) =>
        Array.from({ length: 2 + (m % 7) }, (_, i) =>
          sessionFixture(i % 2 ? types.slots : types.baccarat, {
            member_id: memberId,
            session_start: new Date(t0 - (m * 10 + i) * 3_600_000),
          }),
        ),
      ),
    );
  });
  afterAll(() => harness.close());

  it('returns exact totals and the newest sessions first', async () => {
    const result = await harness.execute<{ _entities: MemberPlay[] }>(MEMBER_PLAY, {
      r: representations([player, newcomer]),
    });
    expect(result.errors).toBeUndefined();
    const [played, fresh] = result.data!._entities;
    expect(played!.playStats).toEqual({
      sessionCount: 3,
      totalBuyIn: '600.00',
      totalCashOut: '150.50',
      // settled sessions only: +50.50 and -200.00; the active one has no result yet
      netResult: '-149.50',
      totalTheo: '40.35',
      averageBet: '37.51', // (25.00 + 50.01) / 2 = 37.505, rounded half up
      lastSessionAt: new Date(t0).toISOString(),
    });
    expect(played!.gamingSessions.map((s) => s.id)).toEqual([...playerSessions].reverse().map((s) => s.id));
    expect(played!.gamingSessions.map((s) => s.gameType?.code)).toEqual(['blackjack', 'slots', 'baccarat']);
    expect(fresh).toEqual({
      id: newcomer,
      gamingSessions: [],
      playStats: {
        sessionCount: 0,
        totalBuyIn: '0.00',
        totalCashOut: '0.00',
        netResult: '0.00',
        totalTheo: '0.00',
        averageBet: null,
        lastSessionAt: null,
      },
    });
  });

  it('applies `first` per member and filters by status', async () => {
    const result = await harness.execute<{ _entities: MemberPlay[] }>(MEMBER_PLAY, {
      r: representations([player, crowd[6]!]),
      first: 2,
    });
    expect(result.data!._entities.map((m) => m.gamingSessions.length)).toEqual([2, 2]);
    expect(result.data!._entities[0]!.gamingSessions.map((s) => s.id)).toEqual([
      playerSessions[2]!.id,
      playerSessions[1]!.id,
    ]);

    const completed = await harness.execute<{ _entities: MemberPlay[] }>(MEMBER_PLAY, {
      r: representations([player]),
      status: 'completed',
    });
    expect(completed.data!._entities[0]!.gamingSessions.map((s) => s.status)).toEqual([
      'completed',
      'completed',
    ]);

    const tooMany = await harness.execute(MEMBER_PLAY, { r: representations([player]), first: 100_000 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    // the refused field nulls the member at once, but its sibling playStats load (which starts behind the
    // permission check) still reaches MongoDB a moment after the response; let it land before the next test
    // counts commands
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('costs the same MongoDB commands for 3 members as for 30', async () => {
    const few = await harness.execute<{ _entities: MemberPlay[] }>(MEMBER_PLAY, {
      r: representations(crowd.slice(0, 3)),
      first: 3,
    });
    const many = await harness.execute<{ _entities: MemberPlay[] }>(MEMBER_PLAY, {
      r: representations(crowd),
      first: 3,
    });
    expect(few.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();

    // the answers are real: every member got its capped sessions and its own totals
    expect(many.data!._entities).toHaveLength(30);
    many.data!._entities.forEach((member, m) => {
      expect(member.id).toBe(crowd[m]);
      expect(member.playStats.sessionCount).toBe(2 + (m % 7));
      expect(member.gamingSessions).toHaveLength(Math.min(3, 2 + (m % 7)));
      expect(member.gamingSessions.every((s) => s.gameType !== null)).toBe(true);
    });

    // one find for the sessions (the totals are summed from them), one find for the game types
    expect([...few.commands].sort()).toEqual(['find', 'find']);
    expect([...many.commands].sort()).toEqual([...few.commands].sort());
  });

  it('sums the totals alone with one aggregation, to the same figures as from the sessions', async () => {
    const STATS_ONLY = /* GraphQL */ `
      ${TOTALS}
      query MemberStats($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on Member {
            id
            playStats {
              ...Totals
            }
          }
        }
      }
    `;
    const members = [player, newcomer, ...crowd];
    const alone = await harness.execute<{ _entities: Pick<MemberPlay, 'id' | 'playStats'>[] }>(STATS_ONLY, {
      r: representations(members),
    });
    const withSessions = await harness.execute<{ _entities: MemberPlay[] }>(MEMBER_PLAY, {
      r: representations(members),
    });
    expect(alone.errors).toBeUndefined();
    expect(alone.commands).toEqual(['aggregate']);
    expect(withSessions.commands).not.toContain('aggregate');
    expect(alone.data!._entities).toEqual(
      withSessions.data!._entities.map(({ id, playStats }) => ({ id, playStats })),
    );
    expect(alone.data!._entities[0]!.playStats).toMatchObject({ sessionCount: 3, averageBet: '37.51' });
  });

  it('reads only the selected fields, and reads the sessions again when a later part of the request needs more', async () => {
    const FIELDS = 'id tableNumber seatNumber machineNumber durationMinutes pointsEarned creditStatus coinIn';
    const NESTED = /* GraphQL */ `
      query Nested($r: [_Any!]!) {
        _entities(representations: $r) {
          ... on Member {
            gamingSessions(first: 1) { id member { gamingSessions { ${FIELDS} } } }
          }
        }
      }
    `;
    const WHOLE = `query Whole($r: [_Any!]!) { _entities(representations: $r) { ... on Member { gamingSessions { ${FIELDS} } } } }`;
    type Sessions = { gamingSessions: Record<string, unknown>[] };
    const nested = await harness.execute<{ _entities: { gamingSessions: { member: Sessions }[] }[] }>(
      NESTED,
      {
        r: representations([player]),
      },
    );
    const whole = await harness.execute<{ _entities: Sessions[] }>(WHOLE, { r: representations([player]) });
    expect(nested.errors).toBeUndefined();
    expect(nested.data!._entities[0]!.gamingSessions[0]!.member.gamingSessions).toEqual(
      whole.data!._entities[0]!.gamingSessions,
    );
    expect(whole.data!._entities[0]!.gamingSessions).toHaveLength(3);
    // the first read had only ids; the nested list needed more, so the member's sessions were read again
    expect(nested.commands).toEqual(['find', 'find']);
  });
});
