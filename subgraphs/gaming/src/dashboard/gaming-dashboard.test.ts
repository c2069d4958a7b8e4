import { randomUUID } from 'node:crypto';
import type { Identity, Role } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import { gamingSubgraph } from '../index';
import { insertGameTypes, insertSessions, sessionFixture, standardGameTypes } from '../testing/fixtures';
import { startSubgraphHarness, testIdentity } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const DASHBOARD = /* GraphQL */ `
  query Dashboard($range: DateRangeInput!) {
    gamingDashboard(range: $range) {
      from
      to
      totals {
        ...Perf
      }
      byGameType {
        gameTypeCode
        performance {
          ...Perf
        }
      }
      byDay {
        day
        performance {
          ...Perf
        }
      }
      openSessions
      topPlayers {
        member {
          id
        }
        theo
        sessionCount
      }
    }
  }
  fragment Perf on GamingPerformance {
    sessionCount
    completedSessionCount
    totalBuyIn
    totalCashOut
    houseNetWin
    theo
    actualToTheo
  }
`;

const staff = (role: string): Identity =>
  testIdentity(role as Role, { username: role.toLowerCase(), department: 'Gaming' });

describe('gamingDashboard', () => {
  let harness: SubgraphHarness;
  const types = standardGameTypes();
  const [alice, bob, carol] = [randomUUID(), randomUUID(), randomUUID()];
  const range = { from: '2025-03-01T06:00:00.000Z', to: '2025-03-03T06:00:00.000Z' };

  beforeAll(async () => {
    harness = await startSubgraphHarness(gamingSubgraph);
    await insertGameTypes(harness.db, Object.values(types));
    await insertSessions(harness.db, [
      // gaming day 2025-03-01 (starts 06:00 UTC by default)
      sessionFixture(types.baccarat, {
        member_id: alice,
        session_start: new Date('2025-03-01T20:00:00Z'),
        buy_in_amount: toMoney('1000.00'),
        cash_out_amount: toMoney('400.00'),
        theo: toMoney('100.00'),
      }),
      sessionFixture(types.slots, {
        member_id: bob,
        // 03:00 the next morning: still gaming day 2025-03-01
        session_start: new Date('2025-03-02T03:00:00Z'),
        buy_in_amount: toMoney('200.00'),
        cash_out_amount: toMoney('250.50'),
        theo: toMoney('16.10'),
      }),
      // gaming day 2025-03-02
      sessionFixture(types.baccarat, {
        member_id: carol,
        session_start: new Date('2025-03-02T12:00:00Z'),
        buy_in_amount: toMoney('300.00'),
        cash_out_amount: toMoney('300.00'),
        theo: toMoney('200.00'),
      }),
      // active in range: counts its buy-in, not the house net win, and is an open session
      sessionFixture(types.blackjack, {
        member_id: alice,
        session_start: new Date('2025-03-02T18:00:00Z'),
        session_end: null,
        buy_in_amount: toMoney('500.00'),
        cash_out_amount: null,
        net_result: null,
        theo: null,
        status: 'active',
      }),
      // outside the range (one before, one at `to`, which is exclusive)
      sessionFixture(types.baccarat, {
        member_id: bob,
        session_start: new Date('2025-03-01T05:59:59Z'),
        theo: toMoney('999.00'),
      }),
      sessionFixture(types.baccarat, {
        member_id: bob,
        session_start: new Date('2025-03-03T06:00:00Z'),
        theo: toMoney('999.00'),
      }),
    ]);
  });
  afterAll(() => harness.close());

  it('sums money and theo exactly, by game type and by gaming day, ranking players by theo', async () => {
    const result = await harness.execute(DASHBOARD, { range });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      gamingDashboard: {
        ...range,
        totals: {
          sessionCount: 4,
          completedSessionCount: 3,
          totalBuyIn: '2000.00',
          totalCashOut: '950.50',
          // (1000 - 400) + (200 - 250.50) + (300 - 300)
          houseNetWin: '549.50',
          theo: '316.10',
          actualToTheo: 1.7384,
        },
        byGameType: [
          {
            gameTypeCode: 'baccarat',
            performance: {
              sessionCount: 2,
              completedSessionCount: 2,
              totalBuyIn: '1300.00',
              totalCashOut: '700.00',
              houseNetWin: '600.00',
              theo: '300.00',
              actualToTheo: 2,
            },
          },
          {
            gameTypeCode: 'blackjack',
            performance: {
              sessionCount: 1,
              completedSessionCount: 0,
              totalBuyIn: '500.00',
              totalCashOut: '0.00',
              houseNetWin: '0.00',
              theo: '0.00',
              actualToTheo: null,
            },
          },
          {
            gameTypeCode: 'slots',
            performance: {
              sessionCount: 1,
              completedSessionCount: 1,
              totalBuyIn: '200.00',
              totalCashOut: '250.50',
              houseNetWin: '-50.50',
              theo: '16.10',
              actualToTheo: -3.1366,
            },
          },
        ],
        byDay: [
          {
            day: '2025-03-01',
            performance: expect.objectContaining({ sessionCount: 2, houseNetWin: '549.50', theo: '116.10' }),
          },
          {
            day: '2025-03-02',
            performance: expect.objectContaining({ sessionCount: 2, houseNetWin: '0.00', theo: '200.00' }),
          },
        ],
        openSessions: 1,
        topPlayers: [
          { member: { id: carol }, theo: '200.00', sessionCount: 1 },
          { member: { id: alice }, theo: '100.00', sessionCount: 1 },
          { member: { id: bob }, theo: '16.10', sessionCount: 1 },
        ],
      },
    });
    // one $facet aggregation for the range plus the count of open sessions (countDocuments aggregates too)
    expect(result.commands).toEqual(['aggregate', 'aggregate']);
  });

  it('answers an empty range with zeros', async () => {
    const result = await harness.execute(DASHBOARD, {
      range: { from: '2020-01-01T00:00:00Z', to: '2020-01-02T00:00:00Z' },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({
      gamingDashboard: {
        totals: { sessionCount: 0, houseNetWin: '0.00', theo: '0.00', actualToTheo: null },
        byGameType: [],
        byDay: [],
        topPlayers: [],
        openSessions: 1,
      },
    });
  });

  it.each([
    ['a range ending before it starts', { from: range.to, to: range.from }],
    ['an empty range', { from: range.from, to: range.from }],
    ['a range longer than the maximum', { from: '2024-01-01T00:00:00Z', to: '2025-03-01T00:00:00Z' }],
  ])('refuses %s as BAD_USER_INPUT range.to', async (_, bad) => {
    const result = await harness.execute(DASHBOARD, { range: bad });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'range.to' });
  });

  it('is for Managers and above', async () => {
    const manager = await harness.execute(DASHBOARD, { range }, { identity: staff('Manager') });
    expect(manager.errors).toBeUndefined();
    const supervisor = await harness.execute(DASHBOARD, { range }, { identity: staff('Supervisor') });
    expect(supervisor.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(supervisor.data).toBeNull();
  });

  it('has an index for the range and status', async () => {
    const indexes = await harness.db.collection('gaming_sessions').indexes();
    expect(indexes.map((i) => i.key)).toContainEqual({ session_start: 1, status: 1 });
  });
});
