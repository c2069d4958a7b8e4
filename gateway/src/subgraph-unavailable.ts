import { Kind, parse } from 'graphql';
import type { OperationDefinitionNode, SelectionSetNode } from 'graphql';

interface SubgraphRequestBody {
  query?: unknown;
  variables?: { representations?: unknown };
}

/** The response keys a selection set asks for on objects of `typename` (every type when null). */
function responseKeys(selectionSet: SelectionSetNode, typename: string | null): string[] {
  const keys: string[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') keys.push(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition?.name.value;
      if (!condition || typename === null || condition === typename) {
        keys.push(...responseKeys(selection.selectionSet, typename));
      }
    }
  }
  return [...new Set(keys)];
}

/**
 * The body of what the gateway hears from a subgraph it cannot reach (refused, reset, timed out): a GraphQL response
 * whose every requested field is an error with code SERVICE_UNAVAILABLE at that field's path, so the gateway
 * reports each at its place in the client's response and keeps what the other subgraphs answered. The
 * subgraph's address and the network error stay out of the response.
 */
export function subgraphUnavailableBody(subgraph: string, body: string): string {
  const errors: { message: string; path?: (string | number)[]; extensions: { code: string } }[] = [];
  const error = (path?: (string | number)[]) => ({
    message: `The ${subgraph} service is unavailable`,
    ...(path ? { path } : {}),
    extensions: { code: 'SERVICE_UNAVAILABLE' },
  });
  try {
    const request = JSON.parse(body) as SubgraphRequestBody;
    const document = parse(String(request.query));
    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const representations = request.variables?.representations;
    const entities = operation?.selectionSet.selections.find(
      (s) => s.kind === Kind.FIELD && s.name.value === '_entities',
    );
    if (entities?.kind === Kind.FIELD && entities.selectionSet && Array.isArray(representations)) {
      const selectionSet = entities.selectionSet;
      representations.forEach((representation: { __typename?: unknown }, index) => {
        const typename = typeof representation?.__typename === 'string' ? representation.__typename : null;
        for (const key of responseKeys(selectionSet, typename)) errors.push(error(['_entities', index, key]));
      });
    } else if (operation) {
      for (const key of responseKeys(operation.selectionSet, null)) errors.push(error([key]));
    }
  } catch {
    // a body this gateway wrote and cannot read back: still unavailable, only without paths
  }
  if (errors.length === 0) errors.push(error());
  return JSON.stringify({ data: null, errors });
}

/**
 * Network failures and timeouts of a subgraph call (SubgraphUnreachableError from the gateway's client; fetch
 * rejects with a TypeError, or a TimeoutError when its signal expires), as opposed to an answer the subgraph
 * gave. By name: the errors may come from another realm's constructors.
 */
export function isUnreachable(error: unknown): boolean {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return name === 'SubgraphUnreachableError' || name === 'TypeError' || name === 'TimeoutError';
}
