import type { Identity } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import { print } from 'graphql';
import { gamingSubgraph } from '../index';
import { AnalyticsPlayProfilesDocument } from '../__generated__/operations';
import { insertGameTypes, insertSessions, sessionFixture, standardGameTypes } from '../testing/fixtures';
import { startSubgraphHarness, TEST_SUPERADMIN } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

/**
 * Marketing's document, the contract this test holds gaming to, also asking for the figures the profile has that
 * marketing does not read: net result, theo, losing and longest sessions.
 */
const PROFILES = print(AnalyticsPlayProfilesDocument).replace(/^( +)longSessions$/m, (line, indent: string) =>
  [
    line,
    ...['netResult', 'totalTheo', 'losingSessions', 'longestSessionMinutes'].map((f) => indent + f),
  ].join('\n'),
);

const SERVICE: Identity = { kind: 'service', service: 'marketing' };
const memberId = (n: number) => `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const [A, B, C] = [memberId(1), memberId(2), memberId(3)];
const window = { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' };

interface Page {
  endCursor: string | null;
  hasNextPage: boolean;
  profiles: Record<string, unknown>[];
}

describe('memberPlayProfiles', () => {
  let harness: SubgraphHarness;
  const types = standardGameTypes();
  const at = (iso: string) => new Date(iso);
  const settled = (
    type: keyof typeof types,
    member: string,
    start: string,
    minutes: number,
    buyIn: string,
    net: string,
    theo: string,
  ) =>
    sessionFixture(types[type], {
      member_id: member,
      session_start: at(start),
      session_end: new Date(at(start).getTime() + minutes * 60_000),
      duration_minutes: minutes,
      buy_in_amount: toMoney(buyIn),
      cash_out_amount: toMoney((Number(buyIn) + Number(net)).toFixed(2)),
      net_result: toMoney(net),
      theo: toMoney(theo),
    });

  beforeAll(async () => {
    harness = await startSubgraphHarness(gamingSubgraph);
    await insertGameTypes(harness.db, Object.values(types));
    await insertSessions(harness.db, [
      // A, gaming day 2026-02-01 (evening): two losses in one day, the second a long session past midnight
      settled('baccarat', A, '2026-02-01T20:00:00Z', 120, '1000.00', '-400.00', '50.00'),
      settled('baccarat', A, '2026-02-01T23:00:00Z', 240, '2000.00', '-1500.00', '100.00'),
      // A, 2026-02-02 morning: a win on the slots
      settled('slots', A, '2026-02-02T10:00:00Z', 60, '300.00', '200.00', '20.00'),
      // A, 2026-02-10 afternoon: still playing, so no length, result or theo yet
      sessionFixture(types.blackjack, {
        member_id: A,
        session_start: at('2026-02-10T14:00:00Z'),
        session_end: null,
        duration_minutes: null,
        buy_in_amount: toMoney('500.00'),
        cash_out_amount: null,
        net_result: null,
        theo: null,
        status: 'active',
      }),
      // A, 2026-02-11 evening: broke even
      settled('blackjack', A, '2026-02-11T19:00:00Z', 60, '200.00', '0.00', '5.00'),
      // A, before the window: left out
      settled('baccarat', A, '2025-12-20T20:00:00Z', 600, '9000.00', '-9000.00', '900.00'),
      // B, 02:00 on 1 March: night, and gaming day 28 February
      settled('slots', B, '2026-03-01T02:00:00Z', 30, '100.00', '-100.00', '8.00'),
      // C played only before the window
      settled('slots', C, '2025-11-01T12:00:00Z', 30, '100.00', '-100.00', '8.00'),
    ]);
  });
  afterAll(() => harness.close());

  const run = (variables: Record<string, unknown>, identity: Identity = SERVICE) =>
    harness.execute<{ memberPlayProfiles: Page }>(
      PROFILES,
      { window, first: 10, longSessionMinutes: 240, topGames: 3, ...variables },
      { identity },
    );

  it("profiles each member's play in the window with one aggregation", async () => {
    const result = await run({});
    expect(result.errors).toBeUndefined();
    expect(result.commands).toEqual(['aggregate']);
    expect(result.data!.memberPlayProfiles).toEqual({
      endCursor: B,
      hasNextPage: false,
      profiles: [
        {
          memberId: A,
          sessions: 5,
          visits: 4,
          lastActivity: '2026-02-11T19:00:00.000Z',
          avgSessionMinutes: 120,
          totalBuyIn: '4000.00',
          avgBuyInPerVisit: '1000.00',
          netResult: '-1700.00',
          totalTheo: '175.00',
          favoriteGames: ['baccarat', 'slots', 'blackjack'],
          preferredVisitTimes: ['evening', 'afternoon', 'morning'],
          settledSessions: 4,
          losingSessions: 2,
          totalLosses: '1900.00',
          lossChasingDays: 1,
          longSessions: 1,
          longestSessionMinutes: 240,
        },
        {
          memberId: B,
          sessions: 1,
          visits: 1,
          lastActivity: '2026-03-01T02:00:00.000Z',
          avgSessionMinutes: 30,
          totalBuyIn: '100.00',
          avgBuyInPerVisit: '100.00',
          netResult: '-100.00',
          totalTheo: '8.00',
          favoriteGames: ['slots'],
          preferredVisitTimes: ['night'],
          settledSessions: 1,
          losingSessions: 1,
          totalLosses: '100.00',
          lossChasingDays: 0,
          longSessions: 0,
          longestSessionMinutes: 30,
        },
      ],
    });
  });

  it('pages by member id and honours topGames and longSessionMinutes', async () => {
    const first = await run({ first: 1, topGames: 2, longSessionMinutes: 60 });
    expect(first.errors).toBeUndefined();
    const page = first.data!.memberPlayProfiles;
    expect(page.hasNextPage).toBe(true);
    expect(page.endCursor).toBe(A);
    expect(page.profiles.map((p) => [p.memberId, p.favoriteGames, p.longSessions])).toEqual([
      [A, ['baccarat', 'slots'], 4],
    ]);
    const second = await run({ first: 1, after: page.endCursor });
    expect(second.data!.memberPlayProfiles).toMatchObject({ endCursor: B, hasNextPage: false });
    expect(second.data!.memberPlayProfiles.profiles.map((p) => p.memberId)).toEqual([B]);
    const empty = await run({ first: 1, after: B });
    expect(empty.data!.memberPlayProfiles).toEqual({ endCursor: null, hasNextPage: false, profiles: [] });
  });

  it('refuses bad windows, page sizes and game counts', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ window: { from: window.to, to: window.from } }, 'window.to'],
      [{ window: { from: '2024-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' } }, 'window.to'],
      [{ first: 0 }, 'first'],
      [{ first: 1001 }, 'first'],
      [{ longSessionMinutes: 0 }, 'longSessionMinutes'],
      [{ topGames: 21 }, 'topGames'],
    ];
    for (const [variables, field] of cases) {
      const result = await run(variables);
      expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('is for services only: admins, even a SuperAdmin, are refused', async () => {
    const result = await run({}, TEST_SUPERADMIN);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.data?.memberPlayProfiles ?? null).toBeNull();
  });
});
