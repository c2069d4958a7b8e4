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

/**
 * Documents keep the seed's snake_case names while the schema is camelCase. This default resolver reads
 * `firstName` from `first_name` when the object has no camelCase property, so resolvers only exist for
 * fields that compute something.
 */
export const snakeCaseFieldResolver: GraphQLFieldResolver<unknown, unknown> = (
  source,
  args,
  context,
  info,
) => {
  if (source === null || typeof source !== 'object') return undefined;
  const record = source as Record<string, unknown>;
  let value = record[info.fieldName];
  if (value === undefined) value = record[toSnakeCase(info.fieldName)];
  return typeof value === 'function' ? value.call(source, args, context, info) : value;
};
