import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, getNamedType, getNullableType, isListType, valueFromAST } from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLField,
  GraphQLObjectType,
  GraphQLSchema,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import { isCompositeType } from 'graphql';
import { z } from '@casino/config';

/**
 * Bounds every operation must stay within before the gateway plans it, so no subgraph is called for one that
 * is too big. The defaults admit every operation in clients/ and every dashboard query with room to spare.
 */
export const operationLimitEnv = {
  /** Nesting of fields, the root fields being level 1. */
  MAX_OPERATION_DEPTH: z.coerce.number().int().min(1).default(15),
  /** Fields given an alias (`a: me`), over the whole operation. */
  MAX_OPERATION_ALIASES: z.coerce.number().int().min(0).default(30),
  /** Fields selected at the root of the operation. */
  MAX_OPERATION_ROOT_FIELDS: z.coerce.number().int().min(1).default(20),
  /** Lexical tokens of the request document; parsing stops at the limit. */
  MAX_OPERATION_TOKENS: z.coerce.number().int().min(100).default(10_000),
  /** Estimated fields resolved: each field counts once per item of every list it sits in (see README). */
  MAX_OPERATION_COST: z.coerce.number().int().min(1).default(50_000),
  /** Items assumed for a list with no `first` (nor a default for it), e.g. a dashboard's top rewards. */
  OPERATION_COST_LIST_SIZE: z.coerce.number().int().min(1).default(20),
};

export interface OperationLimits {
  depth: number;
  aliases: number;
  rootFields: number;
  tokens: number;
  cost: number;
  listSize: number;
}

export function operationLimitsOf(env: {
  MAX_OPERATION_DEPTH: number;
  MAX_OPERATION_ALIASES: number;
  MAX_OPERATION_ROOT_FIELDS: number;
  MAX_OPERATION_TOKENS: number;
  MAX_OPERATION_COST: number;
  OPERATION_COST_LIST_SIZE: number;
}): OperationLimits {
  return {
    depth: env.MAX_OPERATION_DEPTH,
    aliases: env.MAX_OPERATION_ALIASES,
    rootFields: env.MAX_OPERATION_ROOT_FIELDS,
    tokens: env.MAX_OPERATION_TOKENS,
    cost: env.MAX_OPERATION_COST,
    listSize: env.OPERATION_COST_LIST_SIZE,
  };
}

export type LimitName = 'depth' | 'aliases' | 'rootFields' | 'tokens' | 'cost';

const SETTING_OF: Record<LimitName, string> = {
  depth: 'MAX_OPERATION_DEPTH',
  aliases: 'MAX_OPERATION_ALIASES',
  rootFields: 'MAX_OPERATION_ROOT_FIELDS',
  tokens: 'MAX_OPERATION_TOKENS',
  cost: 'MAX_OPERATION_COST',
};

export const OPERATION_LIMIT_EXCEEDED = 'OPERATION_LIMIT_EXCEEDED';

export function operationLimitError(limit: LimitName, max: number, found?: number): GraphQLError {
  const what = found === undefined ? `more than ${max}` : `${found}, above ${max}`;
  return new GraphQLError(`Operation limit exceeded: ${limit} is ${what} (${SETTING_OF[limit]})`, {
    extensions: {
      code: OPERATION_LIMIT_EXCEEDED,
      limit,
      max,
      ...(found === undefined ? {} : { found }),
      http: { status: 400 },
    },
  });
}

export interface OperationMeasures {
  depth: number;
  aliases: number;
  rootFields: number;
  cost: number;
}

