import { ApolloServer } from '@apollo/server';
import type { BaseContext } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { isIntrospectionType, isObjectType } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { auditMutationsMiddleware } from '@casino/audit';
import { createPermissions } from '@casino/auth';
import type { RuleTree } from '@casino/auth';
import { createJsonScalar, snakeCaseFieldResolver } from '@casino/graphql';
import type { JsonInputLimits } from '@casino/graphql';
import type { Logger } from '@casino/logger';
import type { RequestBase } from './http';
import { createErrorFormatter, requestLoggingPlugin } from './apollo';
import { DEFAULT_STRING_INPUT_LIMITS, stringInputLimitsPlugin } from './input-limits';
import type { StringInputLimits } from './input-limits';

export interface SubgraphSchemaParts {
  typeDefs: DocumentNode;
  resolvers: unknown;
  /** graphql-shield rules for every field of the subgraph (deny by default). */
  rules: RuleTree;
  /** Mutations that are audit plumbing themselves and so are not audited. */
  unauditedMutations?: readonly string[];
  /** Bounds on `JSON` inputs from the subgraph's settings (the scalar's defaults otherwise). */
  jsonLimits?: JsonInputLimits;
}

function withJsonLimits(resolvers: unknown, limits: JsonInputLimits | undefined): unknown {
  const map = resolvers as Record<string, unknown>;
  return limits && map.JSON ? { ...map, JSON: createJsonScalar(limits) } : resolvers;
}

/**
 * The executable subgraph schema: federation (buildSubgraphSchema), then the audit middleware around
 * graphql-shield, so a mutation the rules deny is still recorded.
 */
export function buildSecuredSubgraphSchema(parts: SubgraphSchemaParts): GraphQLSchema {
  const schema = buildSubgraphSchema({
    typeDefs: parts.typeDefs,
    resolvers: withJsonLimits(parts.resolvers, parts.jsonLimits) as GraphQLResolverMap<unknown>,
  });
  // graphql-middleware wraps fields without a resolver around graphql's default resolver, which would bypass
  // Apollo's fieldResolver option; give every such field the snake_case resolver first
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) field.resolve ??= snakeCaseFieldResolver;
  }
  return applyMiddleware(
    schema,
    auditMutationsMiddleware(new Set(parts.unauditedMutations ?? [])) as never,
    createPermissions(parts.rules) as never,
  );
}

/**
 * Builds the Apollo Server of a subgraph from its SDL, resolver map and rules. Every string argument is held
 * to `inputLimits` (the settings' INPUT_MAX_TEXT_LENGTH / INPUT_MAX_NAME_LENGTH, see `stringInputLimitsOf`).
 */
export function createSubgraphApollo<C extends BaseContext & RequestBase>(
  options: SubgraphSchemaParts & { logger: Logger; inputLimits?: StringInputLimits },
): ApolloServer<C> {
  return new ApolloServer<C>({
    schema: buildSecuredSubgraphSchema(options),
    fieldResolver: snakeCaseFieldResolver,
    logger: options.logger,
    includeStacktraceInErrorResponses: false,
    // the process entry points own shutdown: they stop the HTTP servers, Apollo and MongoDB in order
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter(options.logger),
    // a bad variable is answered like any other BAD_USER_INPUT (HTTP 200), so the gateway relays the error
    // instead of treating the subgraph's 400 as a failed fetch
    status400ForVariableCoercionErrors: false,
    plugins: [
      requestLoggingPlugin<C>(),
      stringInputLimitsPlugin<C>(options.inputLimits ?? DEFAULT_STRING_INPUT_LIMITS),
    ],
  });
}
