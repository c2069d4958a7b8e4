import { auditDeadLetterSource } from '@casino/audit';
import { dashboardCacheOf } from '@casino/cache';
import { creditDeadLetterSource } from './credits/credit-dispatcher';
import { DeadLetters } from '@casino/mongo';
import DataLoader from 'dataloader';
import type { Db, Decimal128 } from 'mongodb';
import type { ServiceClient } from '@casino/auth';
import { badUserInput } from '@casino/errors';
import { BATCH_OPTIONS, createManyByKeyLoader, createOneByKeyLoader } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { GameTypeStore } from './game-types/game-type-store';
import type { GameTypeDocument } from './game-types/game-type-store';
import { GamingMemberErasureService } from './erasure/erase-member';
import { GamingPackageStore } from './packages/package-store';
import type { GamingPackageDocument } from './packages/package-store';
import { centsToMoney } from './money';
import { AmlCashSummary } from './aml/aml-cash-summary';
import { GamingDashboardService } from './dashboard/dashboard-service';
import { LoyaltyMembers } from './members/loyalty-members';
import { PACKAGE_PURCHASES, PackagePurchaseService } from './packages/purchase-service';
import type { PackagePurchaseDocument } from './packages/purchase-service';
import { GamingSessionService } from './sessions/session-service';
import { emptyPlayStats, GamingSessionStore } from './sessions/session-store';
import type { GamingSessionDocument, GamingSessionStatus, PlayStatsSummary } from './sessions/session-store';
import { DEFAULT_GAMING_SETTINGS } from './settings';
import type { GamingSettings } from './settings';
import { GamingRetention } from './retention-enforcement/gaming-retention';

export interface GamingStores {
  sessions: GamingSessionStore;
  gameTypes: GameTypeStore;
  packages: GamingPackageStore;
}

export function createStores(db: Db): GamingStores {
  return {
    sessions: new GamingSessionStore(db),
    gameTypes: new GameTypeStore(db),
    packages: new GamingPackageStore(db),
  };
}

export interface GamingLoaders {
  session: DataLoader<string, GamingSessionDocument | null>;
  gameType: DataLoader<string, GameTypeDocument | null>;
  gamingPackage: DataLoader<string, GamingPackageDocument | null>;
  /**
   * The newest sessions of each member. One loader per (first, status) pair, so every member selected with
   * the same arguments in a request shares one `find`.
   */
  memberSessions(
    first: number,
    status: GamingSessionStatus | null,
  ): DataLoader<string, GamingSessionDocument[]>;
  /** Totals per member, one aggregation per batch. */
  playStats: DataLoader<string, PlayStatsSummary>;
  /** A member's package purchases, soonest expiry first; one `find` per batch (valid only, or all). */
  memberPackages(includeExpired: boolean): DataLoader<string, PackagePurchaseDocument[]>;
  /** Average daily theo over the last `days` days; one aggregation per batch and look-back. */
  averageDailyTheo(days: number): DataLoader<string, Decimal128>;
}

export interface GamingContext extends SubgraphRequestBase {
  /** Dead rows of this subgraph's outboxes (the dead-letter query and its retry) */
  deadLetters: DeadLetters;
  settings: GamingSettings;
  /** Loyalty's API, called as the gaming service */
  loyalty: ServiceClient;
  paging: PagingConfig;
  stores: GamingStores;
  services: {
    sessions: GamingSessionService;
    purchases: PackagePurchaseService;
    dashboard: GamingDashboardService;
    aml: AmlCashSummary;
  };
  loaders: GamingLoaders;
  /** applyGamingRetention: compliance's gaming_logs policy */
  retentionEnforcement: GamingRetention;
  /** eraseGamingMemberData: gaming's step of compliance's eraseMember */
  memberErasure: GamingMemberErasureService;
}

