import type { Faker } from '@faker-js/faker';
import type { Db } from 'mongodb';
import type { SeededMember } from '@casino/loyalty';
import { centsToMoney, ensureIndexes, insertInBatches } from '@casino/mongo';
import type { GameTypeDocument } from './game-types/game-type-store';
import { GAME_TYPES } from './game-types/game-type-store';
import { GAMING_INDEXES } from './indexes';
import type { GamingPackageDocument, Tier } from './packages/package-store';
import { GAMING_PACKAGES } from './packages/package-store';
import type { GamingSessionDocument } from './sessions/session-store';
import { GAMING_SESSIONS, OPEN_SESSION_FIELDS } from './sessions/session-store';

export interface GamingSeedResult {
  sessions: number;
  gameTypes: number;
  packages: number;
}

/** Demo-data shape only; the live rules are configuration elsewhere. */
const SEED = {
  historyDays: 90,
  maxSessionsPerMember: 10,
  activeShare: 0.03,
  suspendedShare: 0.03,
  favouriteGameShare: 0.6,
  seatsPerTable: 7,
  activeWithinMinutes: [10, 360] as [number, number],
  durationMinutes: [20, 300] as [number, number],
};

const TIER_MULTIPLIER: Record<Tier, number> = { Ruby: 1, Sapphire: 1.25, Diamond: 1.5, VIP: 2 };

/** Average bet per decision (tables) or per spin (machines), by tier. */
const TABLE_BET: Record<Tier, [number, number]> = {
  Ruby: [10, 50],
  Sapphire: [25, 150],
  Diamond: [100, 500],
  VIP: [500, 5_000],
};
const MACHINE_BET: Record<Tier, [number, number]> = {
  Ruby: [0.5, 3],
  Sapphire: [1, 5],
  Diamond: [2, 10],
  VIP: [5, 25],
};

interface GameSeed {
  code: string;
  name: string;
  kind: 'table' | 'machine';
  houseEdge: number;
  decisionsPerHour: number | null;
  holdPct: number | null;
  pointsRate: number;
  isActive: boolean;
  /** How often members play it */
  weight: number;
  /** Seat names: `<prefix>-<nn>` tables or `<prefix>-<nnnn>` machines */
  prefix: string;
  units: number;
  /** Machines: games per hour (coin-in pace); tables use decisionsPerHour */
  gamesPerHour: number;
  /** Standard deviation of one decision's result in bets, for believable swings */
  volatility: number;
}

