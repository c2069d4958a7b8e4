import { Kind } from 'graphql';
import type { ObjectTypeDefinitionNode, ObjectTypeExtensionNode } from 'graphql';
import { requirementOf, ruleOf } from '@casino/auth';
import { SUBGRAPH_DEFINITIONS, SUBGRAPH_NAMES } from '../scripts/stack';

const ROOTS = new Set(['Query', 'Mutation']);
const SERVICE_ONLY = 'internal service only';

/** Every root Query/Mutation field a subgraph defines, with its description and its rule's requirement. */
function rootFields() {
  return SUBGRAPH_NAMES.flatMap((subgraph) => {
    const { typeDefs, rules } = SUBGRAPH_DEFINITIONS[subgraph];
    return typeDefs.definitions
      .filter(
        (node): node is ObjectTypeDefinitionNode | ObjectTypeExtensionNode =>
          (node.kind === Kind.OBJECT_TYPE_DEFINITION || node.kind === Kind.OBJECT_TYPE_EXTENSION) &&
          ROOTS.has(node.name.value),
      )
      .flatMap((type) =>
        (type.fields ?? []).map((field) => {
          const rule = ruleOf(rules, type.name.value, field.name.value);
          return {
            name: `${subgraph}: ${type.name.value}.${field.name.value}`,
            requirement: requirementOf(rule),
            description: field.description?.value ?? '',
          };
        }),
      );
  });
}

describe('root fields state the role they need', () => {
  const fields = rootFields();

  it('finds the root fields of all five subgraphs', () => {
    expect(new Set(fields.map((field) => field.name.split(':')[0]))).toEqual(new Set(SUBGRAPH_NAMES));
    expect(fields.length).toBeGreaterThan(120);
  });

  it('has a stated requirement for every root field a rule guards', () => {
    const unstated = fields
      .filter(
        (field) =>
          field.requirement === undefined &&
          !['login', 'refreshToken'].some((open) => field.name.endsWith(`.${open}`)),
      )
      .map((field) => field.name);
    expect(unstated).toEqual([]);
  });

  it("says in each field's description what its rule requires, except on service-only fields", () => {
    const wrong = fields
      .filter((field) => field.requirement !== undefined && field.requirement !== SERVICE_ONLY)
      .filter((field) => !field.description.includes(`Requires: ${field.requirement}.`))
      .map((field) => `${field.name} should say "Requires: ${field.requirement}."`);
    expect(wrong).toEqual([]);
  });
});
