import { z } from 'zod';
import { buildSchema, executeSync, parse, validate } from 'graphql';
import { ErrorCode, serviceUnavailable, validateInput, withoutInputEchoes } from './index';

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

describe('withoutInputEchoes', () => {
  const schema = buildSchema(`
    enum Tier { Ruby VIP }
    input Person { name: String!, age: Int, tier: Tier }
    type Query { echo(person: Person, code: String, count: Int, tier: Tier): String }
  `);
  const messagesOf = (query: string, variables?: Record<string, unknown>) => {
    const document = parse(query);
    const invalid = validate(schema, document);
    if (invalid.length > 0) return invalid.map((e) => e.message);
    const result = executeSync({ schema, document, variableValues: variables });
    return (result.errors ?? []).map((e) => e.message);
  };

  it.each([
    ['a wrongly typed variable', 'query($p: Person) { echo(person: $p) }', { p: { name: ['SECRET-77'] } }],
    ['a wrong scalar variable', 'query($c: Int) { echo(count: $c) }', { c: 'SECRET-77' }],
    ['an unknown enum variable', 'query($t: Tier) { echo(tier: $t) }', { t: 'SECRET-77' }],
    ['a wrongly typed literal', 'query { echo(count: "SECRET-77") }', undefined],
    ['a literal in an input object', 'query { echo(person: { name: 77123, age: "SECRET-77" }) }', undefined],
    ['an unknown enum literal', 'query { echo(tier: SECRET77) }', undefined],
  ])('cuts the value out of %s and keeps where and why', (_case, query, variables) => {
    const raw = messagesOf(query, variables);
    expect(raw.join(' ')).toMatch(/SECRET-?77|77123/);
    const cleaned = raw.map(withoutInputEchoes);
    expect(cleaned.join(' ')).not.toMatch(/SECRET|77123/);
    for (const message of cleaned) expect(message.length).toBeGreaterThan(10);
  });

  it('keeps the field path of a bad variable', () => {
    const [message] = messagesOf('query($p: Person) { echo(person: $p) }', {
      p: { name: 'x', age: 'SECRET' },
    });
    expect(withoutInputEchoes(message!)).toBe(
      'Variable "$p" got an invalid value at "p.age"; Int cannot represent non-integer value.',
    );
  });
});

describe('serviceUnavailable', () => {
  it('carries SERVICE_UNAVAILABLE, the extra extensions and the cause', () => {
    const cause = new Error('connect ECONNREFUSED');
    const error = serviceUnavailable('Gaming could not be reached', {
      cause,
      extensions: { service: 'gaming' },
    });
    expect(error.message).toBe('Gaming could not be reached');
    expect(error.extensions).toEqual({ code: ErrorCode.ServiceUnavailable, service: 'gaming' });
    expect(error.originalError).toBe(cause);
  });

  it('keeps no cause that is not an error, and its code whatever the extensions say', () => {
    const error = serviceUnavailable('down', {
      cause: 'timeout',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
    expect(error.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(error.originalError).toBeUndefined();
  });
});
