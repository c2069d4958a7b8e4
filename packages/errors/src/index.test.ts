import { z } from 'zod';
import { ErrorCode, validateInput } from './index';

describe('validateInput', () => {
  const schema = z.object({ email: z.email(), age: z.number().int().min(18) });

  it('returns the parsed value when valid', () => {
    expect(validateInput(schema, { email: 'a@b.co', age: 30 })).toEqual({ email: 'a@b.co', age: 30 });
  });

  it('names the failing field with a BAD_USER_INPUT code', () => {
    try {
      validateInput(schema, { email: 'nope', age: 12 });
      throw new Error('expected a validation error');
    } catch (error) {
      const e = error as { message: string; extensions: Record<string, unknown> };
      expect(e.extensions.code).toBe(ErrorCode.BadUserInput);
      expect(e.extensions.field).toBe('input.email');
      expect(e.message).toMatch(/^input\.email: /);
      expect(e.extensions.problems).toHaveLength(2);
    }
  });
});
