import path from 'node:path';
import { gql } from 'graphql-tag';
import { subgraphSdl } from '@casino/graphql';
import type { SubgraphDefinition } from '@casino/server';
import { analyticsRecomputeJobs } from './analytics/recompute-job';
import { createMarketingContext } from './context';
import type { MarketingContext } from './context';
import { MARKETING_INDEXES } from './indexes';
import { rules } from './permissions';
import { notificationDispatchJob } from './notifications/dispatcher';
import { resolvers } from './resolvers';
import { createMarketingServices } from './services';
import type { MarketingServices } from './services';
import { DEFAULT_MARKETING_SETTINGS } from './settings';
import type { MarketingSettings } from './settings';

export const typeDefs = gql(subgraphSdl(path.join(__dirname, '../schema.graphql')));

/**
 * The marketing subgraph with the given rules: campaigns, customer analytics, walk-in guests, notifications
 * and templates.
 */
export function createMarketingSubgraph(
  settings: MarketingSettings = DEFAULT_MARKETING_SETTINGS,
): SubgraphDefinition<MarketingContext, MarketingServices> {
  return {
    name: 'marketing',
    defaultPort: 4004,
    defaultDatabase: 'casino_marketing',
    typeDefs,
    resolvers,
    rules,
    indexes: MARKETING_INDEXES,
    holdsPersonalData: true,
    createServices: (deps) => createMarketingServices(deps, settings),
    createContext: (base, services) => createMarketingContext(base, services),
    privacy: (services) => services.privacy,
    jobs(deps, services) {
      const notifications = services.stores.notifications;
      // scheduled notifications and those held for quiet hours are not late: only due ones count
      deps.metrics?.observeBacklog('casino_marketing_notification_outbox', 'Due notifications not sent yet', {
        pending: () => notifications.dueCount(new Date()),
        oldestPendingAt: () => notifications.earliestDueAt(new Date()),
      });
      return [
        notificationDispatchJob(services.dispatcher, settings),
        ...analyticsRecomputeJobs(services.analytics, settings.analytics, deps.logger),
      ];
    },
  };
}

/** The marketing subgraph with the default rules. */
export const marketingSubgraph: SubgraphDefinition<MarketingContext, MarketingServices> =
  createMarketingSubgraph();

export { dispatchDueNotifications } from './notifications/dispatcher';
export { AnalyticsRecomputeJob } from './analytics/recompute-job';
export { DEFAULT_MARKETING_SETTINGS, parseMarketingSettings } from './settings';
export type { MarketingSettings } from './settings';

export { MARKETING_INDEXES } from './indexes';
export type { MarketingContext } from './context';
export type { MarketingServices } from './services';
export { seedMarketing } from './seed';
export type { MarketingSeedOptions, MarketingSeedResult } from './seed';
