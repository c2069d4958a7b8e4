import { ApolloServer } from '@apollo/server';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { isIntrospectionType, isObjectType } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { auditMutations } from '@casino/audit';
import type { TargetMemberLookups } from '@casino/audit';
import { applyFieldRules } from '@casino/auth';
import type { RuleTree } from '@casino/auth';
import { createJsonScalar, snakeCaseFieldResolver, snakeCaseResolverFor } from '@casino/graphql';
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
  /** The member of a mutation's target, by target type, for the audit events that do not name one. */
  auditTargetMembers?: TargetMemberLookups;
  /** Bounds on `JSON` inputs from the subgraph's settings (the scalar's defaults otherwise). */
  jsonLimits?: JsonInputLimits;
}

function withJsonLimits(resolvers: unknown, limits: JsonInputLimits | undefined): unknown {
  const map = resolvers as Record<string, unknown>;
  return limits && map.JSON ? { ...map, JSON: createJsonScalar(limits) } : resolvers;
}

/**
 * The executable subgraph schema: federation (buildSubgraphSchema), then the rules on every field (see
 * `applyFieldRules`: caller-only rules decided once per request, graphql-shield for the rules that read the
 * data), then the audit around every mutation, outside the rules, so a mutation the rules deny is still
 * recorded. Resolvers are replaced in place: no per-field middleware layer.
 */
export function buildSecuredSubgraphSchema(parts: SubgraphSchemaParts): GraphQLSchema {
  const schema = buildSubgraphSchema({
    typeDefs: parts.typeDefs,
    resolvers: withJsonLimits(parts.resolvers, parts.jsonLimits) as GraphQLResolverMap<unknown>,
  });
  // the rules wrap each field's resolver, so a field without one gets the snake_case default resolver first
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) field.resolve ??= snakeCaseResolverFor(field.name);
  }
  applyFieldRules(schema, parts.rules);
  auditMutations(schema, new Set(parts.unauditedMutations ?? []), parts.auditTargetMembers);
  return schema;
}

/** A header Apollo's cache-control plugin would merge with the operation's hints (so replace). */
const CACHEABLE_HEADER = /^max-age=(\d+), (public|private)$/;

/**
 * Apollo's cache-control plugin, for a schema without cache hints, answers every response with
 * `cache-control: no-store` (no hint, so the default maxAge 0); to work that out it runs a hook on every
 * resolved field, and any such hook makes Apollo wrap every resolver of the schema. The subgraphs declare no
 * `@cacheControl` hints, so their responses get the same header once per response instead; a schema that
 * declares the directive keeps Apollo's plugin.
 */
function cacheControlPlugins<C extends BaseContext>(schema: GraphQLSchema): ApolloServerPlugin<C>[] {
  if (schema.getDirective('cacheControl')) return [];
  return [
    ApolloServerPluginCacheControlDisabled(),
    {
      async requestDidStart() {
        return {
          async willSendResponse({ response }) {
            const existing = response.http.headers.get('cache-control');
            if (existing === undefined || existing === 'no-store' || CACHEABLE_HEADER.test(existing)) {
              response.http.headers.set('cache-control', 'no-store');
            }
          },
        };
      },
    },
  ];
}

/**
 * Builds the Apollo Server of a subgraph from its SDL, resolver map and rules. Every string argument is held
 * to `inputLimits` (the settings' INPUT_MAX_TEXT_LENGTH / INPUT_MAX_NAME_LENGTH, see `stringInputLimitsOf`).
 */
export function createSubgraphApollo<C extends BaseContext & RequestBase>(
  options: SubgraphSchemaParts & { logger: Logger; inputLimits?: StringInputLimits },
): ApolloServer<C> {
  const schema = buildSecuredSubgraphSchema(options);
  return new ApolloServer<C>({
    schema,
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
      ...cacheControlPlugins<C>(schema),
    ],
  });
}