/** Root fields left to the introspection policy: they are not data and are never planned to a subgraph. */
const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Depth, aliases, root fields and estimated cost in one walk of the operation (fragments followed). The cost
 * is the number of fields resolved if every list were full: a field counts once per item of each enclosing
 * list, a field with a `first` argument holds `first` items (the argument, its variable, the schema default,
 * else `listSize`), the `edges` of a connection are the connection's items, and any other list holds `listSize`.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  listSize: number,
): OperationMeasures {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const rootType = schema.getRootType(operation.operation);
  const measures: OperationMeasures = { depth: 0, aliases: 0, rootFields: 0, cost: 0 };
  if (!rootType) return measures;

  const itemsOf = (
    field: GraphQLField<unknown, unknown>,
    args: Map<string, unknown>,
    name: string,
  ): number => {
    const first = field.args.find((arg) => arg.name === 'first');
    if (first) {
      const given = args.has('first') ? args.get('first') : first.defaultValue;
      return typeof given === 'number' && given >= 0 ? given : listSize;
    }
    if (!isListType(getNullableType(field.type))) return 1;
    return name === 'edges' ? 1 : listSize;
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLObjectType | null,
    depth: number,
    multiplier: number,
    root: boolean,
  ): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment)
          walk(
            fragment.selectionSet,
            typeNamed(schema, fragment.typeCondition.name.value),
            depth,
            multiplier,
            root,
          );
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition
          ? typeNamed(schema, selection.typeCondition.name.value)
          : parent;
        walk(selection.selectionSet, condition, depth, multiplier, root);
        continue;
      }
      const name = selection.name.value;
      if (root && INTROSPECTION_FIELDS.has(name)) continue;
      if (root) measures.rootFields += 1;
      if (selection.alias) measures.aliases += 1;
      measures.depth = Math.max(measures.depth, depth);
      measures.cost += multiplier;
      if (!selection.selectionSet) continue;
      const field = parent?.getFields()[name];
      if (!field) continue;
      const args = new Map<string, unknown>();
      for (const argument of selection.arguments ?? []) {
        const definition = field.args.find((arg) => arg.name === argument.name.value);
        if (definition)
          args.set(argument.name.value, valueFromAST(argument.value, definition.type, variables));
      }
      const named = getNamedType(field.type);
      walk(
        selection.selectionSet,
        isCompositeType(named) && 'getFields' in named ? (named as GraphQLObjectType) : null,
        depth + 1,
        multiplier * itemsOf(field, args, name),
        false,
      );
    }
  };
  walk(operation.selectionSet, rootType, 1, 1, true);
  return measures;
}

function typeNamed(schema: GraphQLSchema, name: string): GraphQLObjectType | null {
  const type = schema.getType(name);
  return type && isCompositeType(type) && 'getFields' in type ? (type as GraphQLObjectType) : null;
}

// graphql-js 16 spells it "more that"
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

/**
 * Refuses an operation over any limit with OPERATION_LIMIT_EXCEEDED (HTTP 400) naming the limit, once it is
 * parsed and validated and before it is planned. The token limit is graphql-js's own (Apollo's `parseOptions`,
 * so a flood of tokens is never fully parsed); its syntax error is reported here as the limit it is.
 */
export function operationLimitsPlugin<C extends BaseContext>(limits: OperationLimits): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const measured = measureOperation(schema, document, operation, request.variables, limits.listSize);
          for (const limit of ['aliases', 'rootFields', 'depth', 'cost'] as const) {
            if (measured[limit] > limits[limit])
              throw operationLimitError(limit, limits[limit], measured[limit]);
          }
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const errors = response.body.singleResult.errors;
          if (errors?.[0]?.extensions?.code !== 'GRAPHQL_PARSE_FAILED') return;
          if (!TOO_MANY_TOKENS.test(errors[0].message)) return;
          const refusal = operationLimitError('tokens', limits.tokens);
          const { http: _http, ...extensions } = refusal.extensions;
          response.body.singleResult.errors = [{ message: refusal.message, extensions }];
          response.http.status = 400;
        },
      };
    },
  };
}

/** Apollo Server's `parseOptions`: graphql-js stops parsing past the token limit. */
export const parseOptionsOf = (limits: OperationLimits) => ({ maxTokens: limits.tokens });
