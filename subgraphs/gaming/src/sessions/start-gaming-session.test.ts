import { randomUUID } from 'node:crypto';
import { gamingSubgraph } from '../index';
import { insertGameTypes, standardGameTypes } from '../testing/fixtures';
import { unreachableService } from '../testing/dead-service';
import { startTestLoyalty } from '../testing/loyalty';
import type { TestLoyalty } from '../testing/loyalty';
import { SESSION_RULES } from '../settings';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const START = /* GraphQL */ `
  mutation Start($input: StartGamingSessionInput!) {
    startGamingSession(input: $input) {
      id
      member {
        id
      }
      status
      gameTypeCode
      gameType {
        code
        kind
      }
      tableNumber
      seatNumber
      machineNumber
      buyInAmount
      cashOutAmount
      netResult
      theo
      averageBet
      coinIn
      pointsEarned
      sessionStart
      sessionEnd
      durationMinutes
    }
  }
`;

interface StartResult {
  startGamingSession: Record<string, unknown> & { id: string };
}

describe('startGamingSession', () => {
  let harness: SubgraphHarness;
  let loyalty: TestLoyalty;
  const sessions = () => harness.db.collection('gaming_sessions');
  const memberId = randomUUID();
  const atTable = {
    memberId,
    gameTypeCode: 'baccarat',
    tableNumber: 'bac-07',
    seatNumber: 3,
    buyInAmount: '2500.00',
  };

  beforeAll(async () => {
    loyalty = await startTestLoyalty();
    await loyalty.addMember({ id: memberId });
    harness = await startSubgraphHarness(gamingSubgraph, { services: { loyalty: loyalty.client } });
    const types = standardGameTypes();
    await insertGameTypes(harness.db, Object.values(types));
  });
  afterAll(async () => {
    await harness.close();
    await loyalty.stop();
  });

  it('opens an active table session on a seat, with nothing settled yet', async () => {
    const before = Date.now();
    const result = await harness.execute<StartResult>(START, { input: atTable });
    expect(result.errors).toBeUndefined();
    const session = result.data!.startGamingSession;
    expect(session).toMatchObject({
      member: { id: memberId },
      status: 'active',
      gameTypeCode: 'baccarat',
      gameType: { code: 'baccarat', kind: 'table' },
      tableNumber: 'BAC-07',
      seatNumber: 3,
      machineNumber: null,
      buyInAmount: '2500.00',
      cashOutAmount: null,
      netResult: null,
      theo: null,
      averageBet: null,
      coinIn: null,
      pointsEarned: 0,
      sessionEnd: null,
      durationMinutes: null,
    });
    expect(new Date(session.sessionStart as string).getTime()).toBeGreaterThanOrEqual(before - 1000);

    const stored = await sessions().findOne({ id: session.id }, { projection: { _id: 0 } });
    expect(stored).toMatchObject({
      member_id: memberId,
      game_type: 'baccarat',
      table_number: 'BAC-07',
      seat_number: 3,
      status: 'active',
      seat_lock: 'table:BAC-07:3',
    });
    expect(stored!.buy_in_amount.toString()).toBe('2500.00');
  });

  it('opens a machine session and keeps the given start time', async () => {
    const startedAt = new Date(Date.now() - 30 * 60_000).toISOString();
    const result = await harness.execute<StartResult>(START, {
      input: { memberId, gameTypeCode: 'SLOTS', machineNumber: 'SL-0042', buyInAmount: '200', startedAt },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.startGamingSession).toMatchObject({
      gameTypeCode: 'slots',
      machineNumber: 'SL-0042',
      tableNumber: null,
      seatNumber: null,
      sessionStart: startedAt,
    });
    const stored = await sessions().findOne({ id: result.data!.startGamingSession.id });
    expect(stored!.seat_lock).toBe('machine:SL-0042');
  });

  it.each([
    ['an unknown game type', { gameTypeCode: 'pachinko' }, 'input.gameTypeCode'],
    ['a retired game type', { gameTypeCode: 'sic_bo' }, 'input.gameTypeCode'],
    [
      'a machine number for a table game',
      { tableNumber: null, seatNumber: null, machineNumber: 'SL-1' },
      'input.tableNumber',
    ],
    ['a table number for a machine game', { gameTypeCode: 'slots', seatNumber: null }, 'input.tableNumber'],
    ['both a table and a machine', { machineNumber: 'SL-0001' }, 'input.tableNumber'],
    ['neither a table nor a machine', { tableNumber: null, seatNumber: null }, 'input.tableNumber'],
    [
      'a seat at a machine',
      { gameTypeCode: 'slots', tableNumber: null, machineNumber: 'SL-9' },
      'input.seatNumber',
    ],
    ['a seat beyond the last', { seatNumber: SESSION_RULES.maxSeatNumber + 1 }, 'input.seatNumber'],
    ['a zero buy-in', { buyInAmount: '0.00' }, 'input.buyInAmount'],
    ['a negative buy-in', { buyInAmount: '-50.00' }, 'input.buyInAmount'],
    ['a buy-in above the limit', { buyInAmount: '1000000.01' }, 'input.buyInAmount'],
    ['a member id that is not a UUID', { memberId: 'member-1' }, 'input.memberId'],
    [
      'a start in the future',
      { startedAt: new Date(Date.now() + 3_600_000).toISOString() },
      'input.startedAt',
    ],
    [
      'a start two days ago',
      { startedAt: new Date(Date.now() - 48 * 3_600_000).toISOString() },
      'input.startedAt',
    ],
    ['a malformed table number', { tableNumber: 'table #7' }, 'input.tableNumber'],
  ])('refuses %s as BAD_USER_INPUT naming the field, writing nothing', async (_, change, field) => {
    const before = await sessions().countDocuments();
    const result = await harness.execute(START, {
      input: { ...atTable, tableNumber: 'BAC-20', ...change },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(result.data).toBeNull();
    expect(await sessions().countDocuments()).toBe(before);
  });

  it('refuses a second active session on the same table seat as CONFLICT and writes nothing', async () => {
    const before = await sessions().countDocuments();
    const result = await harness.execute(START, {
      input: {
        ...atTable,
        memberId: await loyalty.addMember(),
        gameTypeCode: 'blackjack',
        tableNumber: 'BAC-07',
      },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.seatNumber' });
    expect(await sessions().countDocuments()).toBe(before);

    const otherSeat = await harness.execute(START, { input: { ...atTable, seatNumber: 4 } });
    expect(otherSeat.errors).toBeUndefined();
  });

  it('refuses a second active session on the same machine as CONFLICT and writes nothing', async () => {
    const before = await sessions().countDocuments();
    const result = await harness.execute(START, {
      input: {
        memberId: await loyalty.addMember(),
        gameTypeCode: 'slots',
        machineNumber: 'sl-0042',
        buyInAmount: '20',
      },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'input.machineNumber' });
    expect(await sessions().countDocuments()).toBe(before);
  });

  it('lets exactly one of many simultaneous requests take a free machine', async () => {
    const players = await Promise.all(Array.from({ length: 8 }, () => loyalty.addMember()));
    const attempts = await Promise.all(
      players.map((player) =>
        harness.execute<StartResult>(START, {
          input: {
            memberId: player,
            gameTypeCode: 'slots',
            machineNumber: 'SL-0777',
            buyInAmount: '100',
          },
        }),
      ),
    );
    const won = attempts.filter((a) => !a.errors);
    const refused = attempts.filter((a) => a.errors?.[0]?.extensions?.code === 'CONFLICT');
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(7);
    expect(await sessions().countDocuments({ machine_number: 'SL-0777' })).toBe(1);
  });

  it('frees the seat once the session is no longer active', async () => {
    const first = await harness.execute<StartResult>(START, {
      input: { ...atTable, tableNumber: 'BAC-09', seatNumber: 1 },
    });
    // how a session ends is another issue; ending it must drop the lock, as here
    await sessions().updateOne(
      { id: first.data!.startGamingSession.id },
      { $set: { status: 'completed', session_end: new Date() }, $unset: { seat_lock: '' } },
    );
    const next = await harness.execute(START, {
      input: { ...atTable, tableNumber: 'BAC-09', seatNumber: 1 },
    });
    expect(next.errors).toBeUndefined();
  });

  it('lets several unseated players share a table', async () => {
    const input = {
      memberId: await loyalty.addMember(),
      gameTypeCode: 'blackjack',
      tableNumber: 'BJ-02',
      buyInAmount: '300',
    };
    const first = await harness.execute<StartResult>(START, { input });
    const second = await harness.execute<StartResult>(START, {
      input: { ...input, memberId: await loyalty.addMember() },
    });
    expect(first.errors).toBeUndefined();
    expect(second.errors).toBeUndefined();
    const stored = await sessions().find({ table_number: 'BJ-02' }).toArray();
    expect(stored).toHaveLength(2);
    // an explicit null would collide in the sparse unique index, so the field must be absent
    expect(stored.every((s) => !('seat_lock' in s))).toBe(true);
  });

  describe('the member, as loyalty knows them', () => {
    it('refuses a member loyalty does not know as BAD_USER_INPUT, writing nothing', async () => {
      const before = await sessions().countDocuments();
      const result = await harness.execute(START, {
        input: { ...atTable, memberId: randomUUID(), tableNumber: 'BAC-30' },
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'input.memberId',
      });
      expect(result.data).toBeNull();
      expect(await sessions().countDocuments()).toBe(before);
    });

    it.each([
      ['a self-excluded member', { self_excluded: true }, /self-excluded/],
      ['an inactive member', { is_active: false }, /inactive/],
    ])('refuses %s as FORBIDDEN with a clear message, writing nothing', async (_, flags, message) => {
      const member = await loyalty.addMember(flags);
      const before = await sessions().countDocuments();
      const result = await harness.execute(START, {
        input: { ...atTable, memberId: member, tableNumber: 'BAC-31' },
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
      expect(result.errors?.[0]?.message).toMatch(message);
      expect(await sessions().countDocuments()).toBe(before);
      expect(await sessions().countDocuments({ member_id: member })).toBe(0);
    });

    it('refuses with SERVICE_UNAVAILABLE when loyalty cannot be reached, writing nothing', async () => {
      const offline = await startSubgraphHarness(gamingSubgraph, {
        services: { loyalty: await unreachableService() },
      });
      try {
        await insertGameTypes(offline.db, Object.values(standardGameTypes()));
        const result = await offline.execute(START, { input: atTable });
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
        expect(result.errors?.[0]?.message).toMatch(/Loyalty could not be reached/);
        expect(result.data).toBeNull();
        expect(await offline.db.collection('gaming_sessions').countDocuments()).toBe(0);
      } finally {
        await offline.close();
      }
    });
  });
});
