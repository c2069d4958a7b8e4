import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import type { SubgraphDefinition } from '@casino/server';
import { createLoyaltyContext } from './context';
import type { LoyaltyContext } from './context';
import { LOYALTY_INDEXES } from './indexes';
import { rules } from './permissions';
import { resolvers } from './resolvers';

export const typeDefs = gql(readFileSync(path.join(__dirname, '../schema.graphql'), 'utf8'));

/** The loyalty subgraph: members, rewards, redemptions and the points ledger. */
export const loyaltySubgraph: SubgraphDefinition<LoyaltyContext> = {
  name: 'loyalty',
  defaultPort: 4001,
  defaultDatabase: 'casino_loyalty',
  typeDefs,
  resolvers,
  rules,
  indexes: LOYALTY_INDEXES,
  createContext: createLoyaltyContext,
};

export { seedLoyalty } from './seed';
export type { LoyaltySeedResult, SeededMember } from './seed';
