import { GraphQLError, buildSchema, defaultFieldResolver, execute, isObjectType, parse } from 'graphql';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { applyFieldRules } from './field-rules';
import type { Identity } from './identity';
import { testIdentity } from './testing';
import {
  allow,
  and,
  atLeast,
  chain,
  createPermissions,
  deny,
  fromService,
  isAuthenticated,
  not,
  or,
  inOwnDepartmentScope,
  requirementOf,
  requiring,
  rule,
} from './rules';
import type { RuleTree } from './rules';

/**
 * applyFieldRules must answer exactly as graphql-shield does: the same schema and rules, secured once by
 * applyFieldRules and once by graphql-shield's own middleware, run the same operations as every kind of
 * caller, and the responses (data and errors, with paths and codes) must match.
 */
const typeDefs = /* GraphQL */ `
  type _Service {
    sdl: String
  }
  type Query {
    _service: _Service!
    _entities: [String]
    open: String
    signedIn: String
    managers: String
    generalOrService: String
    both: String
    chained: String
    notService: String
    nothing: String
    unruled: String
    failing: String
    failingPublic: String
    staff(department: String): [Staff]
    fromCaller: String
    errorRule: String
  }
  type Mutation {
    change(id: String!): Staff
  }
  type Staff {
    id: String
    department: String
    fullName: String
    salary: Int
    total: Int
  }
`;

const staff = [
  { id: 's1', department: 'Gaming', full_name: 'Ana', salary: 10, total: () => Promise.resolve(3) },
  {
    id: 's2',
    department: 'F&B',
    full_name: 'Ben',
    salary: 20,
    total: () => Promise.reject(new Error('down')),
  },
];

const resolvers = {
  Query: {
    _service: () => ({ sdl: 'type Query' }),
    _entities: () => [],
    open: () => 'open',
    signedIn: () => 'signedIn',
    managers: () => 'managers',
    generalOrService: () => 'generalOrService',
    both: () => 'both',
    chained: () => 'chained',
    notService: () => 'notService',
    nothing: () => 'nothing',
    unruled: () => 'unruled',
    failing: () => {
      throw new Error('internal detail');
    },
    failingPublic: async () => {
      throw new GraphQLError('bad id', { extensions: { code: 'BAD_USER_INPUT' } });
    },
    staff: () => staff,
    fromCaller: () => 'fromCaller',
    errorRule: () => 'errorRule',
  },
  Mutation: { change: (_: unknown, { id }: { id: string }) => staff.find((s) => s.id === id) ?? null },
};

let evaluations = 0;
const counted = rule('counted', { cache: 'contextual' })((_p, _a, ctx: { identity: Identity }) => {
  evaluations += 1;
  return ctx.identity.kind === 'admin';
});
const sameDepartment = inOwnDepartmentScope(
  rule('sameDepartment', { cache: 'strict' })(
    (parent: { department?: string }, _a, ctx: { identity: Identity }) =>
      ctx.identity.kind === 'admin' &&
      (ctx.identity.role === 'SuperAdmin' || ctx.identity.department === parent.department),
  ),
);
const asyncCaller = rule('asyncCaller', { cache: 'contextual' })(
  async (_p, _a, ctx: { identity: Identity }) => ctx.identity.kind === 'admin',
);
const withMessage = rule('withMessage', { cache: 'contextual' })(() => 'custom refusal');

const rules: RuleTree = {
  Query: {
    open: allow,
    signedIn: isAuthenticated,
    managers: atLeast('Manager'),
    generalOrService: or(atLeast('GeneralAdmin'), fromService('gaming')),
    both: and(isAuthenticated, counted),
    chained: chain(isAuthenticated, atLeast('SuperAdmin', 'extra')),
    notService: not(fromService('gaming')),
    nothing: deny,
    failing: isAuthenticated,
    failingPublic: isAuthenticated,
    staff: asyncCaller,
    fromCaller: or(withMessage, atLeast('SuperAdmin')),
    errorRule: and(isAuthenticated, withMessage),
  },
  Mutation: { change: and(atLeast('Manager'), sameDepartment) },
  Staff: { '*': sameDepartment, fullName: counted, salary: and(sameDepartment, atLeast('Manager')) },
};

const identities: Record<string, Identity> = {
  anonymous: { kind: 'anonymous' },
  superAdmin: testIdentity('SuperAdmin'),
  manager: testIdentity('Manager', { department: 'Gaming', permissions: ['extra'] }),
  supervisor: testIdentity('Supervisor', { department: 'F&B' }),
  gaming: { kind: 'service', service: 'gaming' },
  marketing: { kind: 'service', service: 'marketing' },
};

const QUERY = parse(/* GraphQL */ `
  {
    _service {
      sdl
    }
    open
    signedIn
    managers
    generalOrService
    both
    chained
    notService
    nothing
    unruled
    failing
    failingPublic
    fromCaller
    errorRule
    staff {
      id
      department
      fullName
      salary
      total
    }
  }
`);
const MUTATION = parse(`mutation { a: change(id: "s1") { id fullName } b: change(id: "s2") { id } }`);

const logged: unknown[] = [];
function context(identity: Identity) {
  return { identity, log: { error: (object: unknown) => logged.push(object) } };
}

function makeExecutableSchema(): GraphQLSchema {
  const schema = buildSchema(typeDefs);
  const map = resolvers as Record<string, Record<string, GraphQLFieldResolver<unknown, unknown>>>;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      field.resolve = map[type.name]?.[field.name] ?? defaultFieldResolver;
    }
  }
  return schema;
}

function ours(): GraphQLSchema {
  const schema = makeExecutableSchema();
  applyFieldRules(schema, rules);
  return schema;
}

