import { Decimal128 } from 'mongodb';
import { z } from 'zod';
import { badUserInput, conflict, ErrorCode, notFound, validateInput } from '@casino/errors';
import { centsToMoney, duplicateKeyField, multiplyCents, newId, toCents } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import { GraphQLError } from 'graphql';
import type { Logger } from '@casino/logger';
import type { GameTypeFilterInput, GameTypeStore } from '../game-types/game-type-store';
import type { LoyaltyMembers } from '../members/loyalty-members';
import type { GameTypeDocument } from '../game-types/game-type-store';
import type {
  GamingSessionDocument,
  GamingSessionFilterInput,
  GamingSessionStore,
  SessionSettlement,
} from './session-store';
import { OPEN_SESSION_FIELDS } from './session-store';
import { SESSION_RULES } from '../settings';

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

function endSessionSchema(rules: SessionRules, now: Date) {
  const max = toCents(Decimal128.fromString(rules.maxEndAmount));
  const latest = now.getTime() + rules.clockSkewMinutes * 60_000;
  const amount = (positive: boolean) =>
    z
      .custom<Decimal128>((value) => value instanceof Decimal128, 'must be an amount')
      .refine(
        (a) => (positive ? toCents(a) > 0n : toCents(a) >= 0n),
        positive ? 'must be greater than zero' : 'must not be negative',
      )
      .refine((a) => toCents(a) <= max, `must not exceed ${rules.maxEndAmount}`);
  return z.object({
    sessionId: z.uuid('is not a session id'),
    cashOutAmount: amount(false),
    averageBet: amount(true).nullish(),
    coinIn: amount(false).nullish(),
    endedAt: z
      .date()
      .refine((d) => d.getTime() <= latest, 'must not be in the future')
      .nullish(),
  });
}

export type EndGamingSessionInput = z.input<ReturnType<typeof endSessionSchema>>;

const HOUR_MS = 3_600_000n;

/**
 * The house's theoretical win, in cents, rounded once: tables avgBet x decisions/hour x hours x house edge,
 * machines coinIn x hold (the house edge when no hold is recorded).
 */
export function theoCents(
  gameType: Pick<GameTypeDocument, 'kind' | 'house_edge' | 'decisions_per_hour' | 'hold_pct'>,
  play: { averageBetCents: bigint | null; coinInCents: bigint | null; durationMs: number },
): bigint {
  if (gameType.kind === 'machine') {
    return multiplyCents(play.coinInCents ?? 0n, [gameType.hold_pct ?? gameType.house_edge]);
  }
  return multiplyCents(
    play.averageBetCents ?? 0n,
    [gameType.decisions_per_hour ?? 0, play.durationMs, gameType.house_edge],
    HOUR_MS,
  );
}

export class GamingSessionService {
  constructor(
    private readonly sessions: GamingSessionStore,
    private readonly gameTypes: GameTypeStore,
    private readonly members: LoyaltyMembers,
    private readonly rules: SessionRules = SESSION_RULES,
  ) {}

  /** A page of sessions, most recently started first. */
  page(filter: GamingSessionFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.sessions.page(filter, args, paging);
  }

  /** A page of the game types a session is played at, by code. */
  gameTypePage(filter: GameTypeFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.gameTypes.page(filter, args, paging);
  }

  /**
   * Opens an active session. The seat is claimed by the insert itself (unique `seat_lock`), so two clerks
   * seating players on the same seat at once get one session and one CONFLICT, and a refusal writes nothing.
   * `log` is the request's logger, where a failed member check is reported.
   */
  async start(
    rawInput: StartGamingSessionInput,
    log?: Logger,
    now = new Date(),
  ): Promise<GamingSessionDocument> {
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

    // asked last, once the request is otherwise valid; loyalty unreachable refuses (fail closed)
    const member = await this.members.find(input.memberId, log);
    if (!member) throw badUserInput('input.memberId', `no member has the id ${input.memberId}`);
    if (member.selfExcluded) {
      throw new GraphQLError('The member is self-excluded and cannot start a gaming session', {
        extensions: { code: ErrorCode.Forbidden, field: 'input.memberId' },
      });
    }
    if (!member.isActive) {
      throw new GraphQLError('The member is inactive and cannot start a gaming session', {
        extensions: { code: ErrorCode.Forbidden, field: 'input.memberId' },
      });
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
      ...OPEN_SESSION_FIELDS,
      game_type: gameType.code,
      game_type_id: gameType.id,
      table_number: tableNumber,
      seat_number: seatNumber,
      machine_number: machineNumber,
      buy_in_amount: input.buyInAmount,
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

  /**
   * Ends an active session in ONE guarded update: settles it (cash-out, net result, duration, theo), frees
   * the seat and queues the points credit on the same document. A second end finds no active session and is
   * refused as CONFLICT, so nothing is counted twice.
   */
  async end(
    rawInput: EndGamingSessionInput,
    now = new Date(),
  ): Promise<{ before: GamingSessionDocument; after: GamingSessionDocument }> {
    const input = validateInput(endSessionSchema(this.rules, now), rawInput);
    const session = await this.sessions.findById(input.sessionId);
    if (!session) throw notFound('GamingSession', input.sessionId);
    if (session.status !== 'active') {
      throw conflict(`gaming session ${session.id} is already ${session.status}`, 'input.sessionId');
    }
    const gameType = await this.gameTypes.findById(session.game_type_id);
    if (!gameType) throw new Error(`game type ${session.game_type_id} of session ${session.id} is missing`);
    if (gameType.kind === 'table') {
      if (!input.averageBet) {
        throw badUserInput('input.averageBet', `${gameType.name} is a table game: give the average bet`);
      }
      if (input.coinIn) throw badUserInput('input.coinIn', 'only applies to machine games');
    } else {
      if (!input.coinIn) {
        throw badUserInput('input.coinIn', `${gameType.name} is played on a machine: give the coin-in`);
      }
      if (input.averageBet) throw badUserInput('input.averageBet', 'only applies to table games');
    }
    const endedAt = input.endedAt ?? now;
    const durationMs = endedAt.getTime() - session.session_start.getTime();
    if (durationMs < 0) throw badUserInput('input.endedAt', 'must not be before the session started');

    const cashOutCents = toCents(input.cashOutAmount);
    const averageBetCents = input.averageBet ? toCents(input.averageBet) : null;
    const coinInCents = input.coinIn ? toCents(input.coinIn) : null;
    const theo = theoCents(gameType, { averageBetCents, coinInCents, durationMs });
    const settled: SessionSettlement = {
      session_end: endedAt,
      cash_out_amount: centsToMoney(cashOutCents),
      net_result: centsToMoney(cashOutCents - toCents(session.buy_in_amount)),
      average_bet: averageBetCents === null ? null : centsToMoney(averageBetCents),
      coin_in: coinInCents === null ? null : centsToMoney(coinInCents),
      theo: centsToMoney(theo),
      duration_minutes: Math.round(durationMs / 60_000),
      status: 'completed' as const,
      credit: { status: 'pending' as const, attempts: 0, next_attempt_at: now, last_error: null },
    };
    const after = await this.sessions.settleActive(session.id, settled);
    if (!after) throw conflict(`gaming session ${session.id} has already ended`, 'input.sessionId');
    return { before: session, after };
  }
}
