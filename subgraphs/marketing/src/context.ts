import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import { createManyByKeyLoader, createOneByKeyLoader } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { AnalyticsStore } from './analytics/analytics-store';
import type { CustomerAnalyticsDocument } from './analytics/analytics-store';
import { CampaignService } from './campaigns/campaign-service';
import { CampaignStore } from './campaigns/campaign-store';
import type { MarketingCampaignDocument } from './campaigns/campaign-store';
import { MarketingDashboardService } from './dashboard/dashboard-service';
import { GuestService } from './guests/guest-service';
import { GuestStore } from './guests/guest-store';
import type { WalkInGuestDocument } from './guests/guest-store';
import { createChannelAdapters } from './notifications/channels';
import { NotificationDispatcher } from './notifications/dispatcher';
import { loyaltyMemberLookup } from './notifications/member-consent';
import { NotificationService } from './notifications/notification-service';
import { NotificationStore } from './notifications/notification-store';
import type { NotificationDocument } from './notifications/notification-store';
import { TemplateService } from './templates/template-service';
import { TemplateStore } from './templates/template-store';
import type { MarketingSettings } from './settings';
import type { NotificationTemplateDocument } from './templates/template-store';

export interface MarketingStores {
  campaigns: CampaignStore;
  analytics: AnalyticsStore;
  guests: GuestStore;
  notifications: NotificationStore;
  templates: TemplateStore;
}

export function createStores(db: Db): MarketingStores {
  return {
    campaigns: new CampaignStore(db),
    analytics: new AnalyticsStore(db),
    guests: new GuestStore(db),
    notifications: new NotificationStore(db),
    templates: new TemplateStore(db),
  };
}

export interface MarketingContext extends SubgraphRequestBase {
  paging: PagingConfig;
  settings: MarketingSettings;
  stores: MarketingStores;
  services: {
    campaigns: CampaignService;
    guests: GuestService;
    templates: TemplateService;
    notifications: NotificationService;
    dashboard: MarketingDashboardService;
  };
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

/** Loaders are created per request so one caller's cache never serves another. */
export function createMarketingContext(
  base: SubgraphRequestBase,
  deps: SubgraphDeps,
  settings: MarketingSettings,
): MarketingContext {
  const stores = createStores(deps.db);
  return {
    ...base,
    paging: deps.paging,
    settings,
    stores,
    services: {
      campaigns: new CampaignService(stores.campaigns),
      guests: new GuestService(stores.guests),
      templates: new TemplateService(stores.templates),
      notifications: new NotificationService(
        stores.notifications,
        stores.templates,
        new NotificationDispatcher(stores.notifications, createChannelAdapters(settings), deps.logger),
        settings,
        loyaltyMemberLookup(deps.services.loyalty),
      ),
      dashboard: new MarketingDashboardService(
        stores.campaigns,
        stores.guests,
        stores.notifications,
        settings,
      ),
    },
    loaders: {
      campaign: createOneByKeyLoader(stores.campaigns.collection, 'id'),
      analytics: createOneByKeyLoader(stores.analytics.collection, 'id'),
      analyticsByMember: createOneByKeyLoader(stores.analytics.collection, 'member_id'),
      guest: createOneByKeyLoader(stores.guests.collection, 'id'),
      guestsByMember: createManyByKeyLoader(stores.guests.collection, 'converted_member_id', {
        sort: { visit_date: -1, id: -1 },
      }),
      notification: createOneByKeyLoader(stores.notifications.collection, 'id'),
      template: createOneByKeyLoader(stores.templates.collection, 'id'),
    },
  };
}
