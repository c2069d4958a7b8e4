import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gql } from 'graphql-tag';
import type { SubgraphDefinition } from '@casino/server';
import { createMarketingContext } from './context';
import type { MarketingContext } from './context';
import { MARKETING_INDEXES } from './indexes';
import { rules } from './permissions';
import { startNotificationDispatch } from './notifications/dispatcher';
import { resolvers } from './resolvers';
import { DEFAULT_MARKETING_SETTINGS } from './settings';
import type { MarketingSettings } from './settings';

export const typeDefs = gql(readFileSync(path.join(__dirname, '../schema.graphql'), 'utf8'));

/**
 * The marketing subgraph with the given rules: campaigns, customer analytics, walk-in guests, notifications
 * and templates.
 */
export function createMarketingSubgraph(
  settings: MarketingSettings = DEFAULT_MARKETING_SETTINGS,
): SubgraphDefinition<MarketingContext> {
  return {
    name: 'marketing',
    defaultPort: 4004,
    defaultDatabase: 'casino_marketing',
    typeDefs,
    resolvers,
    rules,
    indexes: MARKETING_INDEXES,
    createContext: (base, deps) => createMarketingContext(base, deps, settings),
    startBackgroundJobs: (deps) => startNotificationDispatch(deps.db, settings, deps.logger),
  };
}

/** The marketing subgraph with the default rules. */
export const marketingSubgraph: SubgraphDefinition<MarketingContext> = createMarketingSubgraph();

export { dispatchDueNotifications } from './notifications/dispatcher';
export { DEFAULT_MARKETING_SETTINGS, parseMarketingSettings } from './settings';
export type { MarketingSettings } from './settings';

export { MARKETING_INDEXES } from './indexes';
export type { MarketingContext } from './context';
export { seedMarketing } from './seed';
export type { MarketingSeedOptions, MarketingSeedResult } from './seed';
