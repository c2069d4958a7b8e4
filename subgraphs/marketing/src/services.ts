import { auditDeadLetterSource } from '@casino/audit';
import { dashboardCacheOf } from '@casino/cache';
import type { FieldProtector } from '@casino/crypto';
import { DeadLetters } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import { requireProtector } from '@casino/server';
import type { SubgraphDeps } from '@casino/server';
import { AnalyticsRunStore } from './analytics/analytics-run-store';
import { AnalyticsStore } from './analytics/analytics-store';
import { AnalyticsRecomputeJob } from './analytics/recompute-job';
import { previewCampaignAudience } from './campaigns/audience';
import type { CampaignAudiencePreviewResult } from './campaigns/audience';
import { CampaignService } from './campaigns/campaign-service';
import { CampaignStore } from './campaigns/campaign-store';
import { MarketingDashboardService } from './dashboard/dashboard-service';
import { GuestService } from './guests/guest-service';
import { GuestStore } from './guests/guest-store';
import { loyaltyWalkInRegistration } from './guests/member-registration';
import { createChannelAdapters } from './notifications/channels';
import { NotificationDispatcher } from './notifications/dispatcher';
import { loyaltyMemberLookup } from './notifications/member-consent';
import { NotificationService } from './notifications/notification-service';
import { NotificationStore, notificationDeadLetterSource } from './notifications/notification-store';
import { ErasedMemberStore } from './privacy/erased-members-store';
import { MarketingPrivacy } from './privacy/marketing-privacy';
import type { MarketingSettings } from './settings';
import { TemplateService } from './templates/template-service';
import { TemplateStore } from './templates/template-store';

export interface MarketingStores {
  campaigns: CampaignStore;
  analytics: AnalyticsStore;
  analyticsRuns: AnalyticsRunStore;
  guests: GuestStore;
  notifications: NotificationStore;
  templates: TemplateStore;
  erasedMembers: ErasedMemberStore;
}

/** `protector` is needed only for look-ups by identity document and re-sealing (guests' blind index). */
export function createStores(deps: Pick<SubgraphDeps, 'db' | 'protector'>): MarketingStores {
  return {
    campaigns: new CampaignStore(deps.db),
    analytics: new AnalyticsStore(deps.db),
    analyticsRuns: new AnalyticsRunStore(deps.db),
    guests: new GuestStore(deps.db, deps.protector),
    notifications: new NotificationStore(deps.db),
    templates: new TemplateStore(deps.db),
    erasedMembers: new ErasedMemberStore(deps.db),
  };
}

/** What marketing builds once per process and every request (and job) shares. */
export interface MarketingServices {
  settings: MarketingSettings;
  paging: PagingConfig;
  /** Seals and opens guests' identity documents (marketing holds personal data, so it always has one). */
  protector: FieldProtector;
  /** Read only by the per-request DataLoaders */
  stores: MarketingStores;
  campaigns: CampaignService;
  /** Who a campaign would reach: candidates from analytics, each checked with loyalty (fail closed) */
  previewCampaignAudience(campaignId: string): Promise<CampaignAudiencePreviewResult>;
  guests: GuestService;
  templates: TemplateService;
  notifications: NotificationService;
  /** Sends notifications now (on send) and when due (the dispatch job) */
  dispatcher: NotificationDispatcher;
  dashboard: MarketingDashboardService;
  /** The customer analytics recompute, on demand and on schedule */
  analytics: AnalyticsRecomputeJob;
  /** Dead rows of this subgraph's outboxes (the dead-letter query and its retry) */
  deadLetters: DeadLetters;
  /** Erasure, retention and re-sealing of what marketing holds about people */
  privacy: MarketingPrivacy;
}

/** The subgraph's field protector; the runtime always provides one because marketing holds personal data. */
/** Stores and services, once per process; the other subgraphs are called as the marketing service. */
export function createMarketingServices(deps: SubgraphDeps, settings: MarketingSettings): MarketingServices {
  const protector = requireProtector(deps, 'marketing');
  const stores = createStores({ db: deps.db, protector });
  const dispatcher = new NotificationDispatcher(
    stores.notifications,
    createChannelAdapters(settings),
    deps.logger,
    {
      maxAttempts: deps.env.OUTBOX_MAX_ATTEMPTS,
      baseMs: settings.dispatchIntervalMs,
      jitter: deps.env.OUTBOX_RETRY_JITTER,
    },
  );
  return {
    settings,
    paging: deps.paging,
    protector,
    stores,
    campaigns: new CampaignService(stores.campaigns),
    previewCampaignAudience: (campaignId) =>
      previewCampaignAudience(stores.campaigns, stores.analytics, deps.services.loyalty, campaignId, {
        sampleSize: settings.audienceSampleSize,
        checkBatchSize: settings.audienceCheckBatchSize,
      }),
    guests: new GuestService(
      stores.guests,
      protector,
      loyaltyWalkInRegistration(deps.services.loyalty),
      settings.timeZone,
    ),
    templates: new TemplateService(stores.templates),
    notifications: new NotificationService(
      stores.notifications,
      stores.templates,
      dispatcher,
      settings,
      loyaltyMemberLookup(deps.services.loyalty),
    ),
    dispatcher,
    dashboard: new MarketingDashboardService(
      stores.campaigns,
      stores.guests,
      stores.notifications,
      settings,
      dashboardCacheOf(deps),
    ),
    analytics: new AnalyticsRecomputeJob(
      { runs: stores.analyticsRuns, analytics: stores.analytics, erasedMembers: stores.erasedMembers },
      { gaming: deps.services.gaming, loyalty: deps.services.loyalty },
      settings.analytics,
      deps.logger,
    ),
    deadLetters: new DeadLetters([
      auditDeadLetterSource(deps.db),
      notificationDeadLetterSource(stores.notifications),
    ]),
    privacy: new MarketingPrivacy(stores),
  };
}
