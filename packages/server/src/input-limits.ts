import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  getArgumentValues,
  getNullableType,
  getVariableValues,
  GraphQLError,
  isInputObjectType,
  isListType,
  isScalarType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type {
  FragmentDefinitionNode,
  GraphQLInputType,
  GraphQLSchema,
  OperationDefinitionNode,
} from 'graphql';
import { badUserInput } from '@casino/errors';

/** The longest string any argument (variables and literals alike, at any depth of an input) may carry. */
export interface StringInputLimits {
  /** Free text: descriptions, notes, reasons, comments, passwords and anything not a name or an id */
  maxTextLength: number;
  /** Names and identifiers: every `ID`, and strings under a name-like field (see `isNameField`) */
  maxNameLength: number;
}

export const DEFAULT_STRING_INPUT_LIMITS: StringInputLimits = { maxTextLength: 2_000, maxNameLength: 100 };

/**
 * Name-like fields: `name`, `username`, anything ending in `Name` (firstName, lastName, fullName, courseName,
 * policyName...) and the prefix filters (`lastNamePrefix`), which are matched against names.
 */
const NAME_FIELD = /^(name|username)$|Name$|Prefix$/;
export const isNameField = (fieldName: string): boolean => NAME_FIELD.test(fieldName);

/**
 * Scalars whose values are not plain strings to bound here: `JSON` has its own depth/size/key bounds in its
 * scalar, `_Any` carries the gateway's entity representations.
 */
const UNCHECKED_SCALARS = new Set(['JSON', '_Any']);

class StringTooLong extends Error {
  constructor(
    readonly field: string,
    readonly limit: number,
  ) {
    super(`${field} is too long`);
  }
}

function checkValue(
  value: unknown,
  type: GraphQLInputType,
  path: string,
  fieldName: string,
  limits: StringInputLimits,
): void {
  if (value === null || value === undefined) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return;
    value.forEach((item, index) =>
      checkValue(item, nullable.ofType as GraphQLInputType, `${path}.${index}`, fieldName, limits),
    );
    return;
  }
  if (isInputObjectType(nullable)) {
    for (const field of Object.values(nullable.getFields())) {
      checkValue(
        (value as Record<string, unknown>)[field.name],
        field.type,
        `${path}.${field.name}`,
        field.name,
        limits,
      );
    }
    return;
  }
  if (!isScalarType(nullable) || UNCHECKED_SCALARS.has(nullable.name) || typeof value !== 'string') return;
  const limit =
    nullable.name === 'ID' || isNameField(fieldName) ? limits.maxNameLength : limits.maxTextLength;
  if (value.length > limit) throw new StringTooLong(path, limit);
}

/**
 * Every string argument of every field of the operation (inline literals and variables, inside input objects
 * and lists, after coercion) within its limit, or the first one over it as a BAD_USER_INPUT naming its path
 * (`filter.lastNamePrefix`), never its value. Returns silently when the variables or an argument do not
 * coerce: execution then refuses the operation itself before any resolver runs.
 */
export function checkOperationStrings(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  rawVariables: Record<string, unknown>,
  limits: StringInputLimits,
): void {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables, {
    maxErrors: 1,
  });
  if (coerced.errors) return;
  const variables = coerced.coerced;
  const typeInfo = new TypeInfo(schema);
  const visitor = visitWithTypeInfo(typeInfo, {
    Field(node) {
      const fieldDef = typeInfo.getFieldDef();
      if (!fieldDef || fieldDef.args.length === 0) return;
      let args: Record<string, unknown>;
      try {
        args = getArgumentValues(fieldDef, node, variables);
      } catch {
        return;
      }
      for (const arg of fieldDef.args) checkValue(args[arg.name], arg.type, arg.name, arg.name, limits);
    },
  });
  for (const node of [operation, ...fragments]) visit(node, visitor);
}

/**
 * Refuses an operation with an over-long string argument before execution starts, so no resolver (and no
 * query built from the value) ever sees it. Answered with HTTP 200 like other input errors, so the gateway
 * relays the BAD_USER_INPUT instead of treating the subgraph as failed.
 */
export function stringInputLimitsPlugin<C extends BaseContext>(
  limits: StringInputLimits,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // Apollo has already refused a document without a resolvable operation
          if (!operation) return;
          const fragments = document.definitions.filter(
            (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
          );
          try {
            checkOperationStrings(schema, operation, fragments, request.variables ?? {}, limits);
          } catch (error) {
            if (!(error instanceof StringTooLong)) throw error;
            const refused = badUserInput(error.field, `must be at most ${error.limit} characters`);
            throw new GraphQLError(refused.message, {
              extensions: { ...refused.extensions, http: { status: 200 } },
            });
          }
        },
      };
    },
  };
}
