import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import { buildClientSchema, getIntrospectionQuery, graphqlSync, printSchema } from 'graphql';
import type { IntrospectionQuery } from 'graphql';
import { composeSupergraph, introspectionProblems } from './compose';
import { SUPERGRAPH_PATH } from './subgraphs';

describe('supergraph composition', () => {
  const outcome = composeSupergraph();

  it('composes without errors', () => {
    expect(outcome.errors).toEqual([]);
  });

  it('raises no hint that was not accepted on purpose in accepted-hints.json', () => {
    expect(outcome.unacceptedHints).toEqual([]);
  });

  it('matches the committed schema/supergraph.graphql (run `pnpm compose` after changing a subgraph)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(outcome.supergraphSdl);
  });

  it('composes an API schema that answers the standard introspection query (Sandbox, codegen, analysts)', () => {
    expect(outcome.supergraphSdl).not.toBeNull();
    expect(introspectionProblems(outcome.supergraphSdl!)).toEqual([]);
    const api = Supergraph.build(outcome.supergraphSdl!).apiSchema().toGraphQLJSSchema();
    const result = graphqlSync({ schema: api, source: getIntrospectionQuery() });
    expect(printSchema(buildClientSchema(result.data as unknown as IntrospectionQuery))).toBe(
      printSchema(api),
    );
  });
});

describe('introspectionProblems', () => {
  it('reports a schema whose introspection fails, e.g. an input default a custom scalar cannot print', () => {
    const sdl = readFileSync(SUPERGRAPH_PATH, 'utf8').replace(
      /(input SendNotificationInput[\s\S]*?variables: JSON)\n/,
      '$1 = {}\n',
    );
    expect(sdl).toContain('variables: JSON = {}');
    expect(introspectionProblems(sdl)).toEqual([expect.stringContaining('Cannot convert value to AST')]);
  });
});
