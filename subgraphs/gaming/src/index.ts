import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import type { SubgraphDefinition } from '@casino/server';
import { createGamingContext } from './context';
import type { GamingContext } from './context';
import { GAMING_INDEXES } from './indexes';
import { rules } from './permissions';
import { resolvers } from './resolvers';

export const typeDefs = gql(readFileSync(path.join(__dirname, '../schema.graphql'), 'utf8'));

/** The gaming subgraph: game types, gaming sessions and packages, and members' play. */
export const gamingSubgraph: SubgraphDefinition<GamingContext> = {
  name: 'gaming',
  defaultPort: 4002,
  defaultDatabase: 'casino_gaming',
  typeDefs,
  resolvers,
  rules,
  indexes: GAMING_INDEXES,
  createContext: createGamingContext,
};

export type { GamingContext } from './context';
export { GAMING_INDEXES } from './indexes';
export { seedGaming } from './seed';
export type { GamingSeedResult } from './seed';
