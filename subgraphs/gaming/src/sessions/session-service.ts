import { Decimal128 } from 'mongodb';
import { z } from 'zod';
import { badUserInput, conflict, validateInput } from '@casino/errors';
import { duplicateKeyField, newId } from '@casino/mongo';
import type { GameTypeStore } from '../game-types/game-type-store';
import { toCents } from '../money';
import type { GamingSessionDocument, GamingSessionStore } from './session-store';

/** Named rules for opening a session; pass other values to the service to tune them. */
export const SESSION_RULES = {
  /** Largest buy-in accepted at session start, in the casino currency */
  maxBuyInAmount: '1000000.00',
  /** Highest seat number at any table */
  maxSeatNumber: 14,
  /** How far back a session start may be recorded (a floor supervisor catching up) */
  maxBackdateHours: 24,
  /** Tolerance for a client clock slightly ahead of ours */
  clockSkewMinutes: 5,
};

export type SessionRules = typeof SESSION_RULES;

const seatIdentifier = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,20}$/, 'must be 1 to 20 letters, digits or dashes')
  .transform((value) => value.toUpperCase());

function startSessionSchema(rules: SessionRules, now: Date) {
  const maxBuyIn = toCents(Decimal128.fromString(rules.maxBuyInAmount));
  const earliest = now.getTime() - rules.maxBackdateHours * 3_600_000;
  const latest = now.getTime() + rules.clockSkewMinutes * 60_000;
  return z
    .object({
      memberId: z.uuid('is not a member id'),
      gameTypeCode: z
        .string()
        .trim()
        .min(1, 'is required')
        .max(40, 'is too long')
        .transform((code) => code.toLowerCase()),
      tableNumber: seatIdentifier.nullish(),
      seatNumber: z
        .number()
        .int('must be a whole number')
        .min(1, 'must be at least 1')
        .max(rules.maxSeatNumber, `must be at most ${rules.maxSeatNumber}`)
        .nullish(),
      machineNumber: seatIdentifier.nullish(),
      buyInAmount: z
        .custom<Decimal128>((value) => value instanceof Decimal128, 'must be an amount')
        .refine((amount) => toCents(amount) > 0n, 'must be greater than zero')
        .refine(
          (amount) => toCents(amount) <= maxBuyIn,
          `must not exceed ${rules.maxBuyInAmount} at session start`,
        ),
      startedAt: z
        .date()
        .refine((d) => d.getTime() <= latest, 'must not be in the future')
        .refine((d) => d.getTime() >= earliest, `must be within the last ${rules.maxBackdateHours} hours`)
        .nullish(),
    })
    .superRefine((input, ctx) => {
      if (Boolean(input.tableNumber) === Boolean(input.machineNumber)) {
        ctx.addIssue({
          code: 'custom',
          path: ['tableNumber'],
          message: 'give exactly one of tableNumber or machineNumber',
        });
      } else if (input.seatNumber != null && !input.tableNumber) {
        ctx.addIssue({ code: 'custom', path: ['seatNumber'], message: 'only applies at a table' });
      }
    });
}

export type StartGamingSessionInput = z.input<ReturnType<typeof startSessionSchema>>;

export class GamingSessionService {
  constructor(
    private readonly sessions: GamingSessionStore,
    private readonly gameTypes: GameTypeStore,
    private readonly rules: SessionRules = SESSION_RULES,
  ) {}

  /**
   * Opens an active session. The seat is claimed by the insert itself (unique `seat_lock`), so two clerks
   * seating players on the same seat at once get one session and one CONFLICT, and a refusal writes nothing.
   */
  async start(rawInput: StartGamingSessionInput, now = new Date()): Promise<GamingSessionDocument> {
    const input = validateInput(startSessionSchema(this.rules, now), rawInput);
    const gameType = await this.gameTypes.findActiveByCode(input.gameTypeCode);
    if (!gameType) {
      throw badUserInput('input.gameTypeCode', `no active game type has the code ${input.gameTypeCode}`);
    }
    if (gameType.kind === 'table' && !input.tableNumber) {
      throw badUserInput('input.tableNumber', `${gameType.name} is a table game: give a table number`);
    }
    if (gameType.kind === 'machine' && input.tableNumber) {
      throw badUserInput(
        'input.tableNumber',
        `${gameType.name} is played on a machine: give a machine number, not a table number`,
      );
    }

    const tableNumber = input.tableNumber ?? null;
    const seatNumber = input.seatNumber ?? null;
    const machineNumber = input.machineNumber ?? null;
    // a table player without a recorded seat holds no lock: several unseated players can share a table
    const seatLock = machineNumber
      ? `machine:${machineNumber}`
      : seatNumber !== null
        ? `table:${tableNumber}:${seatNumber}`
        : null;

    const session: GamingSessionDocument = {
      id: newId(),
      member_id: input.memberId,
      session_start: input.startedAt ?? now,
      session_end: null,
      game_type: gameType.code,
      game_type_id: gameType.id,
      table_number: tableNumber,
      seat_number: seatNumber,
      machine_number: machineNumber,
      buy_in_amount: input.buyInAmount,
      cash_out_amount: null,
      net_result: null,
      average_bet: null,
      coin_in: null,
      theo: null,
      duration_minutes: null,
      points_earned: 0,
      status: 'active',
      // absent rather than null when there is no lock: a sparse index still indexes an explicit null
      ...(seatLock ? { seat_lock: seatLock } : {}),
    };
    try {
      await this.sessions.insert(session);
      return session;
    } catch (error) {
      if (duplicateKeyField(error) !== 'seat_lock') throw error;
      throw machineNumber
        ? conflict(`machine ${machineNumber} already has an active session`, 'input.machineNumber')
        : conflict(
            `seat ${seatNumber} at table ${tableNumber} already has an active session`,
            'input.seatNumber',
          );
    }
  }
}
