import { randomUUID } from 'node:crypto';
import type { Identity, Role } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import { gamingSubgraph } from '../index';
import { insertGameTypes, insertSessions, sessionFixture, standardGameTypes } from '../testing/fixtures';
import { startSubgraphHarness, testIdentity } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';
import { ComplianceAmlCashDocument } from '../__generated__/operations';

const admin = (role: string): Identity =>
  testIdentity(role as Role, { username: role.toLowerCase(), department: 'Compliance' });

describe('amlCashSummary', () => {
  let harness: SubgraphHarness;
  const types = standardGameTypes();
  const [whale, regular] = [randomUUID(), randomUUID()];
  const s1 = sessionFixture(types.baccarat, {
    member_id: whale,
    session_start: new Date('2025-03-01T20:00:00Z'),
    session_end: new Date('2025-03-01T23:00:00Z'),
    buy_in_amount: toMoney('6000.00'),
    cash_out_amount: toMoney('2500.25'),
  });
  // starts 04:00 the next morning: the previous gaming day with a 06:00 start; ends after 06:00: next day
  const s2 = sessionFixture(types.baccarat, {
    member_id: whale,
    session_start: new Date('2025-03-02T04:00:00Z'),
    session_end: new Date('2025-03-02T07:00:00Z'),
    buy_in_amount: toMoney('5000.00'),
    cash_out_amount: toMoney('0.00'),
  });
  // still playing: only its buy-in
  const s3 = sessionFixture(types.slots, {
    member_id: regular,
    session_start: new Date('2025-03-02T10:00:00Z'),
    session_end: null,
    buy_in_amount: toMoney('300.00'),
    cash_out_amount: null,
    net_result: null,
    theo: null,
    status: 'active',
  });
  // started before the range, cashed out inside it: only the cash-out
  const s4 = sessionFixture(types.blackjack, {
    member_id: regular,
    session_start: new Date('2025-02-28T22:00:00Z'),
    session_end: new Date('2025-03-01T07:00:00Z'),
    buy_in_amount: toMoney('1000.00'),
    cash_out_amount: toMoney('3100.00'),
  });
  const window = { from: '2025-03-01T06:00:00.000Z', to: '2025-03-03T06:00:00.000Z' };

  beforeAll(async () => {
    harness = await startSubgraphHarness(gamingSubgraph);
    await insertGameTypes(harness.db, Object.values(types));
    await insertSessions(harness.db, [s1, s2, s3, s4]);
  });
  afterAll(() => harness.close());

  it('sums cash in and cash out separately per member per gaming day, listing each transaction', async () => {
    const result = await harness.execute(ComplianceAmlCashDocument, { ...window, dayStartHour: 6 });
    expect(result.errors).toBeUndefined();
    const expected = [
      {
        memberId: regular,
        gamingDay: '2025-03-01',
        cashIn: '0.00',
        cashOut: '3100.00',
        transactions: [
          { sessionId: s4.id, kind: 'cash_out', amount: '3100.00', at: '2025-03-01T07:00:00.000Z' },
        ],
      },
      {
        memberId: whale,
        gamingDay: '2025-03-01',
        cashIn: '11000.00',
        cashOut: '2500.25',
        transactions: [
          { sessionId: s1.id, kind: 'cash_in', amount: '6000.00', at: '2025-03-01T20:00:00.000Z' },
          { sessionId: s1.id, kind: 'cash_out', amount: '2500.25', at: '2025-03-01T23:00:00.000Z' },
          { sessionId: s2.id, kind: 'cash_in', amount: '5000.00', at: '2025-03-02T04:00:00.000Z' },
        ],
      },
      {
        memberId: regular,
        gamingDay: '2025-03-02',
        cashIn: '300.00',
        cashOut: '0.00',
        transactions: [
          { sessionId: s3.id, kind: 'cash_in', amount: '300.00', at: '2025-03-02T10:00:00.000Z' },
        ],
      },
      // s2's zero cash-out on 2025-03-02 moves no cash: no transaction, and no day for the whale
    ];
    const byDayThenMember = (a: { gamingDay: string; memberId: string }, b: typeof a) =>
      a.gamingDay.localeCompare(b.gamingDay) || a.memberId.localeCompare(b.memberId);
    expect(result.data!.amlCashSummary).toEqual(expected.sort(byDayThenMember));
    expect(result.commands).toEqual(['aggregate']);
  });

  it('moves the day boundary with dayStartHour', async () => {
    const result = await harness.execute(ComplianceAmlCashDocument, { ...window, dayStartHour: 0 });
    const whaleDays = result.data!.amlCashSummary.filter((d) => d.memberId === whale);
    // midnight start: s2's buy-in at 04:00 belongs to 2025-03-02
    expect(whaleDays.map((d) => [d.gamingDay, d.cashIn])).toEqual([
      ['2025-03-01', '6000.00'],
      ['2025-03-02', '5000.00'],
    ]);
  });

  it.each([
    ['to before from', { from: window.to, to: window.from, dayStartHour: 6 }, 'to'],
    ['a day start hour of 24', { ...window, dayStartHour: 24 }, 'dayStartHour'],
  ])('refuses %s as BAD_USER_INPUT', async (_, args, field) => {
    const result = await harness.execute(ComplianceAmlCashDocument, args);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  });

  it.each([
    ['the compliance service', true, { kind: 'service', service: 'compliance' } as Identity],
    ['a GeneralAdmin', true, admin('GeneralAdmin')],
    ['a Manager', false, admin('Manager')],
    ['a Supervisor', false, admin('Supervisor')],
  ])('%s may read it: %s', async (_, allowed, identity) => {
    const result = await harness.execute(
      ComplianceAmlCashDocument,
      { ...window, dayStartHour: 6 },
      { identity },
    );
    if (allowed) {
      expect(result.errors).toBeUndefined();
      expect(result.data!.amlCashSummary).toHaveLength(3);
    } else {
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
