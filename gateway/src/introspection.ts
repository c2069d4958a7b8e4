import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { hasRoleOrPermission, isAdmin } from '@casino/auth';
import type { Identity, Role } from '@casino/auth';
import { GraphQLError, Kind } from 'graphql';
import type {
  DocumentNode,
  FragmentDefinitionNode,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';
import type { RequestBase } from '@casino/server';

/** Who may read the schema through introspection (`__schema`, `__type`). */
export interface IntrospectionPolicy {
  /**
   * Production: only signed-in admins at `minRole` or above, or holding `permission`; never anonymous.
   * Elsewhere everyone may, anonymous included, so Sandbox loads the schema before the analyst signs in.
   */
  production: boolean;
  minRole: Role;
  permission: string;
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * Whether the operation that will run reads `__schema` or `__type`, anywhere in its selections, through
 * inline fragments and named fragments alike (`__typename` is not introspection of the schema).
 */
export function readsSchema(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const visited = new Set<string>();
  const pending: SelectionSetNode[] = [operation.selectionSet];
  while (pending.length > 0) {
    for (const selection of pending.pop()!.selections) {
      if (selection.kind === Kind.FIELD) {
        if (INTROSPECTION_FIELDS.has(selection.name.value)) return true;
        if (selection.selectionSet) pending.push(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        pending.push(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) pending.push(fragment.selectionSet);
      }
    }
  }
  return false;
}

/** The refusal for a caller the policy does not let read the schema, or null when it does. */
export function introspectionRefusal(identity: Identity, policy: IntrospectionPolicy): GraphQLError | null {
  if (!policy.production) return null;
  if (!isAdmin(identity)) {
    return new GraphQLError('Unauthenticated: sign in to read the schema', {
      extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
    });
  }
  if (hasRoleOrPermission(identity, policy.minRole, policy.permission)) return null;
  return new GraphQLError(
    `Forbidden: reading the schema needs the role ${policy.minRole} or above, or the permission ${policy.permission}`,
    { extensions: { code: 'FORBIDDEN', http: { status: 403 } } },
  );
}

/** Refuses introspection to callers the policy excludes, before the operation is planned or executed. */
export function introspectionPolicyPlugin<C extends BaseContext & Pick<RequestBase, 'identity'>>(
  policy: IntrospectionPolicy,
): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, contextValue }) {
          if (!operation || !readsSchema(document, operation)) return;
          const refusal = introspectionRefusal(contextValue.identity, policy);
          if (refusal) throw refusal;
        },
      };
    },
  };
}
