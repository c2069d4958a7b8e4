import path from 'node:path';
import { gql } from 'graphql-tag';
import { subgraphSdl } from '@casino/graphql';
import type { SubgraphDefinition } from '@casino/server';
import { createGamingContext } from './context';
import type { GamingContext } from './context';
import { createGamingServices } from './services';
import type { GamingServices } from './services';
import { GAMING_INDEXES } from './indexes';
import { rules } from './permissions';
import { resolvers } from './resolvers';
import { CreditOutbox } from './credits/credit-dispatcher';
import { DEFAULT_GAMING_SETTINGS } from './settings';
import type { GamingSettings } from './settings';

export const typeDefs = gql(subgraphSdl(path.join(__dirname, '../schema.graphql')));

/**
 * The gaming subgraph with the given settings: game types, gaming sessions and packages, members' play, and
 * the dispatcher that credits ended sessions' points through loyalty.
 */
export function createGamingSubgraph(
  settings: GamingSettings = DEFAULT_GAMING_SETTINGS,
): SubgraphDefinition<GamingContext, GamingServices> {
  return {
    name: 'gaming',
    defaultPort: 4002,
    defaultDatabase: 'casino_gaming',
    typeDefs,
    resolvers,
    rules,
    indexes: GAMING_INDEXES,
    createServices: (deps) => createGamingServices(deps, settings),
    createContext: createGamingContext,
    privacy: (services) => services.privacy,
    jobs(deps, services) {
      const { credits: creditStore, gameTypes } = services.stores;
      const credits = new CreditOutbox({ credits: creditStore, gameTypes }, services.loyalty, deps.logger, {
        ...settings,
        maxAttempts: deps.env.OUTBOX_MAX_ATTEMPTS,
        retryJitter: deps.env.OUTBOX_RETRY_JITTER,
        claimMs: deps.env.SCHEDULER_LEASE_MS,
      });
      deps.metrics?.observeBacklog(
        'casino_gaming_credit_outbox',
        'Point credits in the gaming outbox',
        credits,
      );
      return [credits.job()];
    },
  };
}

/** The gaming subgraph with the default settings. */
export const gamingSubgraph: SubgraphDefinition<GamingContext, GamingServices> = createGamingSubgraph();

export type { GamingContext } from './context';
export type { GamingServices } from './services';
export { GAMING_INDEXES } from './indexes';
export { seedGaming } from './seed';
export type { GamingSeedResult } from './seed';
export { DEFAULT_GAMING_SETTINGS, parseGamingSettings } from './settings';
export type { GamingSettings } from './settings';
export { CreditOutbox, dispatchPendingCredits } from './credits/credit-dispatcher';
export type { DispatchSummary } from './credits/credit-dispatcher';