function createLoaders(
  db: Db,
  stores: GamingStores,
  paging: PagingConfig,
  settings: GamingSettings,
): GamingLoaders {
  const adtLoaders = new Map<number, DataLoader<string, Decimal128>>();
  const memberSessionLoaders = new Map<string, DataLoader<string, GamingSessionDocument[]>>();
  const purchases = db.collection<PackagePurchaseDocument>(PACKAGE_PURCHASES);
  const now = new Date();
  const packageLoaders = {
    valid: createManyByKeyLoader(purchases, 'member_id', {
      filter: { expires_at: { $gt: now } },
      sort: { member_id: 1, expires_at: 1, id: 1 },
    }),
    all: createManyByKeyLoader(purchases, 'member_id', { sort: { member_id: 1, expires_at: 1, id: 1 } }),
  };
  return {
    session: createOneByKeyLoader(stores.sessions.collection, 'id'),
    gameType: createOneByKeyLoader(stores.gameTypes.collection, 'id'),
    gamingPackage: createOneByKeyLoader(stores.packages.collection, 'id'),
    memberSessions(first, status) {
      if (!Number.isInteger(first) || first < 0 || first > paging.maxSize) {
        throw badUserInput('first', `must be an integer between 0 and ${paging.maxSize}`);
      }
      const cacheKey = `${first}:${status ?? '*'}`;
      let loader = memberSessionLoaders.get(cacheKey);
      if (!loader) {
        loader = createManyByKeyLoader(stores.sessions.collection, 'member_id', {
          filter: status ? { status } : {},
          sort: { member_id: 1, session_start: -1, id: -1 },
          perKeyLimit: first,
        });
        memberSessionLoaders.set(cacheKey, loader);
      }
      return loader;
    },
    playStats: new DataLoader<string, PlayStatsSummary>(async (memberIds) => {
      const stats = await stores.sessions.playStatsByMember(memberIds);
      return memberIds.map((id) => stats.get(id) ?? emptyPlayStats());
    }, BATCH_OPTIONS),
    memberPackages: (includeExpired) => (includeExpired ? packageLoaders.all : packageLoaders.valid),
    averageDailyTheo(days) {
      if (!Number.isInteger(days) || days < 1 || days > settings.maxAdtDays) {
        throw badUserInput('days', `must be an integer between 1 and ${settings.maxAdtDays}`);
      }
      let loader = adtLoaders.get(days);
      if (!loader) {
        const since = new Date(now.getTime() - days * 86_400_000);
        loader = new DataLoader<string, Decimal128>(async (memberIds) => {
          const adt = await stores.sessions.averageDailyTheoByMember(memberIds, since, {
            dayStartHour: settings.gamingDayStartHour,
            utcOffsetMinutes: settings.localUtcOffsetMinutes,
          });
          return memberIds.map((id) => adt.get(id) ?? centsToMoney(0n));
        }, BATCH_OPTIONS);
        adtLoaders.set(days, loader);
      }
      return loader;
    },
  };
}

/** Loaders are created per request so one caller's cache never serves another. */
export function createGamingContext(
  base: SubgraphRequestBase,
  deps: SubgraphDeps,
  settings: GamingSettings = DEFAULT_GAMING_SETTINGS,
): GamingContext {
  const stores = createStores(deps.db);
  const members = new LoyaltyMembers(deps.services.loyalty, base.log);
  return {
    ...base,
    deadLetters: new DeadLetters([auditDeadLetterSource(deps.db), creditDeadLetterSource(deps.db)]),
    settings,
    loyalty: deps.services.loyalty,
    paging: deps.paging,
    stores,
    services: {
      sessions: new GamingSessionService(stores.sessions, stores.gameTypes, members),
      purchases: new PackagePurchaseService(deps.db, stores.packages, members),
      dashboard: new GamingDashboardService(stores.sessions, settings, dashboardCacheOf(deps)),
      aml: new AmlCashSummary(stores.sessions, settings),
    },
    loaders: createLoaders(deps.db, stores, deps.paging, settings),
    retentionEnforcement: new GamingRetention(deps.db),
    memberErasure: new GamingMemberErasureService(deps.db),
  };
}