const GAMES: GameSeed[] = [
  {
    code: 'baccarat',
    name: 'Baccarat',
    kind: 'table',
    houseEdge: 0.0106,
    decisionsPerHour: 72,
    holdPct: null,
    pointsRate: 1,
    isActive: true,
    weight: 20,
    prefix: 'BAC',
    units: 16,
    gamesPerHour: 72,
    volatility: 0.95,
  },
  {
    code: 'blackjack',
    name: 'Blackjack',
    kind: 'table',
    houseEdge: 0.005,
    decisionsPerHour: 60,
    holdPct: null,
    pointsRate: 1,
    isActive: true,
    weight: 15,
    prefix: 'BJ',
    units: 24,
    gamesPerHour: 60,
    volatility: 1.15,
  },
  {
    code: 'roulette',
    name: 'Roulette',
    kind: 'table',
    houseEdge: 0.027,
    decisionsPerHour: 38,
    holdPct: null,
    pointsRate: 1,
    isActive: true,
    weight: 10,
    prefix: 'RL',
    units: 10,
    gamesPerHour: 38,
    volatility: 1,
  },
  {
    code: 'craps',
    name: 'Craps',
    kind: 'table',
    houseEdge: 0.014,
    decisionsPerHour: 48,
    holdPct: null,
    pointsRate: 1,
    isActive: true,
    weight: 4,
    prefix: 'CR',
    units: 4,
    gamesPerHour: 48,
    volatility: 1,
  },
  {
    code: 'poker',
    name: "Texas Hold'em Poker",
    kind: 'table',
    houseEdge: 0.025,
    decisionsPerHour: 30,
    holdPct: null,
    pointsRate: 0.5,
    isActive: true,
    weight: 4,
    prefix: 'PK',
    units: 8,
    gamesPerHour: 30,
    volatility: 2,
  },
  {
    code: 'slots',
    name: 'Slots',
    kind: 'machine',
    houseEdge: 0.08,
    decisionsPerHour: null,
    holdPct: 0.08,
    pointsRate: 1,
    isActive: true,
    weight: 35,
    prefix: 'SL',
    units: 400,
    gamesPerHour: 600,
    volatility: 5,
  },
  {
    code: 'video_poker',
    name: 'Video Poker',
    kind: 'machine',
    houseEdge: 0.03,
    decisionsPerHour: null,
    holdPct: 0.03,
    pointsRate: 1,
    isActive: true,
    weight: 8,
    prefix: 'VP',
    units: 80,
    gamesPerHour: 500,
    volatility: 4,
  },
  {
    code: 'electronic_roulette',
    name: 'Electronic Roulette',
    kind: 'machine',
    houseEdge: 0.027,
    decisionsPerHour: null,
    holdPct: 0.027,
    pointsRate: 1,
    isActive: true,
    weight: 4,
    prefix: 'ER',
    units: 40,
    gamesPerHour: 90,
    volatility: 1,
  },
  {
    code: 'sic_bo',
    name: 'Sic Bo',
    kind: 'table',
    houseEdge: 0.0278,
    decisionsPerHour: 40,
    holdPct: null,
    pointsRate: 1,
    isActive: false,
    weight: 0,
    prefix: 'SB',
    units: 2,
    gamesPerHour: 40,
    volatility: 1,
  },
];

interface PackageSeed {
  name: string;
  price: number;
  credits: number;
  validityHours: number;
  minimumTier: Tier;
  isActive: boolean;
  about: string;
}

const PACKAGES: PackageSeed[] = [
  {
    name: 'Starter Slot Pack',
    price: 50,
    credits: 55,
    validityHours: 24,
    minimumTier: 'Ruby',
    isActive: true,
    about: 'slot play for first-time visitors',
  },
  {
    name: 'Night Owl Spins',
    price: 75,
    credits: 85,
    validityHours: 12,
    minimumTier: 'Ruby',
    isActive: true,
    about: 'machine play after midnight',
  },
  {
    name: 'Table Games Welcome',
    price: 100,
    credits: 110,
    validityHours: 24,
    minimumTier: 'Ruby',
    isActive: true,
    about: 'blackjack, roulette and baccarat tables',
  },
  {
    name: 'Video Poker Classic',
    price: 100,
    credits: 112,
    validityHours: 24,
    minimumTier: 'Ruby',
    isActive: true,
    about: 'video poker machines',
  },
  {
    name: 'Weekend Slot Bundle',
    price: 200,
    credits: 230,
    validityHours: 72,
    minimumTier: 'Ruby',
    isActive: true,
    about: 'slot play from Friday to Sunday',
  },
  {
    name: 'Sapphire Session',
    price: 500,
    credits: 560,
    validityHours: 48,
    minimumTier: 'Sapphire',
    isActive: true,
    about: 'any table or machine on the main floor',
  },
  {
    name: 'Roulette Royale',
    price: 1_000,
    credits: 1_120,
    validityHours: 48,
    minimumTier: 'Sapphire',
    isActive: true,
    about: 'live and electronic roulette',
  },
  {
    name: 'Baccarat Privé',
    price: 5_000,
    credits: 5_750,
    validityHours: 48,
    minimumTier: 'Diamond',
    isActive: true,
    about: 'the private baccarat salon',
  },
  {
    name: 'High Limit Lounge',
    price: 10_000,
    credits: 11_500,
    validityHours: 72,
    minimumTier: 'VIP',
    isActive: true,
    about: 'the high-limit lounge, tables and machines',
  },
  {
    name: 'Summer Spin Festival',
    price: 150,
    credits: 175,
    validityHours: 72,
    minimumTier: 'Ruby',
    isActive: false,
    about: 'last season’s slot festival',
  },
];

