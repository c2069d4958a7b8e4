import { auditDeadLetterSource } from '@casino/audit';
import { dashboardCacheOf } from '@casino/cache';
import { DeadLetters } from '@casino/mongo';
import type DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import { createOneByKeyLoader } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { FieldProtector } from '@casino/crypto';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { LedgerStore } from './ledger/ledger-store';
import { MemberStore } from './members/member-store';
import type { MemberDocument } from './members/member-store';
import { RedemptionStore } from './redemptions/redemption-store';
import type { RewardRedemptionDocument } from './redemptions/redemption-store';
import { RewardStore } from './rewards/reward-store';
import type { RewardDocument } from './rewards/reward-store';
import { MemberAdminService, MemberService } from './members/member-service';
import { resealProtectedFields } from '@casino/crypto';
import { LOYALTY_PROTECTED_FIELDS } from './members/protected-fields';
import { RewardService } from './rewards/reward-service';
import { LoyaltyDashboardService } from './dashboard/dashboard-service';
import { createLastEarnLoader, LoyaltyJobs } from './jobs/loyalty-jobs';
import { PointsService } from './points/points-service';
import { GamingSessionCredits, gamingSessionLookup } from './points/gaming-session-credits';
import { DEFAULT_LOYALTY_SETTINGS } from './settings';
import type { LoyaltySettings } from './settings';

export interface LoyaltyStores {
  members: MemberStore;
  rewards: RewardStore;
  redemptions: RedemptionStore;
  ledger: LedgerStore;
}

/** `protector` is needed only for look-ups by identity document (members' blind index). */
export function createStores(db: Db, protector?: FieldProtector): LoyaltyStores {
  return {
    members: new MemberStore(db, protector),
    rewards: new RewardStore(db),
    redemptions: new RedemptionStore(db),
    ledger: new LedgerStore(db),
  };
}

export interface LoyaltyContext extends SubgraphRequestBase {
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
    rewards: RewardService;
    points: PointsService;
    /** creditGamingSession: gaming's credits, checked against gaming's record before they are posted */
    sessionCredits: GamingSessionCredits;
    jobs: LoyaltyJobs;
    dashboard: LoyaltyDashboardService;
    /** Re-seals protected fields under the current key, one batch per field (key rotation) */
    resealProtectedFields(batchSize: number): ReturnType<typeof resealProtectedFields>;
  };
  loaders: {
    member: DataLoader<string, MemberDocument | null>;
    reward: DataLoader<string, RewardDocument | null>;
    redemption: DataLoader<string, RewardRedemptionDocument | null>;
    /** When each member last earned points (null if never) */
    lastEarn: DataLoader<string, Date | null>;
  };
}

/** The subgraph's field protector; the runtime always provides one because loyalty holds personal data. */
export function requireProtector(deps: Pick<SubgraphDeps, 'protector'>): FieldProtector {
  if (!deps.protector) throw new Error('loyalty holds personal data but no field protector was configured');
  return deps.protector;
}

/** Loaders are created per request so one caller's cache never serves another. */
export function createLoyaltyContext(
  base: SubgraphRequestBase,
  deps: SubgraphDeps,
  settings: LoyaltySettings = DEFAULT_LOYALTY_SETTINGS,
): LoyaltyContext {
  const protector = requireProtector(deps);
  const stores = createStores(deps.db, protector);
  const points = new PointsService(stores, settings);
  return {
    ...base,
    deadLetters: new DeadLetters([auditDeadLetterSource(deps.db)]),
    paging: deps.paging,
    stores,
    settings,
    protector,
    services: {
      members: new MemberService(stores.members, protector),
      memberAdmin: new MemberAdminService(stores.members),
      rewards: new RewardService(stores.rewards),
      points,
      sessionCredits: new GamingSessionCredits(
        points,
        gamingSessionLookup(deps.services.gaming, base.log),
        base.log,
      ),
      jobs: new LoyaltyJobs(deps.db, settings),
      dashboard: new LoyaltyDashboardService(stores, settings, dashboardCacheOf(deps)),
      resealProtectedFields: (batchSize) =>
        resealProtectedFields(deps.db, protector, LOYALTY_PROTECTED_FIELDS, batchSize),
    },
    loaders: {
      member: createOneByKeyLoader(stores.members.collection, 'id'),
      reward: createOneByKeyLoader(stores.rewards.collection, 'id'),
      redemption: createOneByKeyLoader(stores.redemptions.collection, 'id'),
      lastEarn: createLastEarnLoader(stores),
    },
  };
}
