import { Kind } from 'graphql';
import type { DocumentNode } from 'graphql';

/**
 * What a subgraph's rule tree leaves to the default: the object types of its SDL without a rule, and the
 * Query and Mutation fields its root rule maps do not name. Empty when every one has an explicit rule.
 */
export function withoutExplicitRule(typeDefs: DocumentNode, rules: object): string[] {
  const tree = rules as Record<string, unknown>;
  const missing: string[] = [];
  for (const definition of typeDefs.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION)
      continue;
    const type = definition.name.value;
    const rule = tree[type];
    if (type === 'Query' || type === 'Mutation') {
      const fields = (rule ?? {}) as Record<string, unknown>;
      for (const field of definition.fields ?? []) {
        if (!fields[field.name.value]) missing.push(`${type}.${field.name.value}`);
      }
    } else if (!rule) {
      missing.push(type);
    }
  }
  return missing;
}
