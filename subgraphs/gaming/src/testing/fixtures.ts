import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { toMoney } from '@casino/mongo';
import { GAME_TYPES } from '../game-types/game-type-store';
import type { GamingPackageDocument } from '../packages/package-store';
import type { GameTypeDocument } from '../game-types/game-type-store';
import { GAMING_SESSIONS } from '../sessions/session-store';
import type { GamingSessionDocument } from '../sessions/session-store';

export function gameTypeFixture(overrides: Partial<GameTypeDocument> = {}): GameTypeDocument {
  return {
    id: randomUUID(),
    code: 'baccarat',
    name: 'Baccarat',
    kind: 'table',
    house_edge: 0.0106,
    decisions_per_hour: 72,
    hold_pct: null,
    points_rate: 1,
    is_active: true,
    created_at: new Date('2024-01-01T00:00:00Z'),
    ...overrides,
  };
}

/** The game types the tests play: two tables, a machine and a retired table game. */
export function standardGameTypes() {
  return {
    baccarat: gameTypeFixture(),
    blackjack: gameTypeFixture({
      code: 'blackjack',
      name: 'Blackjack',
      house_edge: 0.005,
      decisions_per_hour: 60,
    }),
    slots: gameTypeFixture({
      code: 'slots',
      name: 'Slots',
      kind: 'machine',
      house_edge: 0.08,
      decisions_per_hour: null,
      hold_pct: 0.08,
    }),
    sicBo: gameTypeFixture({ code: 'sic_bo', name: 'Sic Bo', is_active: false }),
  };
}

export async function insertGameTypes(db: Db, gameTypes: GameTypeDocument[]): Promise<void> {
  await db.collection(GAME_TYPES).insertMany(gameTypes.map((g) => ({ ...g })));
}

/** A settled table session; override what the test is about. */
export function sessionFixture(
  gameType: GameTypeDocument,
  overrides: Partial<GamingSessionDocument> = {},
): GamingSessionDocument {
  return {
    id: randomUUID(),
    member_id: randomUUID(),
    session_start: new Date('2025-03-01T20:00:00Z'),
    session_end: new Date('2025-03-01T22:00:00Z'),
    game_type: gameType.code,
    game_type_id: gameType.id,
    table_number: gameType.kind === 'table' ? 'BAC-01' : null,
    seat_number: gameType.kind === 'table' ? 3 : null,
    machine_number: gameType.kind === 'machine' ? 'SL-0001' : null,
    buy_in_amount: toMoney('100.00'),
    cash_out_amount: toMoney('80.00'),
    net_result: toMoney('-20.00'),
    average_bet: toMoney('25.00'),
    coin_in: null,
    theo: toMoney('38.16'),
    duration_minutes: 120,
    points_earned: 38,
    status: 'completed',
    ...overrides,
  };
}

export async function insertSessions(db: Db, sessions: GamingSessionDocument[]): Promise<void> {
  if (sessions.length > 0) await db.collection(GAMING_SESSIONS).insertMany(sessions.map((s) => ({ ...s })));
}

/** An active package for Diamond and VIP members. */
export function packageFixture(overrides: Partial<GamingPackageDocument> = {}): GamingPackageDocument {
  return {
    id: randomUUID(),
    name: 'High-limit weekend',
    description: 'Credits for the high-limit room',
    price: toMoney('500.00'),
    credits: toMoney('550.00'),
    validity_hours: 48,
    tier_access: ['Diamond', 'VIP'],
    is_active: true,
    created_at: new Date('2025-01-01T00:00:00Z'),
    ...overrides,
  };
}
