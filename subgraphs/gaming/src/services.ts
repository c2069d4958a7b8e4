import { auditDeadLetterSource } from '@casino/audit';
import type { ServiceClient } from '@casino/auth';
import { dashboardCacheOf } from '@casino/cache';
import { DeadLetters } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { SubgraphDeps } from '@casino/server';
import { AmlCashSummary } from './aml/aml-cash-summary';
import { ComplianceFeed } from './compliance-feed/compliance-feed';
import { creditDeadLetterSource } from './credits/credit-dispatcher';
import { CreditStore } from './credits/credit-store';
import { GamingDashboardService } from './dashboard/dashboard-service';
import { GameTypeStore } from './game-types/game-type-store';
import { MemberPlayProfiles } from './member-profiles/member-profiles';
import { LoyaltyMembers } from './members/loyalty-members';
import { GamingPackageStore } from './packages/package-store';
import { PackagePurchaseService } from './packages/purchase-service';
import { PackagePurchaseStore } from './packages/purchase-store';
import { GamingPrivacy } from './privacy/gaming-privacy';
import { SessionReportStore } from './sessions/session-report-store';
import { GamingSessionService } from './sessions/session-service';
import { GamingSessionStore } from './sessions/session-store';
import { DEFAULT_GAMING_SETTINGS } from './settings';
import type { GamingSettings } from './settings';

/** The only code that touches gaming's database. */
export interface GamingStores {
  sessions: GamingSessionStore;
  /** The dashboards' and feeds' aggregations over the sessions */
  reports: SessionReportStore;
  /** The point-credit outbox on the sessions */
  credits: CreditStore;
  gameTypes: GameTypeStore;
  packages: GamingPackageStore;
  purchases: PackagePurchaseStore;
}

export function createStores(db: SubgraphDeps['db']): GamingStores {
  return {
    sessions: new GamingSessionStore(db),
    reports: new SessionReportStore(db),
    credits: new CreditStore(db),
    gameTypes: new GameTypeStore(db),
    packages: new GamingPackageStore(db),
    purchases: new PackagePurchaseStore(db),
  };
}

/** What gaming builds once per process and every request (and its jobs) shares. */
export interface GamingServices {
  settings: GamingSettings;
  paging: PagingConfig;
  /** Loyalty's API, called as the gaming service */
  loyalty: ServiceClient;
  stores: GamingStores;
  sessions: GamingSessionService;
  purchases: PackagePurchaseService;
  dashboard: GamingDashboardService;
  aml: AmlCashSummary;
  complianceFeed: ComplianceFeed;
  memberProfiles: MemberPlayProfiles;
  /** Dead rows of this subgraph's outboxes (audit events, point credits) */
  deadLetters: DeadLetters;
  /** Erasure and retention of gaming's member data */
  privacy: GamingPrivacy;
}

export function createGamingServices(
  deps: SubgraphDeps,
  settings: GamingSettings = DEFAULT_GAMING_SETTINGS,
): GamingServices {
  const stores = createStores(deps.db);
  const members = new LoyaltyMembers(deps.services.loyalty);
  return {
    settings,
    paging: deps.paging,
    loyalty: deps.services.loyalty,
    stores,
    sessions: new GamingSessionService(stores.sessions, stores.gameTypes, members),
    purchases: new PackagePurchaseService(stores.purchases, stores.packages, members),
    dashboard: new GamingDashboardService(stores.sessions, stores.reports, settings, dashboardCacheOf(deps)),
    aml: new AmlCashSummary(stores.reports, settings),
    complianceFeed: new ComplianceFeed(stores.reports, settings),
    memberProfiles: new MemberPlayProfiles(stores.reports, settings),
    deadLetters: new DeadLetters([auditDeadLetterSource(deps.db), creditDeadLetterSource(stores.credits)]),
    privacy: new GamingPrivacy(stores.sessions, stores.purchases),
  };
}
