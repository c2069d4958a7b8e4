import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse } from 'graphql';
import type { ConstDirectiveNode, ObjectTypeDefinitionNode } from 'graphql';
import type { RuleTree } from '@casino/auth';
import { SUBGRAPH_DEFINITIONS } from '../scripts/stack';
import type { SubgraphName } from '../scripts/stack';

const supergraph = parse(readFileSync(path.join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8'));

function argument(directive: ConstDirectiveNode, name: string): string | boolean | undefined {
  const value = directive.arguments?.find((a) => a.name.value === name)?.value;
  if (!value) return undefined;
  if (value.kind === Kind.ENUM || value.kind === Kind.STRING) return value.value;
  if (value.kind === Kind.BOOLEAN) return value.value;
  return undefined;
}

/** join__Graph enum value (LOYALTY) -> subgraph name (loyalty). */
const graphNames = new Map<string, SubgraphName>();
for (const definition of supergraph.definitions) {
  if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
    for (const value of definition.values ?? []) {
      const joinGraph = value.directives?.find((d) => d.name.value === 'join__graph');
      graphNames.set(value.name.value, argument(joinGraph!, 'name') as SubgraphName);
    }
  }
}

/** Every (subgraph, type, field) the supergraph says a subgraph resolves. */
function resolvedFields(): { subgraph: SubgraphName; type: string; field: string }[] {
  const out: { subgraph: SubgraphName; type: string; field: string }[] = [];
  const objects = supergraph.definitions.filter(
    (d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION,
  );
  for (const type of objects) {
    const typeGraphs = (type.directives ?? [])
      .filter((d) => d.name.value === 'join__type')
      .map((d) => argument(d, 'graph') as string);
    for (const field of type.fields ?? []) {
      const joins = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
      const graphs =
        joins.length === 0
          ? typeGraphs
          : joins.filter((d) => argument(d, 'external') !== true).map((d) => argument(d, 'graph') as string);
      for (const graph of graphs) {
        out.push({ subgraph: graphNames.get(graph)!, type: type.name.value, field: field.name.value });
      }
    }
  }
  return out;
}

const isRule = (value: unknown) => typeof (value as { resolve?: unknown })?.resolve === 'function';

function hasExplicitRule(rules: RuleTree, type: string, field: string): boolean {
  const entry = (rules as Record<string, unknown>)[type];
  if (entry === undefined) return false;
  if (isRule(entry)) return true;
  const fields = entry as Record<string, unknown>;
  return isRule(fields[field]) || isRule(fields['*']);
}

describe('graphql-shield coverage of the composed supergraph', () => {
  const fields = resolvedFields();

  it('finds the fields of all five subgraphs', () => {
    expect(new Set(fields.map((f) => f.subgraph))).toEqual(new Set(Object.keys(SUBGRAPH_DEFINITIONS)));
    expect(fields.length).toBeGreaterThan(300);
  });

  it('has an explicit rule in the owning subgraph for every field of every object type', () => {
    const missing = fields
      .filter(
        ({ subgraph, type, field }) => !hasExplicitRule(SUBGRAPH_DEFINITIONS[subgraph].rules, type, field),
      )
      .map(({ subgraph, type, field }) => `${subgraph}: ${type}.${field}`);
    expect(missing).toEqual([]);
  });
});
