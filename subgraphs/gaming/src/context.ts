import DataLoader from 'dataloader';
import type { Db } from 'mongodb';
import { badUserInput } from '@casino/errors';
import { BATCH_OPTIONS, createManyByKeyLoader, createOneByKeyLoader } from '@casino/mongo';
import type { PagingConfig } from '@casino/mongo';
import type { SubgraphDeps, SubgraphRequestBase } from '@casino/server';
import { GameTypeStore } from './game-types/game-type-store';
import type { GameTypeDocument } from './game-types/game-type-store';
import { GamingPackageStore } from './packages/package-store';
import type { GamingPackageDocument } from './packages/package-store';
import { GamingSessionService } from './sessions/session-service';
import { emptyPlayStats, GamingSessionStore } from './sessions/session-store';
import type { GamingSessionDocument, GamingSessionStatus, PlayStatsSummary } from './sessions/session-store';

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
}

export interface GamingContext extends SubgraphRequestBase {
  paging: PagingConfig;
  stores: GamingStores;
  services: { sessions: GamingSessionService };
  loaders: GamingLoaders;
}

function createLoaders(stores: GamingStores, paging: PagingConfig): GamingLoaders {
  const memberSessionLoaders = new Map<string, DataLoader<string, GamingSessionDocument[]>>();
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
  };
}

/** Loaders are created per request so one caller's cache never serves another. */
export function createGamingContext(base: SubgraphRequestBase, deps: SubgraphDeps): GamingContext {
  const stores = createStores(deps.db);
  return {
    ...base,
    paging: deps.paging,
    stores,
    services: { sessions: new GamingSessionService(stores.sessions, stores.gameTypes) },
    loaders: createLoaders(stores, deps.paging),
  };
}
