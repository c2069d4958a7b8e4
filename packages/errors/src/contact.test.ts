import type { z } from 'zod';
import { emailAddress, optionalEmailAddress, optionalPhoneNumber, phoneNumber } from './contact';

const problem = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? null : result.error.issues[0]!.message;
};

describe('contact fields', () => {
  it('lower-cases an e-mail address and refuses one that is not', () => {
    expect(emailAddress.parse('Ann.Lee@Example.COM')).toBe('ann.lee@example.com');
    expect(problem(emailAddress, 'ann.lee')).toBe('is not a valid email address');
    expect(problem(emailAddress, '')).toBe('is not a valid email address');
  });

  it('accepts a phone number with a leading +, spaces, brackets and dashes, trimmed', () => {
    expect(phoneNumber.parse(' +94 (11) 234-5678 ')).toBe('+94 (11) 234-5678');
    expect(problem(phoneNumber, '12345')).toBe('is not a valid phone number');
    expect(problem(phoneNumber, 'call me')).toBe('is not a valid phone number');
    expect(problem(phoneNumber, '')).toBe('is not a valid phone number');
  });

  it('makes left-out optional contacts null and still checks given ones', () => {
    for (const empty of ['', null, undefined]) {
      expect(optionalEmailAddress.parse(empty)).toBeNull();
      expect(optionalPhoneNumber.parse(empty)).toBeNull();
    }
    expect(optionalEmailAddress.parse('A@B.CO')).toBe('a@b.co');
    expect(optionalPhoneNumber.parse('0112345678')).toBe('0112345678');
    // a union: zod reports it as one invalid input, as marketing's forms always have
    expect(problem(optionalEmailAddress, 'nope')).not.toBeNull();
    expect(problem(optionalPhoneNumber, '12')).toBe('is not a valid phone number');
  });
});
