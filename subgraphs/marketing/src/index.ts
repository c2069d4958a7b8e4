import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import type { SubgraphDefinition } from '@casino/server';
import { createMarketingContext } from './context';
import type { MarketingContext } from './context';
import { MARKETING_INDEXES } from './indexes';
import { rules } from './permissions';
import { resolvers } from './resolvers';

export const typeDefs = gql(readFileSync(path.join(__dirname, '../schema.graphql'), 'utf8'));

/** The marketing subgraph: campaigns, customer analytics, walk-in guests, notifications and templates. */
export const marketingSubgraph: SubgraphDefinition<MarketingContext> = {
  name: 'marketing',
  defaultPort: 4004,
  defaultDatabase: 'casino_marketing',
  typeDefs,
  resolvers,
  rules,
  indexes: MARKETING_INDEXES,
  createContext: createMarketingContext,
};

export { MARKETING_INDEXES } from './indexes';
export type { MarketingContext } from './context';
export { seedMarketing } from './seed';
export type { MarketingSeedOptions, MarketingSeedResult } from './seed';
