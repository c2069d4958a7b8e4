import type { Db, Decimal128, Filter, IndexDescription } from 'mongodb';
import {
  applyRetentionBatch,
  archiveIndexes,
  archiveOf,
  averageCents,
  centsToMoney,
  CollectionStore,
  toCents,
} from '@casino/mongo';
import type {
  DeliveryFailure,
  PageArgs,
  PagingConfig,
  RetentionBatchInput,
  RetentionCounts,
  RetentionTarget,
} from '@casino/mongo';
import { gamingDayExpression } from '../gaming-day';
import type { GamingDay } from '../gaming-day';

export type GamingSessionStatus = 'active' | 'completed' | 'suspended';

export interface GamingSessionDocument {
  id: string;
  member_id: string;
  session_start: Date;
  session_end: Date | null;
  /** The game type's code, as the seed data keeps it */
  game_type: string;
  game_type_id: string;
  table_number: string | null;
  seat_number: number | null;
  machine_number: string | null;
  buy_in_amount: Decimal128;
  cash_out_amount: Decimal128 | null;
  /** Cash-out minus buy-in, from the member's side */
  net_result: Decimal128 | null;
  average_bet: Decimal128 | null;
  coin_in: Decimal128 | null;
  theo: Decimal128 | null;
  duration_minutes: number | null;
  points_earned: number;
  status: GamingSessionStatus;
  /**
   * Present only while the session is active ("table:<n>:<seat>" or "machine:<n>") and removed when it ends.
   * A unique sparse index on it makes a second active session on the same seat impossible, even under
   * concurrent requests; a partial index would say this more directly but mongo-java-server ignores
   * partialFilterExpression.
   */
  seat_lock?: string;
  /** Tier credits loyalty granted for the session, once the credit is delivered */
  tier_credits?: number | null;
  /**
   * The outbox row of the session's points credit, set in the same update that ends the session so the
   * credit cannot be lost: the dispatcher delivers it to loyalty and marks it delivered.
   */
  credit?: SessionCredit;
}

export type CreditStatus = 'pending' | 'delivered' | 'dead';

export interface SessionCredit {
  status: CreditStatus;
  attempts: number;
  /** When the dispatcher should try (again); null once delivered */
  next_attempt_at: Date | null;
  /** Why the last delivery failed (no personal data); a plain message in credits queued by older versions */
  last_error?: DeliveryFailure | string | null;
  delivered_at?: Date | null;
  /** Set when the credit was set aside after too many failed deliveries */
  dead_at?: Date | null;
  /** The claim token of the replica delivering it, and until when it holds it */
  claimed_by?: string | null;
  claimed_until?: Date | null;
}

export interface GamingSessionFilterInput {
  memberId?: string | null;
  status?: GamingSessionStatus | null;
  gameType?: string | null;
  startedFrom?: Date | null;
  startedTo?: Date | null;
  tableNumber?: string | null;
  machineNumber?: string | null;
}

/** A member's totals, shaped like the GraphQL PlayStats type. */
export interface PlayStatsSummary {
  sessionCount: number;
  totalBuyIn: Decimal128;
  totalCashOut: Decimal128;
  netResult: Decimal128;
  totalTheo: Decimal128;
  averageBet: Decimal128 | null;
  lastSessionAt: Date | null;
}

export const GAMING_SESSIONS = 'gaming_sessions';

export const sessionIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { member_id: 1 }, name: 'member_id_1' },
  { key: { session_start: -1 }, name: 'session_start_-1' },
  { key: { status: 1 }, name: 'status_1' },
  { key: { session_start: -1, id: -1 }, name: 'session_start_-1_id_-1' },
  // serves a member's sessions newest first, both the paginated list (ties broken by id) and the loader
  { key: { member_id: 1, session_start: -1, id: -1 }, name: 'member_id_1_session_start_-1_id_-1' },
  { key: { seat_lock: 1 }, name: 'seat_lock_1', unique: true, sparse: true },
  // dashboards: sessions started in a range, by status
  { key: { session_start: 1, status: 1 }, name: 'session_start_1_status_1' },
  // the credit dispatcher's scan: pending credits that are due
  { key: { 'credit.status': 1, 'credit.next_attempt_at': 1 }, name: 'credit_status_1_next_attempt_at_1' },
  { key: { 'credit.status': 1, 'credit.dead_at': -1 }, name: 'credit_status_1_dead_at_-1' },
];

/**
 * The `gaming_logs` retention category: ended gaming sessions. A session's age runs from when it ended
 * (`session_end`, the seed's end time); only completed sessions are in scope. An exception id is a
 * member id. Anonymising an archived session clears the member it belonged to and its seat; the amounts stay
 * for the statistics.
 */
