import { Faker, en } from '@faker-js/faker';
import type { Db } from 'mongodb';
import type { SeededMember } from '@casino/loyalty';
import { GAME_TYPES } from './game-types/game-type-store';
import type { GameTypeDocument } from './game-types/game-type-store';
import { gamingSubgraph, seedGaming } from './index';
import { toCents } from '@casino/mongo';
import { GAMING_PACKAGES } from './packages/package-store';
import { GAMING_SESSIONS } from './sessions/session-store';
import type { GamingSessionDocument } from './sessions/session-store';
import { startSubgraphHarness } from '@casino/testing';
import type { SubgraphHarness } from '@casino/testing';

const NOW = new Date('2026-03-15T20:00:00Z');
const DAY = 86_400_000;
const TIERS = ['Ruby', 'Sapphire', 'Diamond', 'VIP'] as const;

function seededFaker(seed: number): Faker {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  faker.setDefaultRefDate(NOW);
  return faker;
}

/** What loyalty's seed would hand over: 20 members, of whom the first two are self-excluded. */
function demoMembers(count: number): SeededMember[] {
  const faker = seededFaker(7);
  return Array.from({ length: count }, (_, i) => ({
    id: faker.string.uuid(),
    tier: TIERS[i % TIERS.length]!,
    // one member joined only a week ago, the rest long before the 90-day window
    registrationDate:
      i === 2 ? new Date(NOW.getTime() - 7 * DAY) : faker.date.past({ years: 3, refDate: NOW }),
    selfExcluded: i < 2,
    marketingConsent: faker.datatype.boolean(),
    kycVerified: true,
    email: faker.internet.email(),
    phone: faker.phone.number(),
    firstName: faker.person.firstName(),
  }));
}

const withoutMongoIds = async (db: Db, collection: string) =>
  db
    .collection(collection)
    .find({}, { projection: { _id: 0 } })
    .sort({ id: 1 })
    .toArray();

