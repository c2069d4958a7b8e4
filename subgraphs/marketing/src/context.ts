import type DataLoader from 'dataloader';
import type { FieldProtector } from '@casino/crypto';
import type { DeadLetters, PagingConfig } from '@casino/mongo';
import type { SubgraphRequestBase } from '@casino/server';
import type { CustomerAnalyticsDocument } from './analytics/analytics-store';
import type { MarketingCampaignDocument } from './campaigns/campaign-store';
import type { WalkInGuestDocument } from './guests/guest-store';
import type { NotificationDocument } from './notifications/notification-store';
import type { MarketingServices } from './services';
import type { NotificationTemplateDocument } from './templates/template-store';

export interface MarketingContext extends SubgraphRequestBase {
  /** Dead rows of this subgraph's outboxes (the dead-letter query and its retry) */
  deadLetters: DeadLetters;
  paging: PagingConfig;
  /** Seals and opens guests' identity documents (marketing holds personal data, so it always has one). */
  protector: FieldProtector;
  services: Pick<
    MarketingServices,
    | 'campaigns'
    | 'previewCampaignAudience'
    | 'guests'
    | 'templates'
    | 'notifications'
    | 'dashboard'
    | 'analytics'
  >;
  /** Erasure, the marketing_data retention policy and key re-sealing: marketing's privacy participant */
  privacy: MarketingServices['privacy'];
  loaders: {
    campaign: DataLoader<string, MarketingCampaignDocument | null>;
    analytics: DataLoader<string, CustomerAnalyticsDocument | null>;
    /** Both `Member.analytics` and `Member.segments` read through this one loader */
    analyticsByMember: DataLoader<string, CustomerAnalyticsDocument | null>;
    guest: DataLoader<string, WalkInGuestDocument | null>;
    /** The visits of the guests converted into each member, most recent first */
    guestsByMember: DataLoader<string, WalkInGuestDocument[]>;
    notification: DataLoader<string, NotificationDocument | null>;
    template: DataLoader<string, NotificationTemplateDocument | null>;
  };
}

/**
 * Per request only the identity and audit handle (in `base`) and the DataLoaders, created per request so one
 * caller's cache never serves another; everything else is the process's shared services.
 */
export function createMarketingContext(
  base: SubgraphRequestBase,
  services: MarketingServices,
): MarketingContext {
  const { stores } = services;
  return {
    ...base,
    deadLetters: services.deadLetters,
    paging: services.paging,
    protector: services.protector,
    services: {
      campaigns: services.campaigns,
      previewCampaignAudience: services.previewCampaignAudience,
      guests: services.guests,
      templates: services.templates,
      notifications: services.notifications,
      dashboard: services.dashboard,
      analytics: services.analytics,
    },
    privacy: services.privacy,
    loaders: {
      campaign: stores.campaigns.byIdLoader(),
      analytics: stores.analytics.byIdLoader(),
      analyticsByMember: stores.analytics.byMemberLoader(),
      guest: stores.guests.byIdLoader(),
      guestsByMember: stores.guests.byConvertedMemberLoader(),
      notification: stores.notifications.byIdLoader(),
      template: stores.templates.byIdLoader(),
    },
  };
}
