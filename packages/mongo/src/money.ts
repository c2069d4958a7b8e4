import { Decimal128 } from 'mongodb';
import { decimalFromParts, decimalParts } from './decimal';

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?(?:E([+-]?\d+))?$/i;

/** Divides rounding half away from zero, the way cash amounts are rounded. */
function divideRounded(numerator: bigint, divisor: bigint): bigint {
  const negative = numerator < 0n !== divisor < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = divisor < 0n ? -divisor : divisor;
  const quotient = (n + d / 2n) / d;
  return negative ? -quotient : quotient;
}

/**
 * Money is integer cents wherever it is stored or summed and an exact Decimal128 at the API: no binary floating
 * point touches an amount. Gaming keeps cents as bigint, loyalty's comps as safe-integer numbers; both read
 * and write amounts through these functions.
 */

/**
 * Exact integer cents from a stored amount. Aggregations hand back Decimal128 for decimal inputs, but a plain 0
 * when nothing was summed and, on some servers, a double for averages; all three are accepted, and decimal
 * text ("12.50") too.
 */
export function toCents(value: Decimal128 | number | string | null | undefined): bigint {
  if (value === null || value === undefined) return 0n;
  // read off the stored bytes: the same value as parsing its text, without bson's costly toString
  const parts = value instanceof Decimal128 ? decimalParts(value) : null;
  if (parts) {
    const digits = BigInt(parts.coefficient);
    const shift = parts.exponent + 2;
    const cents = shift >= 0 ? digits * 10n ** BigInt(shift) : divideRounded(digits, 10n ** BigInt(-shift));
    return parts.negative ? -cents : cents;
  }
  const text =
    value instanceof Decimal128
      ? value.toString()
      : typeof value === 'number'
        ? value.toFixed(2)
        : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`not a decimal amount: ${text}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = BigInt(`${whole}${fraction}`);
  const shift = Number(exponent) - fraction.length + 2;
  const cents = shift >= 0 ? digits * 10n ** BigInt(shift) : divideRounded(digits, 10n ** BigInt(-shift));
  return sign === '-' ? -cents : cents;
}

/** A Decimal128 with exactly two decimals. */
export function centsToMoney(cents: bigint): Decimal128 {
  const negative = cents < 0n;
  return decimalFromParts(negative, negative ? -cents : cents, -2);
}

/** Mean in cents, rounded half away from zero; null when there is nothing to average. */
export function averageCents(totalCents: bigint, count: number): bigint | null {
  return count > 0 ? divideRounded(totalCents, BigInt(count)) : null;
}

/**
 * A finite number as an exact fraction of its shortest decimal form (0.0106 is 106/10000), so rates stored
 * as doubles multiply money without binary rounding; a Decimal128 or decimal text as the fraction it writes.
 */
export function decimalFraction(value: number | Decimal128 | string): {
  numerator: bigint;
  denominator: bigint;
} {
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new RangeError(`not a finite rate: ${value}`);
  const match = DECIMAL.exec(String(value).trim());
  if (!match) throw new RangeError(`not a decimal rate: ${value}`);
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = BigInt(`${sign === '-' ? '-' : ''}${whole}${fraction}`);
  const shift = Number(exponent) - fraction.length;
  return shift >= 0
    ? { numerator: digits * 10n ** BigInt(shift), denominator: 1n }
    : { numerator: digits, denominator: 10n ** BigInt(-shift) };
}

/**
 * Cents times a product of exact factors divided by an integer divisor, rounded once at the end (half away
 * from zero): theo is avgBet x decisions/hour x (ms / 3,600,000) x house edge with a single rounding.
 */
export function multiplyCents(cents: bigint, factors: number[], divisor = 1n): bigint {
  let numerator = cents;
  let denominator = divisor;
  for (const factor of factors) {
    const fraction = decimalFraction(factor);
    numerator *= fraction.numerator;
    denominator *= fraction.denominator;
  }
  return divideRounded(numerator, denominator);
}

/** Cents as Money text, 1234 → "12.34" (what the Decimal128 of `centsToMoney` writes). */
export function centsText(cents: bigint | number): string {
  const value = typeof cents === 'bigint' ? cents : BigInt(Math.trunc(cents));
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}