function shields(): GraphQLSchema {
  // without the federation fields, which this schema does not have
  return applyMiddleware(makeExecutableSchema(), createPermissions(rules) as never);
}

const plain = (result: unknown) => JSON.parse(JSON.stringify(result ?? null)) as unknown;
const sorted = (errors: readonly GraphQLError[] | undefined) =>
  (errors ?? [])
    .map((error) => JSON.stringify(error))
    .sort()
    .map((error) => JSON.parse(error) as unknown);

describe('applyFieldRules', () => {
  const oursSchema = ours();
  const shieldSchema = shields();

  it.each(Object.keys(identities))('answers as graphql-shield does for %s', async (who) => {
    for (const document of [QUERY, MUTATION]) {
      const expected = await execute({
        schema: shieldSchema,
        document,
        contextValue: context(identities[who]!),
      });
      const actual = await execute({ schema: oursSchema, document, contextValue: context(identities[who]!) });
      // the same data and the same errors; the order of the errors may differ (a refusal decided without a
      // promise is reported before the ones graphql-shield settles)
      expect(plain(actual.data)).toEqual(plain(expected.data));
      expect(sorted(actual.errors)).toEqual(sorted(expected.errors));
    }
  });

  it('refuses what the rules refuse, with the codes of createPermissions', async () => {
    const result = await execute({
      schema: oursSchema,
      document: QUERY,
      contextValue: context(identities.supervisor!),
    });
    const errors = Object.fromEntries(
      (result.errors ?? []).map((error) => [error.path!.join('.'), [error.message, error.extensions.code]]),
    );
    expect(result.data?.open).toBe('open');
    expect(result.data?.signedIn).toBe('signedIn');
    expect(errors.managers).toEqual(['Requires Manager or above: Query.managers', 'FORBIDDEN']);
    expect(errors.nothing).toEqual(['Not allowed: Query.nothing', 'FORBIDDEN']);
    expect(errors.unruled).toEqual(['Not allowed: Query.unruled', 'FORBIDDEN']);
    expect(errors.failing).toEqual(['Internal server error', 'INTERNAL_SERVER_ERROR']);
    expect(errors.failingPublic).toEqual(['bad id', 'BAD_USER_INPUT']);
    expect(errors.fromCaller).toEqual(['custom refusal', undefined]);
    // the supervisor's own department only; salary never
    expect(errors['staff.0.id']).toEqual([
      'Requires any signed-in staff role within their own department (GeneralAdmin or above: any department): Staff.id',
      'FORBIDDEN',
    ]);
    expect(errors['staff.1.salary']).toEqual([
      'Requires Manager or above, within their own department (GeneralAdmin or above: any department): Staff.salary',
      'FORBIDDEN',
    ]);
    expect(errors['staff.1.total']).toEqual(['Internal server error', 'INTERNAL_SERVER_ERROR']);

    const anonymous = await execute({
      schema: oursSchema,
      document: QUERY,
      contextValue: context(identities.anonymous!),
    });
    expect(anonymous.errors?.find((e) => e.path?.[0] === 'signedIn')?.extensions.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('decides a caller-only rule once per request, however many fields it guards', async () => {
    evaluations = 0;
    await execute({ schema: oursSchema, document: QUERY, contextValue: context(identities.superAdmin!) });
    expect(evaluations).toBe(1);
  });

  it('rejects rules for types or fields the schema does not have, like graphql-shield', () => {
    const schema = makeExecutableSchema();
    expect(() => applyFieldRules(schema, { Query: { missing: allow } })).toThrow(/Query.missing/);
    expect(() => applyFieldRules(schema, { Missing: allow })).toThrow(/Missing/);
  });
});

describe('requirementOf', () => {
  it('states what a rule requires, combined as and/or combine it', () => {
    expect(requirementOf(isAuthenticated)).toBe('any signed-in staff role');
    expect(requirementOf(atLeast('Manager'))).toBe('Manager or above');
    expect(requirementOf(atLeast('SuperAdmin'))).toBe('SuperAdmin');
    expect(requirementOf(atLeast('GeneralAdmin', 'audit:read'))).toBe(
      'GeneralAdmin or above, or the audit:read permission',
    );
    expect(requirementOf(fromService('gaming', 'loyalty'))).toBe('internal service only');
    expect(requirementOf(or(atLeast('GeneralAdmin'), fromService('gaming')))).toBe(
      'GeneralAdmin or above, or an internal service',
    );
    expect(requirementOf(and(isAuthenticated, atLeast('Manager')))).toBe('Manager or above');
    expect(requirementOf(chain(isAuthenticated, atLeast('SuperAdmin', 'extra')))).toBe(
      'SuperAdmin, or the extra permission',
    );
    expect(
      requirementOf(
        or(
          atLeast('Manager'),
          requiring(
            "the notification's recipient",
            rule('recipient')(() => true),
          ),
        ),
      ),
    ).toBe("Manager or above, or the notification's recipient");
  });

  it('states nothing for a rule without a stated requirement, a negation or allow', () => {
    expect(requirementOf(counted)).toBeUndefined();
    const silent = requiring(
      '',
      rule('silent')(() => true),
    );
    expect(requirementOf(silent)).toBeUndefined();
    expect(requirementOf(or(isAuthenticated, silent))).toBe('any signed-in staff role');
    expect(
      requirementOf(
        and(
          isAuthenticated,
          rule('unstated')(() => true),
        ),
      ),
    ).toBeUndefined();
    expect(requirementOf(not(fromService('gaming')))).toBeUndefined();
    expect(requirementOf(allow)).toBeUndefined();
  });
});