export const GAMING_LOGS_TARGET: RetentionTarget = {
  collection: GAMING_SESSIONS,
  ageField: 'session_end',
  // a suspended session may resume, and a points credit still pending is the dispatcher's to deliver first
  inScope: {
    status: 'completed',
    session_end: { $ne: null },
    'credit.status': { $nin: ['pending', 'dead'] },
  },
  heldBy: ['member_id'],
  anonymise: { member_id: null, table_number: null, seat_number: null, machine_number: null },
};

/** The archive's indexes, added to the subgraph's index plan */
export const GAMING_RETENTION_INDEXES = {
  [archiveOf(GAMING_SESSIONS)]: archiveIndexes(GAMING_LOGS_TARGET.ageField),
};

/** The settled figures of a session, written when it ends (with its queued points credit). */
export type SessionSettlement = Pick<
  GamingSessionDocument,
  | 'session_end'
  | 'cash_out_amount'
  | 'net_result'
  | 'average_bet'
  | 'coin_in'
  | 'theo'
  | 'duration_minutes'
  | 'status'
  | 'credit'
>;

export function sessionFilter(input: GamingSessionFilterInput): Filter<GamingSessionDocument> {
  const filter: Filter<GamingSessionDocument> = {};
  if (input.memberId) filter.member_id = input.memberId;
  if (input.status) filter.status = input.status;
  if (input.gameType) filter.game_type = input.gameType;
  if (input.tableNumber) filter.table_number = input.tableNumber;
  if (input.machineNumber) filter.machine_number = input.machineNumber;
  if (input.startedFrom || input.startedTo) {
    filter.session_start = {
      ...(input.startedFrom ? { $gte: input.startedFrom } : {}),
      ...(input.startedTo ? { $lt: input.startedTo } : {}),
    };
  }
  return filter;
}

interface PlayStatsGroup {
  _id: string;
  session_count: number;
  total_buy_in: Decimal128 | number;
  total_cash_out: Decimal128 | number;
  net_result: Decimal128 | number;
  total_theo: Decimal128 | number;
  bet_total: Decimal128 | number;
  bet_count: number;
  last_session_at: Date | null;
}

/** The totals of a member without sessions. */
export const emptyPlayStats = (): PlayStatsSummary => playStatsOf([]);

/** The stored fields PlayStats sums (`playStatsOf`), and orders by. */
export const PLAY_STATS_FIELDS = [
  'session_start',
  'buy_in_amount',
  'cash_out_amount',
  'net_result',
  'theo',
  'average_bet',
] as const;

