import { parse } from 'graphql';
import { isAuthenticated } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { createLogger } from '@casino/logger';
import type { RequestBase } from './http';
import { createSubgraphApollo } from './subgraph';

const logger = createLogger({ name: 'subgraph-test', level: 'silent' });

function server(typeDefs: string) {
  return createSubgraphApollo<RequestBase>({
    // an entity, so the schema has the federation fields the rules always name
    typeDefs: parse(`${typeDefs} type Thing @key(fields: "id") { id: ID! }`),
    resolvers: { Query: { hello: () => 'hi' } },
    rules: { Query: { hello: isAuthenticated }, Thing: isAuthenticated },
    logger,
  });
}

async function run(apollo: ReturnType<typeof server>, identity: Identity) {
  await apollo.start();
  try {
    const contextValue: RequestBase = { requestId: 'r1', clientName: null, ip: null, log: logger, identity };
    return await apollo.executeOperation({ query: '{ hello }' }, { contextValue });
  } finally {
    await apollo.stop();
  }
}

const admin: Identity = {
  kind: 'admin',
  userId: 'u1',
  sessionId: 's1',
  username: 'root',
  role: 'SuperAdmin',
  department: null,
  permissions: [],
};

describe('createSubgraphApollo', () => {
  it('marks every response uncacheable, answered or refused, as Apollo does for a schema without hints', async () => {
    const answered = await run(server('type Query { hello: String }'), admin);
    expect(answered.body).toMatchObject({ kind: 'single', singleResult: { data: { hello: 'hi' } } });
    expect(answered.http.headers.get('cache-control')).toBe('no-store');

    const refused = await run(server('type Query { hello: String }'), { kind: 'anonymous' });
    expect(refused.body).toMatchObject({
      singleResult: { data: { hello: null }, errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] },
    });
    expect(refused.http.headers.get('cache-control')).toBe('no-store');
  });

  it("keeps Apollo's cache-control plugin for a schema that declares cache hints", async () => {
    const hinted = server(/* GraphQL */ `
      enum CacheControlScope {
        PUBLIC
        PRIVATE
      }
      directive @cacheControl(maxAge: Int, scope: CacheControlScope) on FIELD_DEFINITION | OBJECT
      type Query {
        hello: String @cacheControl(maxAge: 60)
      }
    `);
    const response = await run(hinted, admin);
    expect(response.http.headers.get('cache-control')).toBe('max-age=60, public');
  });
});
