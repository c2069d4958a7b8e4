import DataLoader from 'dataloader';
import type { Decimal128 } from 'mongodb';
import { badUserInput } from '@casino/errors';
import { BATCH_OPTIONS } from '@casino/mongo';
import type { DeadLetters, PagingConfig } from '@casino/mongo';
import type { SubgraphRequestBase } from '@casino/server';
import type { GameTypeDocument } from './game-types/game-type-store';
import { centsToMoney } from './money';
import type { GamingPackageDocument } from './packages/package-store';
import type { PackagePurchaseDocument } from './packages/purchase-store';
import type { GamingPrivacy } from './privacy/gaming-privacy';
import type { GamingServices, GamingStores } from './services';
import { emptyPlayStats, playStatsOf } from './sessions/session-store';
import type { GamingSessionDocument, GamingSessionStatus, PlayStatsSummary } from './sessions/session-store';
import type { GamingSettings } from './settings';

export interface GamingLoaders {
  session: DataLoader<string, GamingSessionDocument | null>;
  gameType: DataLoader<string, GameTypeDocument | null>;
  gamingPackage: DataLoader<string, GamingPackageDocument | null>;
  /**
   * The newest sessions of each member (of one status, or all). Every (first, status) pair of a request reads
   * the same batched `find` of the members' sessions.
   */
  memberSessions(first: number, status: GamingSessionStatus | null): Pick<MemberSessionsLoader, 'load'>;
  /**
   * Totals per member: summed from the member's sessions when the request reads those anyway, otherwise one
   * aggregation per batch.
   */
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
  paging: PagingConfig;
  services: Pick<
    GamingServices,
    'sessions' | 'purchases' | 'dashboard' | 'aml' | 'complianceFeed' | 'memberProfiles'
  >;
  loaders: GamingLoaders;
  /** eraseGamingMemberData and applyGamingRetention: gaming's part in compliance's erasure and retention */
  privacy: GamingPrivacy;
}

type MemberSessionsLoader = DataLoader<string, GamingSessionDocument[]>;

function createLoaders(stores: GamingStores, paging: PagingConfig, settings: GamingSettings): GamingLoaders {
  const adtLoaders = new Map<number, DataLoader<string, Decimal128>>();
  /** Every session of each member, newest first, and the members whose sessions this request reads. */
  const sessionsOf = stores.sessions.byMemberLoader();
  const sessionsRead = new Set<string>();
  const memberSessionLoaders = new Map<string, Pick<MemberSessionsLoader, 'load'>>();
  const now = new Date();
  const packageLoaders = {
    valid: stores.purchases.byMemberLoader(now),
    all: stores.purchases.byMemberLoader(null),
  };
  return {
    session: stores.sessions.byIdLoader(),
    gameType: stores.gameTypes.byIdLoader(),
    gamingPackage: stores.packages.byIdLoader(),
    memberSessions(first, status) {
      if (!Number.isInteger(first) || first < 0 || first > paging.maxSize) {
        throw badUserInput('first', `must be an integer between 0 and ${paging.maxSize}`);
      }
      const cacheKey = `${first}:${status ?? '*'}`;
      let loader = memberSessionLoaders.get(cacheKey);
      if (!loader) {
        loader = {
          load: async (memberId) => {
            sessionsRead.add(memberId);
            const sessions = await sessionsOf.load(memberId);
            return (status ? sessions.filter((s) => s.status === status) : sessions).slice(0, first);
          },
        };
        memberSessionLoaders.set(cacheKey, loader);
      }
      return loader;
    },
    playStats: new DataLoader<string, PlayStatsSummary>(async (memberIds) => {
      // the sessions are requested in the same turn as the totals (sibling fields), before either batch runs
      if (memberIds.every((id) => sessionsRead.has(id))) {
        return (await sessionsOf.loadMany(memberIds)).map((sessions) =>
          sessions instanceof Error ? sessions : playStatsOf(sessions),
        );
      }
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
          const adt = await stores.sessions.averageDailyTheoByMember(
            memberIds,
            since,
            {
              dayStartHour: settings.gamingDayStartHour,
              timeZone: settings.timeZone,
            },
            now,
          );
          return memberIds.map((id) => adt.get(id) ?? centsToMoney(0n));
        }, BATCH_OPTIONS);
        adtLoaders.set(days, loader);
      }
      return loader;
    },
  };
}

/**
 * A request's context: its identity and audit handle (in `base`) and its own loaders, so one caller's cache
 * never serves another, around the services built once per process.
 */
export function createGamingContext(base: SubgraphRequestBase, services: GamingServices): GamingContext {
  return {
    ...base,
    deadLetters: services.deadLetters,
    settings: services.settings,
    paging: services.paging,
    services,
    loaders: createLoaders(services.stores, services.paging, services.settings),
    privacy: services.privacy,
  };
}
