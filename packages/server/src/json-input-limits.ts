import { isScalarType } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { AUDIT_CHANGES_LIMITS } from '@casino/audit';
import { createJsonScalar } from '@casino/graphql';
import type { JsonInputLimits } from '@casino/graphql';

/**
 * Gives a schema built from SDL alone (the gateway's supergraph, whose scalars accept anything) the bounded
 * JSON scalars of the subgraphs, so a value too deep, too large or with too many keys, as a variable or an
 * inline literal, is refused before the operation is planned or sent anywhere.
 */
export function boundJsonInputs(schema: GraphQLSchema, limits: JsonInputLimits): void {
  for (const [name, bounds] of [
    ['JSON', limits],
    ['AuditChanges', AUDIT_CHANGES_LIMITS],
  ] as const) {
    const type = schema.getType(name);
    if (!isScalarType(type)) continue;
    const bounded = createJsonScalar(bounds, name);
    Object.assign(type, { parseValue: bounded.parseValue, parseLiteral: bounded.parseLiteral });
  }
}