/** Newest first, ties broken by id (descending), as the member's session list is ordered. */
function newestFirst(a: GamingSessionDocument, b: GamingSessionDocument): number {
  const byStart = b.session_start.getTime() - a.session_start.getTime();
  if (byStart !== 0) return byStart;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** A member's sums in cents, however they were added up. */
interface PlayTotals {
  sessionCount: number;
  buyIn: bigint;
  cashOut: bigint;
  net: bigint;
  theo: bigint;
  betTotal: bigint;
  betCount: number;
  last: Date | null;
}

function playStatsSummary(totals: PlayTotals): PlayStatsSummary {
  const averageBet = averageCents(totals.betTotal, totals.betCount);
  return {
    sessionCount: totals.sessionCount,
    totalBuyIn: centsToMoney(totals.buyIn),
    totalCashOut: centsToMoney(totals.cashOut),
    netResult: centsToMoney(totals.net),
    totalTheo: centsToMoney(totals.theo),
    averageBet: averageBet === null ? null : centsToMoney(averageBet),
    lastSessionAt: totals.last,
  };
}

/**
 * A member's totals from the member's sessions themselves, exactly as `playStatsByMember`'s aggregation sums
 * them (amounts are whole cents; null amounts are left out of sums, a null average bet out of the average).
 */
export function playStatsOf(sessions: readonly GamingSessionDocument[]): PlayStatsSummary {
  const totals: PlayTotals = {
    sessionCount: sessions.length,
    buyIn: 0n,
    cashOut: 0n,
    net: 0n,
    theo: 0n,
    betTotal: 0n,
    betCount: 0,
    last: null,
  };
  for (const session of sessions) {
    totals.buyIn += toCents(session.buy_in_amount);
    totals.cashOut += toCents(session.cash_out_amount);
    totals.net += toCents(session.net_result);
    totals.theo += toCents(session.theo);
    if (session.average_bet !== null && session.average_bet !== undefined) {
      totals.betTotal += toCents(session.average_bet);
      totals.betCount += 1;
    }
    if (totals.last === null || session.session_start > totals.last) totals.last = session.session_start;
  }
  return playStatsSummary(totals);
}

/** What a session holds while it is open: no end and none of the figures its end records. */
export const OPEN_SESSION_FIELDS = {
  session_end: null,
  cash_out_amount: null,
  net_result: null,
  average_bet: null,
  coin_in: null,
  theo: null,
  duration_minutes: null,
  points_earned: 0,
  status: 'active',
} as const satisfies Partial<GamingSessionDocument>;

export class GamingSessionStore extends CollectionStore<GamingSessionDocument> {
  constructor(private readonly db: Db) {
    super(db, GAMING_SESSIONS);
  }

  /**
   * Every session of each member, newest first: only the stored `fields` (whole sessions when null), one
   * `find` for all the members, ordered here rather than by the server (which would sort every match).
   */
  async sessionsOfMembers(
    memberIds: readonly string[],
    fields: readonly string[] | null,
  ): Promise<GamingSessionDocument[][]> {
    const projection: Record<string, 0 | 1> = { _id: 0 };
    for (const field of fields ?? []) projection[field] = 1;
    const sessions = await this.collection
      .find({ member_id: { $in: [...memberIds] } }, { projection })
      .toArray();
    const byMember = new Map<string, GamingSessionDocument[]>(memberIds.map((id) => [id, []]));
    for (const session of sessions) byMember.get(String(session.member_id))?.push(session);
    for (const list of byMember.values()) list.sort(newestFirst);
    return memberIds.map((id) => byMember.get(id)!);
  }

  /**
   * Settles a session that is still active, freeing its seat, in one guarded update; null when it is no
   * longer active (ended meanwhile).
   */
  settleActive(id: string, settlement: SessionSettlement): Promise<GamingSessionDocument | null> {
    return this.collection.findOneAndUpdate(
      { id, status: 'active' },
      { $set: settlement, $unset: { seat_lock: '' } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  /** Sessions being played now. */
  countActive(): Promise<number> {
    return this.collection.countDocuments({ status: 'active' });
  }

  countByMember(memberId: string): Promise<number> {
    return this.collection.countDocuments({ member_id: memberId });
  }

  /** One bounded batch of the gaming_logs retention policy (archive, delete, anonymise). */
  applyRetention(input: RetentionBatchInput): Promise<RetentionCounts> {
    return applyRetentionBatch(this.db, GAMING_LOGS_TARGET, input);
  }

  page(filter: GamingSessionFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.pageWhere(sessionFilter(filter), args, paging, { field: 'session_start', direction: -1 });
  }

  /** Rejects with a duplicate-key error on `seat_lock` when the seat already has an active session. */
  async insert(session: GamingSessionDocument): Promise<void> {
    await this.collection.insertOne({ ...session });
  }

  /** Totals for many members in one aggregation; members without sessions are absent from the map. */
  async playStatsByMember(memberIds: readonly string[]): Promise<Map<string, PlayStatsSummary>> {
    const groups = await this.collection
      .aggregate<PlayStatsGroup>([
        { $match: { member_id: { $in: [...memberIds] } } },
        {
          $group: {
            _id: '$member_id',
            session_count: { $sum: 1 },
            total_buy_in: { $sum: '$buy_in_amount' },
            total_cash_out: { $sum: '$cash_out_amount' },
            net_result: { $sum: '$net_result' },
            total_theo: { $sum: '$theo' },
            // summed and counted rather than $avg, which some servers return as a binary double
            bet_total: { $sum: '$average_bet' },
            bet_count: { $sum: { $cond: [{ $gt: ['$average_bet', null] }, 1, 0] } },
            last_session_at: { $max: '$session_start' },
          },
        },
      ])
      .toArray();
    return new Map(
      groups.map((g) => [
        g._id,
        playStatsSummary({
          sessionCount: g.session_count,
          buyIn: toCents(g.total_buy_in),
          cashOut: toCents(g.total_cash_out),
          net: toCents(g.net_result),
          theo: toCents(g.total_theo),
          betTotal: toCents(g.bet_total),
          betCount: g.bet_count,
          last: g.last_session_at ?? null,
        }),
      ]),
    );
  }

  /**
   * Average daily theo per member since `since`: the sum of theo over the rated sessions divided by the
   * number of distinct gaming days with rated play. One aggregation for all the members.
   */
  async averageDailyTheoByMember(
    memberIds: readonly string[],
    since: Date,
    gamingDay: GamingDay,
    now: Date = new Date(),
  ): Promise<Map<string, Decimal128>> {
    const groups = await this.collection
      .aggregate<{ _id: string; theo: Decimal128 | number; days: number }>([
        {
          $match: { member_id: { $in: [...memberIds] }, session_start: { $gte: since }, theo: { $ne: null } },
        },
        {
          $group: {
            _id: {
              member: '$member_id',
              day: gamingDayExpression('$session_start', gamingDay, { from: since, to: now }),
            },
            theo: { $sum: '$theo' },
          },
        },
        { $group: { _id: '$_id.member', theo: { $sum: '$theo' }, days: { $sum: 1 } } },
      ])
      .toArray();
    return new Map(groups.map((g) => [g._id, centsToMoney(averageCents(toCents(g.theo), g.days) ?? 0n)]));
  }
}
