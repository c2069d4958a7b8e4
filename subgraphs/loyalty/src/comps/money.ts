import type { Decimal128 } from 'mongodb';
import { centsText, centsToMoney, decimalFraction, toCents } from '@casino/mongo';

/**
 * Comp amounts are integer cents everywhere they are stored or summed (the ledger, the member's balance, the
 * comps), kept as safe-integer numbers, and Money at the API; the arithmetic is @casino/mongo's money helpers.
 */

/** A Money value (at most two decimals, as the Money scalar parses it) in cents. */
export function centsOf(value: Decimal128 | string): number {
  return Number(toCents(value));
}

/** Cents as a Money string, "1234" → "12.34". */
export function moneyText(cents: number): string {
  return centsText(cents);
}

/** Theo in cents, rounded half up (theo is never negative and may carry more than two decimals). */
export function theoCents(theo: Decimal128 | string): number {
  return Number(toCents(theo));
}

/**
 * The comp a theo earns at a reinvestment rate in percent, in whole cents rounded down (the house never
 * credits a fraction of a cent): theo × percent ÷ 100 in dollars is theo × percent in cents, on exact fractions.
 */
export function compAccrualCents(theo: Decimal128 | string, percent: number): number {
  const t = decimalFraction(theo);
  const p = decimalFraction(percent);
  if (t.numerator <= 0n || p.numerator <= 0n) return 0;
  return Number((t.numerator * p.numerator) / (t.denominator * p.denominator));
}

/** Cents as the Money scalar's value (an exact Decimal128). */
export function money(cents: number): Decimal128 {
  return centsToMoney(BigInt(Math.trunc(cents)));
}
