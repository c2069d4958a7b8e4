import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { ValueNode } from 'graphql';
import { Decimal128 } from 'mongodb';
import { ErrorCode } from '@casino/errors';
import { isMoneyText, toMoney } from '@casino/mongo';

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
    if (value instanceof Decimal128) return value.toString();
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

function literalToValue(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map(literalToValue);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToValue(f.value)]));
    default:
      throw inputError('JSON literal cannot contain variables');
  }
}

export const JSONScalar = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'A free-form JSON value (used for preferences, summaries and metadata)',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToValue,
});

export const scalarResolvers = { DateTime: DateTimeScalar, Money: MoneyScalar, JSON: JSONScalar };
