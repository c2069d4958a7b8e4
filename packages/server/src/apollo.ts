import { PUBLIC_ERROR_CODES, withoutInputEchoes } from '@casino/errors';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '@casino/logger';
import type { RequestBase } from './http';

const VARIABLE_PATH = /^Variable "\$[^"]+" got an invalid value at "([^"]+)"; /;

/**
 * Keeps internal error text (driver messages, stack traces) out of responses: the client gets a generic
 * message and the request id; the log gets the detail.
 */
export function createErrorFormatter(logger: Logger, options: ErrorFormatterOptions = {}) {
  const format = formatWith(logger);
  if (!options.hideSchemaSuggestions) return format;
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const result = format(formatted, error);
    return { ...result, message: withoutSuggestions(result.message) };
  };
}

export interface ErrorFormatterOptions {
  /**
   * Drop graphql-js's "Did you mean ...?" hints (production): they list the fields, types and enum values near
   * a guess, a way to map a schema whose introspection is closed.
   */
  hideSchemaSuggestions?: boolean;
}

const SUGGESTION = / ?Did you mean [^?]*\?/g;

export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

function formatWith(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    let code = formatted.extensions?.code;
    // a scalar that refuses an inline literal (a JSON value too deep, say) fails validation: it is still the
    // caller's input that is wrong, so it keeps the scalar's BAD_USER_INPUT
    const original = (error as { originalError?: { extensions?: Record<string, unknown> } } | null)
      ?.originalError;
    if (code === 'GRAPHQL_VALIDATION_FAILED' && original?.extensions?.code === 'BAD_USER_INPUT') {
      code = 'BAD_USER_INPUT';
      formatted = { ...formatted, extensions: { ...formatted.extensions, code } };
    }
    // Apollo refuses some requests (an unsupported APQ version, a hash that does not match its query) with a
    // 400 but no code: they are the client's mistake, so BAD_REQUEST, not an internal error
    const raw = error as { extensions?: { code?: unknown; http?: { status?: unknown } } } | null;
    const status = raw?.extensions?.http?.status;
    if (
      code === 'INTERNAL_SERVER_ERROR' &&
      raw?.extensions?.code === undefined &&
      typeof status === 'number' &&
      status >= 400 &&
      status < 500
    ) {
      code = 'BAD_REQUEST';
      formatted = { ...formatted, extensions: { ...formatted.extensions, code } };
    }
    if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      const message = withoutInputEchoes(formatted.message);
      // a variable refused while coercing it names where in the variable: keep that as the field too
      const at = code === 'BAD_USER_INPUT' && !extensions.field ? VARIABLE_PATH.exec(message) : null;
      return { ...formatted, message, extensions: at ? { ...extensions, field: at[1] } : extensions };
    }
    logger.error({ err: error, path: formatted.path }, 'unexpected error while resolving');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * Refuses, as the client's mistake (BAD_REQUEST, HTTP 400), an operationName the document does not define
 * and a subscription sent over HTTP: the gateway's executor would otherwise fail them as internal errors.
 */
export function operationResolutionPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (!operation) {
            throw badRequest(
              request.operationName
                ? `Unknown operation named "${clipped(request.operationName) ?? ''}"`
                : 'The document defines several operations: name the one to run in operationName',
            );
          }
          if (operation.operation === 'subscription') {
            throw badRequest('Subscriptions are not served over HTTP');
          }
        },
      };
    },
  };
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
}

/**
 * Operations that machines send several times a second (the gateway re-reading the ended sessions): logged
 * at debug level so they do not drown the request log.
 */
const ROUTINE_OPERATIONS = new Set(['RevocationFeed']);

/** The most of a client-supplied string (operation name, client name) a log line keeps. */
export const LOGGED_CLIENT_STRING_MAX = 100;

function clipped(value: string | null): string | null {
  if (value === null || value.length <= LOGGED_CLIENT_STRING_MAX) return value;
  return `${value.slice(0, LOGGED_CLIENT_STRING_MAX)}…`;
}

/** One log line per operation: name, duration and error count, never variables. */
export function requestLoggingPlugin<
  C extends BaseContext & Pick<RequestBase, 'log' | 'clientName'>,
>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, errors }) {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const line = {
            operationName: clipped(operationName ?? null),
            clientName: clipped(contextValue.clientName ?? null),
            durationMs: Math.round(ms * 10) / 10,
            errors: errors?.length ?? 0,
          };
          if (operationName && ROUTINE_OPERATIONS.has(operationName) && !errors?.length) {
            contextValue.log.debug(line, 'graphql request');
          } else {
            contextValue.log.info(line, 'graphql request');
          }
        },
      };
    },
  };
}

/**
 * A refusal for rate reasons (RATE_LIMITED, from any subgraph) answers HTTP 429 with `Retry-After`, the longest
 * wait any of the errors asks for, so clients and proxies back off the standard way.
 */
export function rateLimitStatusPlugin<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          let retryAfter: number | null = null;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code !== 'RATE_LIMITED') continue;
            const seconds = Number(error.extensions.retryAfterSeconds);
            retryAfter = Math.max(retryAfter ?? 1, Number.isFinite(seconds) ? Math.ceil(seconds) : 1);
          }
          if (retryAfter === null) return;
          response.http.status = 429;
          response.http.headers.set('retry-after', String(retryAfter));
        },
      };
    },
  };
}
