import { GraphQLError } from 'graphql';
import type { z } from 'zod';

/** The `extensions.code` values clients can rely on. */
export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Conflict: 'CONFLICT',
  NotFound: 'NOT_FOUND',
  Forbidden: 'FORBIDDEN',
  Unauthenticated: 'UNAUTHENTICATED',
  /** Another subgraph this one depends on could not be reached; the caller may retry. */
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
  /** Too many attempts: `extensions.retryAfterSeconds` says when to try again (the gateway answers 429). */
  RateLimited: 'RATE_LIMITED',
  Internal: 'INTERNAL_SERVER_ERROR',
} as const;

/** Codes whose errors reach clients as they are; anything else is masked as INTERNAL_SERVER_ERROR. */
export const PUBLIC_ERROR_CODES: ReadonlySet<string> = new Set([
  ErrorCode.BadUserInput,
  ErrorCode.Conflict,
  ErrorCode.NotFound,
  ErrorCode.Forbidden,
  ErrorCode.Unauthenticated,
  ErrorCode.ServiceUnavailable,
  ErrorCode.RateLimited,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_IN_LIST',
  'OPERATION_LIMIT_EXCEEDED',
  'OPERATION_RESOLUTION_FAILURE',
]);
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export function badUserInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, {
    extensions: { code: ErrorCode.BadUserInput, field },
  });
}

export function conflict(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.Conflict, ...(field ? { field } : {}) } });
}

export function notFound(typeName: string, id: string): GraphQLError {
  return new GraphQLError(`${typeName} ${id} not found`, { extensions: { code: ErrorCode.NotFound } });
}

/**
 * Another subgraph this one depends on could not answer: SERVICE_UNAVAILABLE, the caller may retry. `cause`
 * (the failed call's error) stays on the server as `originalError`; `extensions` adds fields such as `service`.
 */
export function serviceUnavailable(
  message: string,
  options: { cause?: unknown; extensions?: Record<string, unknown> } = {},
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { ...options.extensions, code: ErrorCode.ServiceUnavailable },
    originalError: options.cause instanceof Error ? options.cause : undefined,
  });
}

/** Refused for rate reasons; `retryAfterSeconds` is a whole number of at least 1. */
export function rateLimited(message: string, retryAfterMs: number): GraphQLError {
  const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GraphQLError(message, { extensions: { code: ErrorCode.RateLimited, retryAfterSeconds } });
}

/**
 * Validates a mutation input with a zod schema. The first problem becomes a BAD_USER_INPUT error naming the
 * offending field as a path from the argument (`input.email`), and every problem is listed in extensions.
 */
export function validateInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  argument = 'input',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => ({
    field: [argument, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = problems[0]!;
  return throwError(
    new GraphQLError(`${first.field}: ${first.message}`, {
      extensions: { code: ErrorCode.BadUserInput, field: first.field, problems },
    }),
  );
}

function throwError(error: GraphQLError): never {
  throw error;
}

/**
 * graphql-js quotes the offending input in its coercion and validation messages ("Variable "$input" got
 * invalid value "PX77..." at ...", "String cannot represent a non string value: 1234", "found 1234"). Inputs
 * carry identity documents, salaries and passwords, so every message leaves with the value cut out and the
 * place and reason kept.
 */
const INPUT_ECHOES: [RegExp, string][] = [
  [/got invalid value [\s\S]*? at "([^"]*)"; /, 'got an invalid value at "$1"; '],
  [/got invalid value [\s\S]*?; /, 'got an invalid value; '],
  [/(cannot represent(?: an?)?(?: non[- ][\w -]+?)? value): [\s\S]*$/, '$1.'],
  [/(Expected value of type "[^"]+"), found [\s\S]*$/, '$1.'],
  [/Value [\s\S]*? does not exist in "([^"]+)" enum\.?/, 'Value does not exist in "$1" enum.'],
];

export function withoutInputEchoes(message: string): string {
  return INPUT_ECHOES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
}
export * from './contact';
