import type { Decimal128 } from 'mongodb';
import { badUserInput } from '@casino/errors';
import { checkDateRange } from '@casino/graphql';
import { centsToMoney, toCents } from '@casino/mongo';
import type { CashTransactionKind, SessionReportStore } from '../sessions/session-report-store';
import type { GamingSettings } from '../settings';

export type { CashTransactionKind };

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
    private readonly reports: SessionReportStore,
    private readonly settings: GamingSettings,
  ) {}

  async summary(args: CashSummaryArgs): Promise<MemberCashDayResult[]> {
    checkDateRange(
      args,
      this.settings.maxDashboardRangeDays,
      { from: 'from', to: 'to' },
      this.settings.timeZone,
    );
    if (!Number.isInteger(args.dayStartHour) || args.dayStartHour < 0 || args.dayStartHour > 23) {
      throw badUserInput('dayStartHour', 'must be a whole hour between 0 and 23');
    }
    const groups = await this.reports.cashDays(args, this.settings.timeZone);
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
