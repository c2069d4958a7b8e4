import { randomInt } from 'node:crypto';
import { Decimal128 } from 'mongodb';
import { centsText, centsToMoney, decimalFraction, toCents } from './money';

/** Cents of a decimal text, rounded half away from zero, worked out digit by digit. */
function centsOfText(text: string): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', fraction = ''] = text.replace('-', '').split('.');
  const padded = `${fraction}000`;
  let cents = BigInt(whole) * 100n + BigInt(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1n;
  return negative ? -cents : cents;
}

describe('toCents', () => {
  it('reads stored amounts exactly, rounding sub-cent digits half away from zero', () => {
    const texts = [
      '0.00',
      '-0.00',
      '150.50',
      '-200.00',
      '0.005',
      '-0.005',
      '0.004',
      '12.3456',
      '99999999999.99',
    ];
    for (let i = 0; i < 2000; i++) {
      const decimals = randomInt(0, 5);
      const fraction = decimals ? `.${String(randomInt(0, 10 ** decimals)).padStart(decimals, '0')}` : '';
      texts.push(`${randomInt(0, 2) ? '-' : ''}${randomInt(0, 10_000_000)}${fraction}`);
    }
    const wrong = texts.filter((text) => toCents(Decimal128.fromString(text)) !== centsOfText(text));
    expect(wrong).toEqual([]);
    expect(toCents(Decimal128.fromString('1.5E+3'))).toBe(150_000n);
    expect(toCents(centsToMoney(-12_345n))).toBe(-12_345n);
    expect(toCents(12.5)).toBe(1250n);
    expect(toCents(null)).toBe(0n);
    expect(() => toCents(Decimal128.fromString('NaN'))).toThrow(RangeError);
  });
});

describe('centsToMoney', () => {
  it('is the amount with two decimals, as bson parses its text', () => {
    const cents = [0n, 1n, -1n, 5n, -5n, 15_050n, -20_000n, 999_999_999_999n, -(10n ** 20n)];
    for (let i = 0; i < 1000; i++) cents.push(BigInt(randomInt(-1e12, 1e12)));
    const wrong = cents.filter((c) => {
      const text = `${c < 0n ? '-' : ''}${(c < 0n ? -c : c) / 100n}.${String((c < 0n ? -c : c) % 100n).padStart(2, '0')}`;
      return !Buffer.from(centsToMoney(c).bytes).equals(Buffer.from(Decimal128.fromString(text).bytes));
    });
    expect(wrong).toEqual([]);
    expect(centsToMoney(-12_345n).toString()).toBe('-123.45');
  });
});

describe('centsText', () => {
  it('writes what the Decimal128 of the same cents writes', () => {
    const cents = [0n, 1n, -1n, 5n, -5n, 15_050n, -20_000n, 999_999_999_999n];
    for (let i = 0; i < 500; i++) cents.push(BigInt(randomInt(-1e12, 1e12)));
    const wrong = cents.filter(
      (c) => centsText(c) !== centsToMoney(c).toString() || centsText(Number(c)) !== centsText(c),
    );
    expect(wrong).toEqual([]);
  });
});

describe('toCents and decimalFraction on decimal text', () => {
  it('read text and Decimal128 alike', () => {
    expect(toCents('12.50')).toBe(1250n);
    expect(toCents(' 0.005 ')).toBe(1n);
    expect(toCents(Decimal128.fromString('1E+2'))).toBe(10_000n);
    expect(decimalFraction(Decimal128.fromString('123.456'))).toEqual({
      numerator: 123_456n,
      denominator: 1000n,
    });
    expect(decimalFraction('0.10')).toEqual({ numerator: 10n, denominator: 100n });
    expect(() => toCents('twelve')).toThrow(RangeError);
  });
});
