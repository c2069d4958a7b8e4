import path from 'node:path';
import { gql } from 'graphql-tag';
import { subgraphSdl } from '@casino/graphql';
import type { SubgraphDefinition } from '@casino/server';
import { createLoyaltyContext, createLoyaltyServices } from './context';
import type { LoyaltyContext, LoyaltyProcess } from './context';
import { LOYALTY_INDEXES } from './indexes';
import { loyaltyJobs } from './jobs/loyalty-jobs';
import { rules } from './permissions';
import { resolvers } from './resolvers';
import { DEFAULT_LOYALTY_SETTINGS } from './settings';
import type { LoyaltySettings } from './settings';

export const typeDefs = gql(subgraphSdl(path.join(__dirname, '../schema.graphql')));

/** The loyalty subgraph with the given rules: members, rewards, redemptions and the points ledger. */
export function createLoyaltySubgraph(
  settings: LoyaltySettings = DEFAULT_LOYALTY_SETTINGS,
): SubgraphDefinition<LoyaltyContext, LoyaltyProcess> {
  return {
    name: 'loyalty',
    defaultPort: 4001,
    defaultDatabase: 'casino_loyalty',
    typeDefs,
    resolvers,
    rules,
    // cancelRedemption(id) names only the redemption: refused, its member comes from the redemption
    auditTargetMembers: {
      RewardRedemption: async (id, ctx) => (await ctx.loaders.redemption.load(id))?.member_id,
    },
    indexes: LOYALTY_INDEXES,
    // the plaintext document's unique index, from before identity documents were sealed (blind index now)
    retiredIndexes: { members: ['nic_passport_1'] },
    holdsPersonalData: true,
    createServices: (deps) => createLoyaltyServices(deps, settings),
    createContext: createLoyaltyContext,
    privacy: (services) => services.privacy,
    jobs: (deps, services) => loyaltyJobs(services.services.jobs, settings, deps.logger),
  };
}

/** The loyalty subgraph with the default rules. */
export const loyaltySubgraph: SubgraphDefinition<LoyaltyContext, LoyaltyProcess> = createLoyaltySubgraph();

export { LoyaltyJobs } from './jobs/loyalty-jobs';
/** The credit check loyalty sends gaming (gaming's contract test runs this very document) */
export { GAMING_SESSION_FOR_CREDIT } from './points/gaming-session-credits';
/** The theo of a host's members loyalty asks gaming for (gaming's contract test runs this very document) */
export { HOST_PORTFOLIO_THEO } from './hosts/host-service';
export { DEFAULT_LOYALTY_SETTINGS, parseLoyaltySettings } from './settings';
export type { LoyaltySettings } from './settings';
export { seedLoyalty } from './seed';
export { seedLoyaltyHosts } from './hosts/seed-hosts';
export type { LoyaltySeedResult, SeededMember } from './seed';
