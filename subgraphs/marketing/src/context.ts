import { auditDeadLetterSource } from '@casino/audit';
import { dashboardCacheOf } from '@casino/cache';
import { notificationDeadLetterSource } from './notifications/notification-store';
import { DeadLetters } from '@casino/mongo';
import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import type { PagingConfig } from '@casino/mongo';
import type { FieldProtector } from '@casino/crypto';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { AnalyticsStore } from './analytics/analytics-store';
import { AnalyticsRecomputeJob } from './analytics/recompute-job';
import type { CustomerAnalyticsDocument } from './analytics/analytics-store';
import { previewCampaignAudience } from './campaigns/audience';
import { CampaignService } from './campaigns/campaign-service';
import { CampaignStore } from './campaigns/campaign-store';
import type { MarketingCampaignDocument } from './campaigns/campaign-store';
import { MarketingDashboardService } from './dashboard/dashboard-service';
import { GuestService } from './guests/guest-service';
import { GuestStore } from './guests/guest-store';
import type { WalkInGuestDocument } from './guests/guest-store';
import { MarketingPrivacy } from './privacy/marketing-privacy';
import { ErasedMemberStore } from './privacy/erased-members-store';
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

/** `protector` is needed only for look-ups by identity document (guests' blind index). */
export function createStores(db: Db, protector?: FieldProtector): MarketingStores {
  return {
    campaigns: new CampaignStore(db),
    analytics: new AnalyticsStore(db),
    guests: new GuestStore(db, protector),
    notifications: new NotificationStore(db),
    templates: new TemplateStore(db),
  };
}

export interface MarketingContext extends SubgraphRequestBase {
  /** Dead rows of this subgraph's outboxes (the dead-letter query and its retry) */
  deadLetters: DeadLetters;
  paging: PagingConfig;
  settings: MarketingSettings;
  stores: MarketingStores;
  /** Seals and opens guests' identity documents (marketing holds personal data, so it always has one). */
  protector: FieldProtector;
  services: {
    campaigns: CampaignService;
    /** Who a campaign would reach: candidates from analytics, each checked with loyalty (fail closed) */
    previewCampaignAudience(campaignId: string): ReturnType<typeof previewCampaignAudience>;
    guests: GuestService;
    templates: TemplateService;
    notifications: NotificationService;
    dashboard: MarketingDashboardService;
    analytics: AnalyticsRecomputeJob;
    /** Re-seals protected fields under the current key, one batch per field (key rotation) */
    resealProtectedFields: MarketingPrivacy['resealProtectedFields'];
    /** Right to erasure: erases what marketing holds about a member */
    eraseMember: MarketingPrivacy['eraseMember'];
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
  /** applyMarketingRetention: compliance's marketing_data policy */
  retentionEnforcement: { apply: MarketingPrivacy['applyRetention'] };
}

/** The customer analytics job, calling gaming and loyalty as the marketing service. */
export function createAnalyticsJob(deps: SubgraphDeps, settings: MarketingSettings): AnalyticsRecomputeJob {
  return new AnalyticsRecomputeJob(
    deps.db,
    { gaming: deps.services.gaming, loyalty: deps.services.loyalty },
    settings.analytics,
    deps.logger,
  );
}

/** The subgraph's field protector; the runtime always provides one because marketing holds personal data. */
export function requireProtector(deps: Pick<SubgraphDeps, 'protector'>): FieldProtector {
  if (!deps.protector) throw new Error('marketing holds personal data but no field protector was configured');
  return deps.protector;
}

/** Loaders are created per request so one caller's cache never serves another. */
export function createMarketingContext(
  base: SubgraphRequestBase,
  deps: SubgraphDeps,
  settings: MarketingSettings,
): MarketingContext {
  const protector = requireProtector(deps);
  const stores = createStores(deps.db, protector);
  const privacy = new MarketingPrivacy({ ...stores, erasedMembers: new ErasedMemberStore(deps.db) });
  return {
    ...base,
    deadLetters: new DeadLetters([
      auditDeadLetterSource(deps.db),
      notificationDeadLetterSource(stores.notifications),
    ]),
    paging: deps.paging,
    settings,
    stores,
    protector,
    services: {
      campaigns: new CampaignService(stores.campaigns),
      previewCampaignAudience: (campaignId) =>
        previewCampaignAudience(stores.campaigns, stores.analytics, deps.services.loyalty, campaignId, {
          sampleSize: settings.audienceSampleSize,
          checkBatchSize: settings.audienceCheckBatchSize,
        }),
      guests: new GuestService(stores.guests, protector),
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
        dashboardCacheOf(deps),
      ),
      analytics: createAnalyticsJob(deps, settings),
      resealProtectedFields: (batchSize) => privacy.resealProtectedFields(batchSize),
      eraseMember: (memberId) => privacy.eraseMember(memberId),
    },
    loaders: {
      campaign: stores.campaigns.byIdLoader(),
      analytics: stores.analytics.byIdLoader(),
      analyticsByMember: stores.analytics.byMemberLoader(),
      guest: stores.guests.byIdLoader(),
      guestsByMember: stores.guests.byConvertedMemberLoader(),
      notification: stores.notifications.byIdLoader(),
      template: stores.templates.byIdLoader(),
    },
    retentionEnforcement: { apply: (input) => privacy.applyRetention(input) },
  };
}
