import path from 'node:path';
import { parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import { subgraphSdl } from '@casino/graphql';

/** The subgraphs in the order of the public contract, with the routing URLs written into the supergraph. */
export const SUBGRAPHS = [
  { name: 'loyalty', url: 'http://localhost:4001/graphql' },
  { name: 'gaming', url: 'http://localhost:4002/graphql' },
  { name: 'workforce', url: 'http://localhost:4003/graphql' },
  { name: 'marketing', url: 'http://localhost:4004/graphql' },
  { name: 'compliance', url: 'http://localhost:4005/graphql' },
] as const;

export const SUPERGRAPH_PATH = path.join(__dirname, 'supergraph.graphql');
export const ACCEPTED_HINTS_PATH = path.join(__dirname, 'accepted-hints.json');

export function loadSubgraphSdl(): { name: string; url: string; typeDefs: DocumentNode }[] {
  return SUBGRAPHS.map(({ name, url }) => ({
    name,
    url,
    typeDefs: parse(subgraphSdl(path.join(__dirname, '..', 'subgraphs', name, 'schema.graphql'))),
  }));
}
