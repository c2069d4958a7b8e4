import { randomUUID } from 'node:crypto';
import { toMoney } from '@casino/mongo';
import { createGamingSubgraph } from '../index';
import { gamingDayOf } from '../gaming-day';
import { DEFAULT_GAMING_SETTINGS } from '../settings';
import { insertGameTypes, insertSessions, sessionFixture, standardGameTypes } from '../testing/fixtures';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const ADT = /* GraphQL */ `
  query Adt($r: [_Any!]!, $days: Int) {
    _entities(representations: $r) {
      ... on Member {
        id
        averageDailyTheo(days: $days)
      }
    }
  }
`;

const representations = (ids: string[]) => ids.map((id) => ({ __typename: 'Member', id }));
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('gaming days', () => {
  it('start at the configured local hour', () => {
    // 05:59 UTC with a 06:00 start is still the previous gaming day
    const utc = { dayStartHour: 6, timeZone: 'UTC' };
    expect(gamingDayOf(new Date('2025-03-02T05:59:00Z'), utc)).toBe('2025-03-01');
    expect(gamingDayOf(new Date('2025-03-02T06:00:00Z'), utc)).toBe('2025-03-02');
    // UTC+05:30: 00:45 UTC is 06:15 local, a new gaming day
    const kolkata = { dayStartHour: 6, timeZone: 'Asia/Kolkata' };
    expect(gamingDayOf(new Date('2025-03-02T00:45:00Z'), kolkata)).toBe('2025-03-02');
    expect(gamingDayOf(new Date('2025-03-02T00:29:00Z'), kolkata)).toBe('2025-03-01');
  });
});

describe('Member.averageDailyTheo', () => {
  let harness: SubgraphHarness;
  const types = standardGameTypes();
  const player = randomUUID();
  const newcomer = randomUUID();
  const crowd = Array.from({ length: 25 }, () => randomUUID());
  // 08:00 UTC on a recent day, so every session below falls inside the default 90 days
  const base = Math.floor((Date.now() - 10 * DAY) / DAY) * DAY + 8 * HOUR;

  beforeAll(async () => {
    harness = await startSubgraphHarness(
      createGamingSubgraph({ ...DEFAULT_GAMING_SETTINGS, gamingDayStartHour: 6 }),
    );
    await insertGameTypes(harness.db, Object.values(types));
    await insertSessions(harness.db, [
      // gaming day 1: two sessions, the second at 03:00 the next calendar day (still day 1)
      sessionFixture(types.baccarat, {
        member_id: player,
        session_start: new Date(base),
        theo: toMoney('10.00'),
      }),
      sessionFixture(types.slots, {
        member_id: player,
        session_start: new Date(base + 19 * HOUR),
        theo: toMoney('5.01'),
      }),
      // gaming day 2
      sessionFixture(types.baccarat, {
        member_id: player,
        session_start: new Date(base + 2 * DAY),
        theo: toMoney('20.00'),
      }),
      // still active: no theo, no gaming day
      sessionFixture(types.blackjack, {
        member_id: player,
        session_start: new Date(base + 3 * DAY),
        theo: null,
        status: 'active',
      }),
      // 200 days ago: outside the default window
      sessionFixture(types.baccarat, {
        member_id: player,
        session_start: new Date(base - 200 * DAY),
        theo: toMoney('999.00'),
      }),
      ...crowd.map((memberId, i) =>
        sessionFixture(types.baccarat, {
          member_id: memberId,
          session_start: new Date(base + i * HOUR),
          theo: toMoney(`${i + 1}.00`),
        }),
      ),
    ]);
  });
  afterAll(() => harness.close());

  it('divides the theo of the window by the distinct gaming days with rated play', async () => {
    const result = await harness.execute<{ _entities: { id: string; averageDailyTheo: string }[] }>(ADT, {
      r: representations([player, newcomer]),
    });
    expect(result.errors).toBeUndefined();
    // (10.00 + 5.01 + 20.00) / 2 days = 17.505 -> 17.51
    expect(result.data!._entities).toEqual([
      { id: player, averageDailyTheo: '17.51' },
      { id: newcomer, averageDailyTheo: '0.00' },
    ]);
    const longer = await harness.execute<{ _entities: { averageDailyTheo: string }[] }>(ADT, {
      r: representations([player]),
      days: 365,
    });
    // (35.01 + 999.00) / 3 days = 344.67
    expect(longer.data!._entities[0]!.averageDailyTheo).toBe('344.67');
  });

  it('answers many members with one aggregation', async () => {
    const result = await harness.execute<{ _entities: { id: string; averageDailyTheo: string }[] }>(ADT, {
      r: representations(crowd),
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!._entities.map((m) => m.averageDailyTheo)).toEqual(crowd.map((_, i) => `${i + 1}.00`));
    expect(result.commands).toEqual(['aggregate']);
  });

  it('refuses a look-back outside the configured bounds as BAD_USER_INPUT', async () => {
    const result = await harness.execute(ADT, { r: representations([player]), days: 0 });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'days' });
  });
});