const TIERS: Tier[] = ['Ruby', 'Sapphire', 'Diamond', 'VIP'];
const tiersFrom = (minimum: Tier): Tier[] => TIERS.slice(TIERS.indexOf(minimum));

const MINUTE = 60_000;

const cents = (amount: number) => centsToMoney(BigInt(Math.round(amount * 100)));
const roundTo = (value: number, step: number) => Math.max(step, Math.round(value / step) * step);

/**
 * Fills gaming's collections with believable, deterministic demo data (given a seeded faker): the game types,
 * a few packages and about five sessions per member over the last 90 days. Self-excluded members get none.
 */
export async function seedGaming(
  db: Db,
  options: { faker: Faker; now: Date; members: SeededMember[] },
): Promise<GamingSeedResult> {
  const { faker, now } = options;
  await ensureIndexes(db, GAMING_INDEXES);

  const gameTypes = GAMES.map((game) => ({
    game,
    doc: {
      id: faker.string.uuid(),
      code: game.code,
      name: game.name,
      kind: game.kind,
      house_edge: game.houseEdge,
      decisions_per_hour: game.decisionsPerHour,
      hold_pct: game.holdPct,
      points_rate: game.pointsRate,
      is_active: game.isActive,
      created_at: faker.date.past({ years: 3, refDate: new Date(now.getTime() - 365 * 86_400_000) }),
    } satisfies GameTypeDocument,
  }));
  const playable = gameTypes
    .filter(({ game }) => game.isActive)
    .map((value) => ({ weight: value.game.weight, value }));

  const packages: GamingPackageDocument[] = PACKAGES.map((p) => ({
    id: faker.string.uuid(),
    name: p.name,
    description: `${p.credits.toLocaleString('en-US')} in gaming credits for ${p.about}, valid ${p.validityHours} hours from purchase.`,
    price: cents(p.price),
    credits: cents(p.credits),
    validity_hours: p.validityHours,
    tier_access: tiersFrom(p.minimumTier),
    is_active: p.isActive,
    created_at: faker.date.past({ years: 2, refDate: now }),
  }));

  const seatName = (game: GameSeed) =>
    `${game.prefix}-${String(faker.number.int({ min: 1, max: game.units })).padStart(game.kind === 'table' ? 2 : 4, '0')}`;
  // roughly normal with mean 0 and standard deviation 1 (sum of three uniforms)
  const gaussian = () =>
    faker.number.float({ min: -1, max: 1 }) +
    faker.number.float({ min: -1, max: 1 }) +
    faker.number.float({ min: -1, max: 1 });

  const sessions: GamingSessionDocument[] = [];
  const heldSeats = new Set<string>();
  const historyStart = now.getTime() - SEED.historyDays * 86_400_000;

  for (const member of options.members) {
    if (member.selfExcluded) continue;
    const multiplier = TIER_MULTIPLIER[member.tier];
    const favourite = faker.helpers.weightedArrayElement(playable);
    const pickGame = () =>
      faker.datatype.boolean(SEED.favouriteGameShare)
        ? favourite
        : faker.helpers.weightedArrayElement(playable);
    const from = Math.max(historyStart, member.registrationDate.getTime());
    const count = faker.number.int({ min: 0, max: SEED.maxSessionsPerMember });

    for (let i = 0; i < count; i++) {
      const { game, doc: gameType } = pickGame();
      const duration = faker.number.int({ min: SEED.durationMinutes[0], max: SEED.durationMinutes[1] });
      const latestStart = now.getTime() - (duration + 60) * MINUTE;
      if (latestStart <= from) continue;
      const start = new Date(faker.number.int({ min: from, max: latestStart }));
      const hours = duration / 60;
      const isTable = game.kind === 'table';
      const [minBet, maxBet] = (isTable ? TABLE_BET : MACHINE_BET)[member.tier];
      const averageBet = isTable
        ? roundTo(faker.number.float({ min: minBet, max: maxBet }), 5)
        : Math.round(faker.number.float({ min: minBet, max: maxBet }) * 4) / 4;
      const decisions = game.gamesPerHour * hours;
      const coinIn = isTable ? null : averageBet * decisions;
      const theo = isTable ? averageBet * decisions * game.houseEdge : coinIn! * game.holdPct!;
      const firstBuyIn = isTable
        ? roundTo(averageBet * faker.number.int({ min: 5, max: 25 }), 10)
        : roundTo(coinIn! * faker.number.float({ min: 0.08, max: 0.3 }), 20);
      const swing = averageBet * Math.sqrt(decisions) * game.volatility * gaussian();
      const result = Math.round(swing - theo);
      // a player who loses more than the first buy-in buys in again, so the session's buy-in covers the loss
      const buyIn = Math.max(firstBuyIn, Math.ceil(-result / 10) * 10);
      const cashOut = buyIn + result;
      const suspended = faker.datatype.boolean(SEED.suspendedShare);
      const seat = seatName(game);
      sessions.push({
        id: faker.string.uuid(),
        member_id: member.id,
        session_start: start,
        session_end: new Date(start.getTime() + duration * MINUTE),
        game_type: gameType.code,
        game_type_id: gameType.id,
        table_number: isTable ? seat : null,
        seat_number: isTable ? faker.number.int({ min: 1, max: SEED.seatsPerTable }) : null,
        machine_number: isTable ? null : seat,
        buy_in_amount: cents(buyIn),
        // a suspended session stopped play but its settlement is still under review
        cash_out_amount: suspended ? null : cents(cashOut),
        net_result: suspended ? null : cents(cashOut - buyIn),
        average_bet: cents(averageBet),
        coin_in: coinIn === null ? null : cents(coinIn),
        theo: cents(theo),
        duration_minutes: duration,
        points_earned: suspended ? 0 : Math.floor(theo * gameType.points_rate * multiplier),
        status: suspended ? 'suspended' : 'completed',
      });
    }

    if (faker.datatype.boolean(SEED.activeShare)) {
      const { game, doc: gameType } = pickGame();
      const isTable = game.kind === 'table';
      const seat = seatName(game);
      const seatNumber = isTable ? faker.number.int({ min: 1, max: SEED.seatsPerTable }) : null;
      const lock = isTable ? `table:${seat}:${seatNumber}` : `machine:${seat}`;
      const minutesAgo = faker.number.int({
        min: SEED.activeWithinMinutes[0],
        max: SEED.activeWithinMinutes[1],
      });
      const [minBet, maxBet] = (isTable ? TABLE_BET : MACHINE_BET)[member.tier];
      const buyIn = isTable
        ? roundTo(
            faker.number.float({ min: minBet, max: maxBet }) * faker.number.int({ min: 5, max: 25 }),
            10,
          )
        : roundTo(faker.number.float({ min: 50, max: 20 * maxBet }), 20);
      // the seat is taken: this member simply is not playing right now
      if (heldSeats.has(lock)) continue;
      heldSeats.add(lock);
      sessions.push({
        id: faker.string.uuid(),
        member_id: member.id,
        session_start: new Date(
          Math.max(now.getTime() - minutesAgo * MINUTE, member.registrationDate.getTime()),
        ),
        ...OPEN_SESSION_FIELDS,
        game_type: gameType.code,
        game_type_id: gameType.id,
        table_number: isTable ? seat : null,
        seat_number: seatNumber,
        machine_number: isTable ? null : seat,
        buy_in_amount: cents(buyIn),
        seat_lock: lock,
      });
    }
  }

  await insertInBatches(
    db,
    GAME_TYPES,
    gameTypes.map(({ doc }) => doc),
  );
  await insertInBatches(db, GAMING_PACKAGES, packages);
  await insertInBatches(db, GAMING_SESSIONS, sessions);

  return { sessions: sessions.length, gameTypes: gameTypes.length, packages: packages.length };
}
