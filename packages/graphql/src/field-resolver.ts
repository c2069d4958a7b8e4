import type { GraphQLFieldResolver } from 'graphql';

const snakeCache = new Map<string, string>();

export function toSnakeCase(name: string): string {
  let snake = snakeCache.get(name);
  if (snake === undefined) {
    snake = name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
    snakeCache.set(name, snake);
  }
  return snake;
}

function readField(
  source: unknown,
  fieldName: string,
  snake: string,
  args: unknown,
  context: unknown,
  info: unknown,
): unknown {
  if (source === null || typeof source !== 'object') return undefined;
  const record = source as Record<string, unknown>;
  let value = record[fieldName];
  if (value === undefined) value = record[snake];
  return typeof value === 'function' ? value.call(source, args, context, info) : value;
}

/**
 * Documents keep the seed's snake_case names while the schema is camelCase. This default resolver reads
 * `firstName` from `first_name` when the object has no camelCase property, so resolvers only exist for
 * fields that compute something.
 */
export const snakeCaseFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) =>
  readField(source, info.fieldName, toSnakeCase(info.fieldName), args, context, info);

/**
 * The same default resolver for one known field, its snake_case name worked out once when the schema is
 * built rather than on every object of every response.
 */
export function snakeCaseResolverFor(fieldName: string): GraphQLFieldResolver<unknown, unknown> {
  const snake = toSnakeCase(fieldName);
  return (source, args, context, info) => readField(source, fieldName, snake, args, context, info);
}
