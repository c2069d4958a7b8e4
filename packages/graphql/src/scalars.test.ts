import { buildSchema, execute, parse, validate } from 'graphql';
import { withoutInputEchoes } from '@casino/errors';
import { DEFAULT_JSON_INPUT_LIMITS, createJsonScalar } from './scalars';
import type { JsonInputLimits } from './scalars';

function schemaWith(limits?: JsonInputLimits) {
  const schema = buildSchema('scalar JSON type Query { echo(value: JSON): JSON }');
  const bounded = createJsonScalar(limits);
  Object.assign(schema.getType('JSON')!, {
    parseValue: bounded.parseValue,
    parseLiteral: bounded.parseLiteral,
  });
  return schema;
}

function nested(levels: number): Record<string, unknown> {
  let value: Record<string, unknown> = { nicPassport: 'N5544332V' };
  for (let i = 1; i < levels; i += 1) value = { a: value };
  return value;
}

const literalOf = (value: unknown): string => JSON.stringify(value).replace(/"([A-Za-z_]\w*)":/g, '$1: ');

/** Runs `echo` with the value as a variable and as an inline literal; both answers. */
function run(value: unknown, limits?: JsonInputLimits) {
  const schema = schemaWith(limits);
  const rootValue = { echo: ({ value: v }: { value: unknown }) => v };
  const asVariable = execute({
    schema,
    document: parse('query ($v: JSON) { echo(value: $v) }'),
    variableValues: { v: value },
    rootValue,
  }) as {
    data?: { echo: unknown } | null;
    errors?: readonly { message: string; extensions: Record<string, unknown> }[];
  };
  const document = parse(`{ echo(value: ${literalOf(value)}) }`);
  const invalid = validate(schema, document);
  const asLiteral = (
    invalid.length ? { errors: invalid } : execute({ schema, document, rootValue })
  ) as typeof asVariable;
  return [asVariable, asLiteral];
}

describe('the JSON scalar', () => {
  it('takes a value at each limit, as a variable and as a literal', () => {
    const wide = Object.fromEntries(
      Array.from({ length: DEFAULT_JSON_INPUT_LIMITS.maxKeys }, (_, i) => [`k${i}`, i]),
    );
    for (const value of [
      nested(DEFAULT_JSON_INPUT_LIMITS.maxDepth),
      wide,
      [1, 'two', null, true, { x: [] }],
    ]) {
      for (const result of run(value)) {
        expect(result.errors).toBeUndefined();
        expect(result.data?.echo).toEqual(value);
      }
    }
  });

  it.each([
    ['one level too deep', nested(DEFAULT_JSON_INPUT_LIMITS.maxDepth + 1), /nested deeper than 10 levels/],
    ['1,500 levels deep', nested(1_500), /nested deeper than 10 levels/],
    ['a list nested too deep', JSON.parse('['.repeat(11) + ']'.repeat(11)) as unknown, /nested deeper/],
    [
      'one key too many (counted over every level)',
      {
        a: Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`k${i}`, i])),
        b: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i])),
      },
      /more than 200 keys/,
    ],
    ['too many bytes', { note: 'N5544332V'.repeat(2_000) }, /larger than 16384 bytes/],
  ])('refuses %s with BAD_USER_INPUT, without echoing the value', (_case, value, message) => {
    for (const result of run(value)) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors![0]!.extensions.code).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.message).toMatch(message);
      // graphql-js quotes a refused variable; the servers' error formatter cuts that out, the scalar adds none
      expect(withoutInputEchoes(result.errors![0]!.message)).not.toContain('N5544332V');
    }
  });

  it('follows the limits it is built with', () => {
    const limits = { maxDepth: 2, maxBytes: 64, maxKeys: 3 };
    for (const result of run({ a: { b: 1 } }, limits)) expect(result.errors).toBeUndefined();
    for (const result of run({ a: { b: { c: 1 } } }, limits))
      expect(result.errors?.[0]?.message).toMatch(/deeper than 2/);
    for (const result of run({ a: 1, b: 2, c: 3, d: 4 }, limits))
      expect(result.errors?.[0]?.message).toMatch(/more than 3 keys/);
    for (const result of run({ a: 'x'.repeat(64) }, limits))
      expect(result.errors?.[0]?.message).toMatch(/larger than 64 bytes/);
  });
});
