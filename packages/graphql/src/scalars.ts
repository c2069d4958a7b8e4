import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { ValueNode } from 'graphql';
import { Decimal128 } from 'mongodb';
import { ErrorCode } from '@casino/errors';
import { decimalText, isMoneyText, toMoney } from '@casino/mongo';

const inputError = (message: string) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput } });

function parseDate(value: unknown): Date {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw inputError('DateTime must be an ISO-8601 string');
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw inputError(`DateTime is not a valid date: ${value}`);
  return date;
}

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An ISO-8601 instant in UTC, for example 2026-11-21T09:30:00.000Z',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError('DateTime cannot represent an invalid date');
    return date.toISOString();
  },
  parseValue: parseDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw inputError('DateTime must be a string');
    return parseDate(ast.value);
  },
});

function parseMoney(value: unknown): Decimal128 {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !isMoneyText(text)) {
    throw inputError('Money must be a decimal amount with at most two decimals, for example "125.50"');
  }
  return toMoney(text);
}

export const MoneyScalar = new GraphQLScalarType<Decimal128, string>({
  name: 'Money',
  description: 'An exact decimal amount in the casino currency, serialized as a string such as "1250.00"',
  serialize(value) {
    if (value instanceof Decimal128) return decimalText(value);
    if (typeof value === 'number') return value.toFixed(2);
    if (typeof value === 'string' && isMoneyText(value)) return value;
    throw new GraphQLError('Money cannot represent this value');
  },
  parseValue: parseMoney,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING && ast.kind !== Kind.FLOAT && ast.kind !== Kind.INT) {
      throw inputError('Money must be a string or a number');
    }
    return parseMoney(ast.value);
  },
});

/** Bounds on one `JSON` input value, so a single request cannot store what later reads cannot handle. */
export interface JsonInputLimits {
  /** Most levels of nested objects and arrays (`{"a":{"b":1}}` is 2) */
  maxDepth: number;
  /** Most bytes of the value serialized as JSON (UTF-8) */
  maxBytes: number;
  /** Most object keys in the whole value, counted over every level */
  maxKeys: number;
}

export const DEFAULT_JSON_INPUT_LIMITS: JsonInputLimits = { maxDepth: 10, maxBytes: 16_384, maxKeys: 200 };

const tooDeep = (name: string, limits: JsonInputLimits) =>
  inputError(`${name} value is nested deeper than ${limits.maxDepth} levels`);
const tooManyKeys = (name: string, limits: JsonInputLimits) =>
  inputError(`${name} value has more than ${limits.maxKeys} keys`);

/**
 * Walks a value (from a variable, so already parsed JSON) without recursion, refusing it as soon as it is
 * deeper or has more keys than allowed, then measures its serialized size. Returns the value unchanged.
 */
function checkJsonValue(value: unknown, limits: JsonInputLimits, name: string): unknown {
  let keys = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item === 'string' || typeof item === 'boolean') continue;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw inputError(`${name} numbers must be finite`);
      continue;
    }
    if (typeof item !== 'object') throw inputError(`${name} value must be plain JSON`);
    if (depth + 1 > limits.maxDepth) throw tooDeep(name, limits);
    if (Array.isArray(item)) {
      for (const element of item) stack.push([element, depth + 1]);
      continue;
    }
    const entries = Object.entries(item);
    keys += entries.length;
    if (keys > limits.maxKeys) throw tooManyKeys(name, limits);
    for (const [, element] of entries) stack.push([element, depth + 1]);
  }
  // depth is bounded by now, so stringify cannot run out of stack
  if (Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8') > limits.maxBytes) {
    throw inputError(`${name} value is larger than ${limits.maxBytes} bytes`);
  }
  return value;
}

/**
 * Builds the value of an inline literal without recursion, with the same bounds as a variable; a literal
 * deeper than allowed is refused before any of its deeper levels is built.
 */
function literalToValue(ast: ValueNode, limits: JsonInputLimits, name: string): unknown {
  let keys = 0;
  const root: { value?: unknown } = {};
  const stack: { node: ValueNode; depth: number; assign: (value: unknown) => void }[] = [
    { node: ast, depth: 0, assign: (value) => (root.value = value) },
  ];
  while (stack.length > 0) {
    const { node, depth, assign } = stack.pop()!;
    switch (node.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        assign(node.value);
        break;
      case Kind.INT:
      case Kind.FLOAT:
        assign(Number(node.value));
        break;
      case Kind.NULL:
        assign(null);
        break;
      case Kind.LIST: {
        if (depth + 1 > limits.maxDepth) throw tooDeep(name, limits);
        const list: unknown[] = new Array<unknown>(node.values.length);
        assign(list);
        node.values.forEach((element, index) =>
          stack.push({ node: element, depth: depth + 1, assign: (value) => (list[index] = value) }),
        );
        break;
      }
      case Kind.OBJECT: {
        if (depth + 1 > limits.maxDepth) throw tooDeep(name, limits);
        keys += node.fields.length;
        if (keys > limits.maxKeys) throw tooManyKeys(name, limits);
        const object: Record<string, unknown> = {};
        assign(object);
        for (const field of node.fields) {
          stack.push({
            node: field.value,
            depth: depth + 1,
            assign: (value) => (object[field.name.value] = value),
          });
        }
        break;
      }
      default:
        throw inputError(`${name} literal cannot contain variables`);
    }
  }
  return checkJsonValue(root.value, limits, name);
}

/**
 * A free-form JSON scalar whose inputs, as variables or inline literals, are bounded by `limits`. Subgraphs
 * build theirs from their settings; `JSONScalar` carries the defaults.
 */
export function createJsonScalar(
  limits: JsonInputLimits = DEFAULT_JSON_INPUT_LIMITS,
  name = 'JSON',
): GraphQLScalarType<unknown, unknown> {
  return new GraphQLScalarType<unknown, unknown>({
    name,
    description: 'A free-form JSON value (used for preferences, summaries and metadata)',
    serialize: (value) => value,
    parseValue: (value) => checkJsonValue(value, limits, name),
    parseLiteral: (ast) => literalToValue(ast, limits, name),
  });
}

export const JSONScalar = createJsonScalar();

export const scalarResolvers = { DateTime: DateTimeScalar, Money: MoneyScalar, JSON: JSONScalar };
