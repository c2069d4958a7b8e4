import { randomInt } from 'node:crypto';
import { Decimal128 } from 'mongodb';
import { decimalFromParts, decimalParts, decimalText } from './decimal';

function randomDigits(length: number): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < length) digits += String(randomInt(0, 10));
  return digits;
}

/** Decimals of every shape bson prints: amounts, tiny and huge exponents, long coefficients, zeros. */
function samples(): string[] {
  const fixed = [
    '0',
    '0.00',
    '-0.00',
    '-0',
    '1',
    '-1',
    '0.05',
    '-0.05',
    '150.50',
    '-200.00',
    '1E+3',
    '1.5E+10',
    '123E-9',
    '0.000001',
    '0.0000001',
    '1E-7',
    '9999999999999999999999999999999999',
    '-9999999999999999999999999999999999',
    '1234567890123456789012345678901234E-20',
    '9007199254740991',
    '9007199254740993',
    '9007199254740993.00',
    '1E+6144',
    '1E-6143',
    '-1E-6176',
    'NaN',
    'Infinity',
    '-Infinity',
  ];
  const random: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const digits = randomDigits(randomInt(1, 35));
    const exponent = randomInt(-40, 10);
    random.push(`${randomInt(0, 2) ? '-' : ''}${digits}E${exponent}`);
  }
  for (let i = 0; i < 3000; i++) {
    const whole = randomDigits(randomInt(1, 16));
    random.push(`${randomInt(0, 2) ? '-' : ''}${whole}.${String(randomInt(0, 100)).padStart(2, '0')}`);
  }
  return [...fixed, ...random];
}

describe('decimalText', () => {
  it("answers exactly what bson's Decimal128#toString answers", () => {
    const mismatches = samples()
      .map((text) => Decimal128.fromString(text))
      .filter((value) => decimalText(value) !== value.toString())
      .map((value) => [value.toString(), decimalText(value)]);
    expect(mismatches).toEqual([]);
  });
});

describe('decimalParts', () => {
  it('reads sign, coefficient and exponent, and nothing for NaN and the infinities', () => {
    expect(decimalParts(Decimal128.fromString('-150.50'))).toEqual({
      negative: true,
      coefficient: 15050,
      exponent: -2,
    });
    expect(decimalParts(Decimal128.fromString('9999999999999999999999999999999999'))).toEqual({
      negative: false,
      coefficient: 9999999999999999999999999999999999n,
      exponent: 0,
    });
    expect(decimalParts(Decimal128.fromString('NaN'))).toBeNull();
    expect(decimalParts(Decimal128.fromString('-Infinity'))).toBeNull();
  });

  it('gives back the value bson parses, for every sample', () => {
    const mismatches = samples().flatMap((text) => {
      const value = Decimal128.fromString(text);
      const parts = decimalParts(value);
      if (!parts) return [];
      const rebuilt = Decimal128.fromString(
        `${parts.negative ? '-' : ''}${String(parts.coefficient)}E${parts.exponent}`,
      );
      return rebuilt.toString() === value.toString() ? [] : [[text, rebuilt.toString()]];
    });
    expect(mismatches).toEqual([]);
  });
});

describe('decimalFromParts', () => {
  it('encodes exactly the bytes bson parses the same value to', () => {
    const mismatches = samples().flatMap((text) => {
      const value = Decimal128.fromString(text);
      const parts = decimalParts(value);
      if (!parts) return [];
      const built = decimalFromParts(parts.negative, BigInt(parts.coefficient), parts.exponent);
      return Buffer.from(built.bytes).equals(Buffer.from(value.bytes)) ? [] : [text];
    });
    expect(mismatches).toEqual([]);
    expect(() => decimalFromParts(false, 10n ** 34n, 0)).toThrow(RangeError);
  });
});
