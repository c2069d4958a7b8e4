import { Kind } from 'graphql';
import type { FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { toSnakeCase } from './field-resolver';

/**
 * The names of the fields the operation selects at `path` below the field being resolved (`['edges', 'node']`
 * for a connection's nodes), through fragments and inline fragments, whatever their type condition or
 * @skip/@include (a superset is always safe to fetch). Null when the path selects nothing.
 */
export function selectedFieldNames(
  info: GraphQLResolveInfo,
  path: readonly string[] = [],
): Set<string> | null {
  let sets: SelectionSetNode[] = info.fieldNodes.flatMap((node) =>
    node.selectionSet ? [node.selectionSet] : [],
  );
  for (const name of path) {
    const next: SelectionSetNode[] = [];
    for (const set of sets) {
      visitFields(set, info.fragments, (field) => {
        if (field.name.value === name && field.selectionSet) next.push(field.selectionSet);
      });
    }
    sets = next;
  }
  if (sets.length === 0) return null;
  const names = new Set<string>();
  for (const set of sets) visitFields(set, info.fragments, (field) => names.add(field.name.value));
  return names;
}

function visitFields(
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  visit: (field: { name: { value: string }; selectionSet?: SelectionSetNode }) => void,
  seen: Set<string> = new Set(),
): void {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) visit(selection);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      visitFields(selection.selectionSet, fragments, visit, seen);
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = fragments[selection.name.value];
      if (fragment) visitFields(fragment.selectionSet, fragments, visit, seen);
    }
  }
}

export interface ProjectionSources {
  /** Fields with a resolver of their own: the stored fields each reads (a field missing here reads them all). */
  resolved: Record<string, readonly string[]>;
  /** The names of the type's fields that have a resolver (the type's resolver map), listed or not. */
  resolverFields: Iterable<string>;
}

/**
 * A MongoDB projection with only what the selected fields read: a field resolved by the snake_case default
 * resolver reads its own name and its snake_case name, a field with a resolver what `resolved` lists for it.
 * Null (fetch whole documents) when nothing is known of the selection or a selected field has a resolver that
 * `resolved` does not describe, so a new resolver never reads a document cut short.
 */
export function projectionOf(
  selected: ReadonlySet<string> | null,
  sources: ProjectionSources,
): Record<string, 1> | null {
  if (!selected) return null;
  const resolverFields = new Set(sources.resolverFields);
  const projection: Record<string, 1> = {};
  for (const name of selected) {
    if (name === '__typename') continue;
    const listed = sources.resolved[name];
    if (listed) {
      for (const stored of listed) projection[stored] = 1;
    } else if (resolverFields.has(name)) {
      return null;
    } else {
      projection[name] = 1;
      projection[toSnakeCase(name)] = 1;
    }
  }
  return projection;
}