describe('seedGaming', () => {
  let harness: SubgraphHarness;
  const members = demoMembers(20);
  let result: Awaited<ReturnType<typeof seedGaming>>;
  let sessions: GamingSessionDocument[];
  let gameTypes: Map<string, GameTypeDocument>;

  beforeAll(async () => {
    harness = await startSubgraphHarness(gamingSubgraph);
    result = await seedGaming(harness.db, { faker: seededFaker(2026_02), now: NOW, members });
    sessions = (await withoutMongoIds(harness.db, GAMING_SESSIONS)) as unknown as GamingSessionDocument[];
    const types = (await withoutMongoIds(harness.db, GAME_TYPES)) as unknown as GameTypeDocument[];
    gameTypes = new Map(types.map((t) => [t.id, t]));
  });
  afterAll(() => harness.close());

  it('creates the game types, packages and about five sessions per member', async () => {
    expect(result.gameTypes).toBe(9);
    expect(result.packages).toBe(10);
    expect(await harness.db.collection(GAME_TYPES).countDocuments()).toBe(9);
    expect(await harness.db.collection(GAMING_PACKAGES).countDocuments()).toBe(10);
    expect(sessions).toHaveLength(result.sessions);
    expect(result.sessions).toBeGreaterThan(18 * 2);
    expect(result.sessions).toBeLessThan(18 * 9);
    const codes = [...gameTypes.values()].map((t) => t.code);
    expect(codes).toEqual(
      expect.arrayContaining(['baccarat', 'blackjack', 'roulette', 'craps', 'poker', 'slots', 'video_poker']),
    );
    expect(gameTypes.size).toBe(new Set(codes).size);
  });

  it('gives self-excluded members no sessions and keeps others within their history', () => {
    const byId = new Map(members.map((m) => [m.id, m]));
    for (const session of sessions) {
      const member = byId.get(session.member_id);
      expect(member).toBeDefined();
      expect(member!.selfExcluded).toBe(false);
      expect(session.session_start.getTime()).toBeLessThanOrEqual(NOW.getTime());
      expect(session.session_start.getTime()).toBeGreaterThanOrEqual(NOW.getTime() - 90 * DAY);
      expect(session.session_start.getTime()).toBeGreaterThanOrEqual(member!.registrationDate.getTime());
    }
  });

  it('keeps every session consistent with its game type and status', () => {
    for (const s of sessions) {
      const type = gameTypes.get(s.game_type_id);
      expect(type?.code).toBe(s.game_type);
      expect(type?.is_active).toBe(true);
      if (type!.kind === 'table') {
        expect(s.table_number).toMatch(/^[A-Z]+-\d{2}$/);
        expect(s.machine_number).toBeNull();
      } else {
        expect(s.machine_number).toMatch(/^[A-Z]+-\d{4}$/);
        expect(s.table_number).toBeNull();
        expect(s.seat_number).toBeNull();
      }
      expect(toCents(s.buy_in_amount)).toBeGreaterThan(0n);

      if (s.status === 'active') {
        expect(s.session_end).toBeNull();
        expect(NOW.getTime() - s.session_start.getTime()).toBeLessThanOrEqual(6 * 3_600_000);
        expect([s.cash_out_amount, s.net_result, s.theo, s.average_bet]).toEqual([null, null, null, null]);
        expect(s.points_earned).toBe(0);
        expect(s.seat_lock).toBe(
          type!.kind === 'table' ? `table:${s.table_number}:${s.seat_number}` : `machine:${s.machine_number}`,
        );
        continue;
      }
      expect(s.seat_lock).toBeUndefined();
      expect(s.session_end!.getTime() - s.session_start.getTime()).toBe(s.duration_minutes! * 60_000);
      expect(toCents(s.theo)).toBeGreaterThan(0n);
      expect(toCents(s.average_bet)).toBeGreaterThan(0n);
      expect(s.coin_in === null).toBe(type!.kind === 'table');
      if (s.status === 'completed') {
        expect(toCents(s.net_result)).toBe(toCents(s.cash_out_amount) - toCents(s.buy_in_amount));
        expect(toCents(s.cash_out_amount)).toBeGreaterThanOrEqual(0n);
        expect(Number.isInteger(s.points_earned)).toBe(true);
      } else {
        expect(s.status).toBe('suspended');
        expect(s.cash_out_amount).toBeNull();
      }
    }
    expect(sessions.filter((s) => s.status === 'completed').length).toBeGreaterThan(sessions.length * 0.8);
  });

  it('agrees with playStats read through the API', async () => {
    const member = members.find((m) => sessions.filter((s) => s.member_id === m.id).length >= 3)!;
    const own = sessions.filter((s) => s.member_id === member.id);
    const sum = (pick: (s: GamingSessionDocument) => Parameters<typeof toCents>[0]) =>
      own.reduce((total, s) => total + toCents(pick(s)), 0n);
    const money = (cents: bigint) => (Number(cents) / 100).toFixed(2);
    const response = await harness.execute<{
      _entities: { playStats: Record<string, unknown>; gamingSessions: { id: string }[] }[];
    }>(
      /* GraphQL */ `
        query ($r: [_Any!]!) {
          _entities(representations: $r) {
            ... on Member {
              gamingSessions(first: 100) {
                id
              }
              playStats {
                sessionCount
                totalBuyIn
                totalCashOut
                netResult
                totalTheo
              }
            }
          }
        }
      `,
      { r: [{ __typename: 'Member', id: member.id }] },
    );
    expect(response.errors).toBeUndefined();
    const entity = response.data!._entities[0]!;
    expect(entity.playStats).toEqual({
      sessionCount: own.length,
      totalBuyIn: money(sum((s) => s.buy_in_amount)),
      totalCashOut: money(sum((s) => s.cash_out_amount)),
      netResult: money(sum((s) => s.net_result)),
      totalTheo: money(sum((s) => s.theo)),
    });
    expect(entity.gamingSessions).toHaveLength(own.length);
  });

  it('is deterministic for a given faker seed', async () => {
    const again = harness.mongo.client.db(`${harness.db.databaseName}_again`);
    try {
      await seedGaming(again, { faker: seededFaker(2026_02), now: NOW, members });
      for (const collection of [GAME_TYPES, GAMING_PACKAGES, GAMING_SESSIONS]) {
        expect(await withoutMongoIds(again, collection)).toEqual(
          await withoutMongoIds(harness.db, collection),
        );
      }
    } finally {
      await again.dropDatabase();
    }
  });
});
