import { readFileSync } from 'node:fs';
import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';
import { SUPERGRAPH_PATH } from './subgraphs';

/** The schema clients see: a supergraph without the federation plumbing. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/** The API schema of the committed supergraph.graphql. */
export function loadApiSchema(): GraphQLSchema {
  return apiSchemaOf(readFileSync(SUPERGRAPH_PATH, 'utf8'));
}
