import { Decimal128 } from 'mongodb';

/**
 * Comp amounts are integer cents everywhere they are stored or summed (the ledger, the member's balance, the
 * comps), and Money strings ("12.50") at the API: no binary floating point touches an amount.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** A decimal amount scaled to `places` decimal places as a BigInt, digits past them cut off (toward zero). */
function scaled(value: Decimal128 | string, places: number): bigint {
  let text = String(value).trim();
  if (/e/i.test(text)) text = Number(text).toFixed(places);
  const match = DECIMAL.exec(text);
  if (!match) throw new Error('not a decimal amount');
  const [, sign, whole, fraction = ''] = match;
  const digits = BigInt(whole! + fraction.padEnd(places, '0').slice(0, places));
  return sign === '-' ? -digits : digits;
}

/** A Money value (at most two decimals, as the Money scalar parses it) in cents. */
export function centsOf(value: Decimal128 | string): number {
  return Number(scaled(value, 2));
}

/** Cents as a Money string, "1234" → "12.34". */
export function moneyText(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Theo in cents, rounded half up (theo may carry more than two decimals). */
export function theoCents(theo: Decimal128 | string): number {
  const micro = scaled(theo, 6);
  return Number((micro + 5_000n) / 10_000n);
}

/**
 * The comp a theo earns at a reinvestment rate in percent, in whole cents rounded down (the house never
 * credits a fraction of a cent): theo × percent ÷ 100, computed on integers (the percent to basis points).
 */
export function compAccrualCents(theo: Decimal128 | string, percent: number): number {
  const micro = scaled(theo, 6);
  if (micro <= 0n) return 0;
  const basisPoints = BigInt(Math.round(percent * 100));
  // micro-units × basis points ÷ 10^4 (basis points) ÷ 10^4 (micro-units to cents)
  return Number((micro * basisPoints) / 100_000_000n);
}

/** Cents as the Money scalar's value (an exact Decimal128). */
export function money(cents: number): Decimal128 {
  return Decimal128.fromString(moneyText(cents));
}
