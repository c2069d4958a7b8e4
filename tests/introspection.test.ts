import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql';
import type { IntrospectionQuery } from 'graphql';
import type { AdminIdentity } from '@casino/auth';
import { loadApiSchema } from './support/api-schema';
import { startProductionGateway } from './support/production-gateway';
import type { ProductionGateway } from './support/production-gateway';
import { IDENTITIES, startTestStack } from './support/stack-harness';
import type { TestStack } from './support/stack-harness';

const ROLES = ['SuperAdmin', 'GeneralAdmin', 'Manager', 'Supervisor'] as const;
const INTROSPECTION = getIntrospectionQuery();
/** Introspection hidden in a named fragment, and a query that reads only `__typename` (not introspection). */
const IN_FRAGMENT =
  'query Q { ...F } fragment F on Query { ... on Query { __type(name: "Member") { name } } }';
const TYPENAME_ONLY = '{ __typename }';

describe('introspection through the gateway', () => {
  let stack: TestStack;
  let production: ProductionGateway;
  let productionManagersOnly: ProductionGateway;
  const apiSdl = printSchema(loadApiSchema());

  beforeAll(async () => {
    stack = await startTestStack();
    production = await startProductionGateway(stack);
    productionManagersOnly = await startProductionGateway(stack, {
      env: { INTROSPECTION_MIN_ROLE: 'Manager', INTROSPECTION_PERMISSION: 'schema:read' },
    });
  }, 180_000);
  afterAll(async () => {
    await production?.gateway.stop();
    await productionManagersOnly?.gateway.stop();
    await stack?.stop();
  });

  const schemaFrom = (data: unknown) => printSchema(buildClientSchema(data as IntrospectionQuery));

  describe('in development (the test stack)', () => {
    it.each(ROLES)('answers %s with the composed API schema', async (role) => {
      const result = await stack.query(INTROSPECTION, undefined, { as: IDENTITIES[role] });
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(schemaFrom(result.data)).toBe(apiSdl);
    });

    it('answers anonymous callers too, so Sandbox loads the schema before the analyst signs in', async () => {
      const result = await stack.query(INTROSPECTION);
      expect(result.status).toBe(200);
      expect(schemaFrom(result.data)).toBe(apiSdl);
    });
  });

  describe('in production', () => {
    const ask = async (gateway: ProductionGateway, query: string, as?: AdminIdentity) =>
      stack.query(query, undefined, {
        url: gateway.gateway.url,
        ...(as ? { token: await gateway.tokenFor(as) } : {}),
      });

    it.each(ROLES)('answers a signed-in %s (default minimum role: Supervisor)', async (role) => {
      const result = await ask(production, INTROSPECTION, IDENTITIES[role]);
      expect(result.status).toBe(200);
      expect(result.errors).toBeUndefined();
      expect(schemaFrom(result.data)).toBe(apiSdl);
    });

    it('refuses anonymous callers with UNAUTHENTICATED, also when __type hides in a fragment', async () => {
      for (const query of [INTROSPECTION, IN_FRAGMENT]) {
        const result = await ask(production, query);
        expect([result.status, result.errors?.map((e) => e.extensions?.code), result.data]).toEqual([
          401,
          ['UNAUTHENTICATED'],
          undefined,
        ]);
      }
    });

    it('still answers __typename to anonymous callers: it is not introspection', async () => {
      const result = await ask(production, TYPENAME_ONLY);
      expect([result.status, result.data]).toEqual([200, { __typename: 'Query' }]);
    });

    it('refuses a role under INTROSPECTION_MIN_ROLE with FORBIDDEN unless it holds INTROSPECTION_PERMISSION', async () => {
      const supervisor = IDENTITIES.Supervisor;
      const refused = await ask(productionManagersOnly, IN_FRAGMENT, supervisor);
      expect([refused.status, refused.errors?.map((e) => e.extensions?.code), refused.data]).toEqual([
        403,
        ['FORBIDDEN'],
        undefined,
      ]);
      const granted = await ask(productionManagersOnly, IN_FRAGMENT, {
        ...supervisor,
        permissions: ['schema:read'],
      });
      expect([granted.status, granted.data]).toEqual([200, { __type: { name: 'Member' } }]);
      const manager = await ask(productionManagersOnly, INTROSPECTION, IDENTITIES.Manager);
      expect(schemaFrom(manager.data)).toBe(apiSdl);
    });
  });
});
