import { Decimal128 } from 'mongodb';

/** A finite Decimal128 read off its 16 bytes: the value is (-1)^negative x coefficient x 10^exponent. */
export interface DecimalParts {
  negative: boolean;
  /** A number when it is below 2^53 (every amount of money), else a bigint */
  coefficient: number | bigint;
  exponent: number;
}

const TWO_32 = 2 ** 32;
const EXPONENT_BIAS = 6176;
const MAX_COEFFICIENT = 10n ** 34n;

const word = (bytes: Uint8Array, at: number) =>
  (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;

/**
 * The sign, coefficient and exponent of a Decimal128 (IEEE 754-2008 BID encoding, as BSON stores it), or null
 * for NaN, the infinities and encodings with an out-of-range coefficient. bson's `toString` gets there by
 * dividing a 128-bit integer by 10^9 with 64-bit emulation, which costs more than anything else a page of
 * amounts does.
 */
export function decimalParts(value: Decimal128): DecimalParts | null {
  const bytes = value.bytes;
  const high = word(bytes, 12);
  // combination field 11xxx: infinity, NaN, or a coefficient of 2^113 and more (not canonical)
  if (((high >>> 29) & 3) === 3) return null;
  const negative = high >>> 31 === 1;
  const exponent = ((high >>> 17) & 0x3fff) - EXPONENT_BIAS;
  const top = high & 0x1ffff;
  const midh = word(bytes, 8);
  const midl = word(bytes, 4);
  const low = word(bytes, 0);
  if (top === 0 && midh === 0 && midl < 0x200000) {
    return { negative, coefficient: midl * TWO_32 + low, exponent };
  }
  const coefficient = (BigInt(top) << 96n) | (BigInt(midh) << 64n) | (BigInt(midl) << 32n) | BigInt(low);
  if (coefficient >= MAX_COEFFICIENT) return null;
  return { negative, coefficient, exponent };
}

/**
 * Exactly what `Decimal128#toString()` answers ("150.50", "-0.05", "0.00"), worked out from the parts; values
 * bson writes in scientific notation (and NaN, the infinities) are left to bson.
 */
export function decimalText(value: Decimal128): string {
  const parts = decimalParts(value);
  if (!parts) return value.toString();
  const { exponent } = parts;
  const digits = String(parts.coefficient);
  const scientificExponent = digits.length - 1 + exponent;
  if (exponent > 0 || scientificExponent >= 34 || scientificExponent <= -7) return value.toString();
  let text = digits;
  if (exponent < 0) {
    const point = digits.length + exponent;
    text =
      point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  }
  return parts.negative ? `-${text}` : text;
}

/**
 * The Decimal128 of sign x coefficient x 10^exponent, encoded directly (canonical, as `Decimal128.fromString`
 * encodes the same value written out); bson's parser goes through 64-bit emulated arithmetic digit by digit.
 */
export function decimalFromParts(negative: boolean, coefficient: bigint, exponent: number): Decimal128 {
  if (coefficient < 0n || coefficient >= MAX_COEFFICIENT || exponent < -EXPONENT_BIAS || exponent > 6111) {
    throw new RangeError(`not a Decimal128: ${negative ? '-' : ''}${coefficient}E${exponent}`);
  }
  const bytes = new Uint8Array(16);
  const view = new DataView(bytes.buffer);
  const biased = BigInt(exponent + EXPONENT_BIAS);
  view.setBigUint64(0, coefficient & 0xffff_ffff_ffff_ffffn, true);
  view.setBigUint64(8, (coefficient >> 64n) | (biased << 49n) | (negative ? 1n << 63n : 0n), true);
  return new Decimal128(bytes);
}
