import type { Decimal128 } from 'mongodb';
import { badUserInput } from '@casino/errors';
import { gamingDayExpression } from '../gaming-day';
import { centsToMoney, toCents } from '../money';
import type { GamingSessionStore } from '../sessions/session-store';
import type { GamingSettings } from '../settings';

export type CashTransactionKind = 'cash_in' | 'cash_out';

export interface CashTransaction {
  sessionId: string;
  kind: CashTransactionKind;
  amount: Decimal128;
  at: Date;
}

/** A member's cash on one gaming day, shaped like the GraphQL MemberCashDay type. */
export interface MemberCashDayResult {
  memberId: string;
  gamingDay: string;
  cashIn: Decimal128;
  cashOut: Decimal128;
  transactions: CashTransaction[];
}

interface CashDayGroup {
  _id: { member: string; day: string };
  cash_in: Decimal128 | number;
  cash_out: Decimal128 | number;
  transactions: { sessionId: string; kind: CashTransactionKind; amount: Decimal128; at: Date }[];
}

export interface CashSummaryArgs {
  from: Date;
  to: Date;
  dayStartHour: number;
}

/**
 * Cash in and out per member per gaming day, for compliance's CTR and MTL (PRODUCT.md §5): a buy-in is a
 * cash-in at the session start, a cash-out is the session's cash-out at its end; each is counted when its own
 * time lies in [from, to), on the gaming day (starting at `dayStartHour` local time) it happened. Computed by
 * one aggregation; sessions without a cash-out yet contribute only their buy-in.
 */
export class AmlCashSummary {
  constructor(
    private readonly sessions: GamingSessionStore,
    private readonly settings: GamingSettings,
  ) {}

  async summary(args: CashSummaryArgs): Promise<MemberCashDayResult[]> {
    const span = args.to.getTime() - args.from.getTime();
    if (span <= 0) throw badUserInput('to', 'must be after from');
    if (span > this.settings.dashboardMaxRangeDays * 86_400_000) {
      throw badUserInput('to', `the range must not exceed ${this.settings.dashboardMaxRangeDays} days`);
    }
    if (!Number.isInteger(args.dayStartHour) || args.dayStartHour < 0 || args.dayStartHour > 23) {
      throw badUserInput('dayStartHour', 'must be a whole hour between 0 and 23');
    }
    const inRange = { $gte: args.from, $lt: args.to };
    const groups = await this.sessions.collection
      .aggregate<CashDayGroup>([
        { $match: { $or: [{ session_start: inRange }, { session_end: inRange }] } },
        {
          $project: {
            _id: 0,
            id: 1,
            member_id: 1,
            tx: [
              { kind: 'cash_in', amount: '$buy_in_amount', at: '$session_start' },
              { kind: 'cash_out', amount: '$cash_out_amount', at: '$session_end' },
            ],
          },
        },
        { $unwind: '$tx' },
        { $match: { 'tx.at': inRange, 'tx.amount': { $ne: null } } },
        { $sort: { 'tx.at': 1, id: 1 } },
        {
          $group: {
            _id: {
              member: '$member_id',
              day: gamingDayExpression('$tx.at', args.dayStartHour, this.settings.localUtcOffsetMinutes),
            },
            cash_in: { $sum: { $cond: [{ $eq: ['$tx.kind', 'cash_in'] }, '$tx.amount', 0] } },
            cash_out: { $sum: { $cond: [{ $eq: ['$tx.kind', 'cash_out'] }, '$tx.amount', 0] } },
            transactions: {
              $push: { sessionId: '$id', kind: '$tx.kind', amount: '$tx.amount', at: '$tx.at' },
            },
          },
        },
        { $sort: { '_id.day': 1, '_id.member': 1 } },
      ])
      .toArray();
    // a zero cash-out moves no cash: it is no transaction, and a day with nothing else is not listed
    return groups
      .map((g) => ({
        memberId: g._id.member,
        gamingDay: g._id.day,
        cashIn: centsToMoney(toCents(g.cash_in)),
        cashOut: centsToMoney(toCents(g.cash_out)),
        transactions: g.transactions
          .filter((t) => toCents(t.amount) !== 0n)
          .map((t) => ({ ...t, amount: centsToMoney(toCents(t.amount)) })),
      }))
      .filter((day) => day.transactions.length > 0);
  }
}
