import { auditDeadLetterSource } from '@casino/audit';
import { dashboardCacheOf } from '@casino/cache';
import { DeadLetters } from '@casino/mongo';
import type DataLoader from 'dataloader';
import type { PagingConfig } from '@casino/mongo';
import type { FieldProtector } from '@casino/crypto';
import { requireProtector } from '@casino/server';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { createStores } from './stores';
import type { LoyaltyStores } from './stores';
import type { MemberDocument } from './members/member-store';
import type { RewardRedemptionDocument } from './redemptions/redemption-store';
import type { RewardDocument } from './rewards/reward-store';
import type { SelfExclusionDocument } from './exclusions/self-exclusion-store';
import { SelfExclusionService } from './exclusions/self-exclusion-service';
import { MemberAdminService, MemberService } from './members/member-service';
import { RewardService } from './rewards/reward-service';
import { LoyaltyDashboardService } from './dashboard/dashboard-service';
import { LoyaltyComplianceFeed } from './compliance-feed/compliance-feed';
import { LoyaltyJobs } from './jobs/loyalty-jobs';
import { PointsService } from './points/points-service';
import { CompService } from './comps/comp-service';
import type { CompDocument } from './comps/comp-store';
import { VipExperienceService } from './vip/vip-experience-service';
import { gamingTheoLookup, HostService, workforceHostLookup } from './hosts/host-service';
import type { VipExperienceDocument } from './vip/vip-experience-store';
import { GamingSessionCredits, gamingSessionLookup } from './points/gaming-session-credits';
import { LoyaltyPrivacy } from './privacy/loyalty-privacy';
import { DEFAULT_LOYALTY_SETTINGS } from './settings';
import type { LoyaltySettings } from './settings';

export { createStores } from './stores';
export type { LoyaltyStores } from './stores';

/** What loyalty builds once per process and every request shares: the stores and the services. */
export interface LoyaltyProcess {
  /** Dead rows of this subgraph's outboxes (the dead-letter query and its retry) */
  deadLetters: DeadLetters;
  paging: PagingConfig;
  stores: LoyaltyStores;
  settings: LoyaltySettings;
  /** Seals and opens members' identity documents (loyalty holds personal data, so it always has one). */
  protector: FieldProtector;
  services: {
    members: MemberService;
    memberAdmin: MemberAdminService;
    /** Self-exclusion periods: recording, reinstating, the history and compliance's windows */
    selfExclusions: SelfExclusionService;
    rewards: RewardService;
    points: PointsService;
    /** Comps: the comp balance earned from theo, comps issued against it, charges by other flows */
    comps: CompService;
    /** VIP experiences booked by hosts, charged to the comp balance on approval */
    vipExperiences: VipExperienceService;
    /** Members' hosts (workforce staff, checked there) and each host's portfolio */
    hosts: HostService;
    /** creditGamingSession: gaming's credits, checked against gaming's record before they are posted */
    sessionCredits: GamingSessionCredits;
    jobs: LoyaltyJobs;
    dashboard: LoyaltyDashboardService;
    /** compliance's member figures and expiring documents */
    complianceFeed: LoyaltyComplianceFeed;
  };
  /** Erasure, retention and key re-sealing of loyalty's member data */
  privacy: LoyaltyPrivacy;
}

/** A request sees the services, never the stores (its loaders are built from them). */
export interface LoyaltyContext extends SubgraphRequestBase, Omit<LoyaltyProcess, 'stores'> {
  loaders: {
    member: DataLoader<string, MemberDocument | null>;
    reward: DataLoader<string, RewardDocument | null>;
    redemption: DataLoader<string, RewardRedemptionDocument | null>;
    /** When each member last earned points (null if never) */
    lastEarn: DataLoader<string, Date | null>;
    /** Each member's self-exclusion periods, newest first */
    selfExclusions: DataLoader<string, SelfExclusionDocument[]>;
    comp: DataLoader<string, CompDocument | null>;
    vipExperience: DataLoader<string, VipExperienceDocument | null>;
  };
}

/** The subgraph's field protector; the runtime always provides one because loyalty holds personal data. */
/** The stores and services, built once per process. */
export function createLoyaltyServices(
  deps: SubgraphDeps,
  settings: LoyaltySettings = DEFAULT_LOYALTY_SETTINGS,
): LoyaltyProcess {
  const protector = requireProtector(deps, 'loyalty');
  const stores = createStores(deps.db, protector);
  const points = new PointsService(stores, settings);
  const comps = new CompService(stores, settings, points.ledger);
  return {
    deadLetters: new DeadLetters([auditDeadLetterSource(deps.db)]),
    paging: deps.paging,
    stores,
    settings,
    protector,
    services: {
      members: new MemberService(stores.members, protector),
      memberAdmin: new MemberAdminService(stores.members),
      selfExclusions: new SelfExclusionService(stores.members, stores.selfExclusions, {}, settings.timeZone),
      rewards: new RewardService(stores.rewards),
      points,
      comps,
      vipExperiences: new VipExperienceService(stores, settings, comps, points.ledger),
      hosts: new HostService(
        stores,
        settings,
        workforceHostLookup(deps.services.workforce),
        gamingTheoLookup(deps.services.gaming),
      ),
      sessionCredits: new GamingSessionCredits(points, gamingSessionLookup(deps.services.gaming)),
      jobs: new LoyaltyJobs(stores, settings, { audit: deps.audit }),
      dashboard: new LoyaltyDashboardService(stores, settings, dashboardCacheOf(deps)),
      complianceFeed: new LoyaltyComplianceFeed(stores.members),
    },
    privacy: new LoyaltyPrivacy(stores, deps.db, protector),
  };
}

/** Per request: the base (identity, logger, audit handle) and loaders, so one caller's cache never serves another. */
export function createLoyaltyContext(base: SubgraphRequestBase, process: LoyaltyProcess): LoyaltyContext {
  const { stores, ...shared } = process;
  return {
    ...base,
    ...shared,
    loaders: {
      member: stores.members.byIdLoader(),
      reward: stores.rewards.byIdLoader(),
      redemption: stores.redemptions.byIdLoader(),
      lastEarn: stores.ledger.lastEarnLoader(),
      selfExclusions: stores.selfExclusions.byMemberLoader(),
      comp: stores.comps.byIdLoader(),
      vipExperience: stores.vipExperiences.byIdLoader(),
    },
  };
}
