import DataLoader from 'dataloader';
import type { Decimal128 } from 'mongodb';
import { LocalTime } from '@casino/config';
import { badUserInput } from '@casino/errors';
import { BATCH_OPTIONS, centsToMoney } from '@casino/mongo';
import type { DeadLetters, PagingConfig } from '@casino/mongo';
import type { SubgraphRequestBase } from '@casino/server';
import type { GameTypeDocument } from './game-types/game-type-store';
import type { GamingPackageDocument } from './packages/package-store';
import type { PackagePurchaseDocument } from './packages/purchase-store';
import type { GamingPrivacy } from './privacy/gaming-privacy';
import type { GamingServices, GamingStores } from './services';
import { PLAY_STATS_FIELDS, emptyPlayStats, playStatsOf } from './sessions/session-store';
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
  memberSessions(
    first: number,
    status: GamingSessionStatus | null,
    /** The stored fields the selection reads (`projectionOf`); null: whole sessions */
    reads: Record<string, 1> | null,
  ): Pick<MemberSessionsLoader, 'load'>;
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
  /**
   * Every session of each member, newest first, and the members whose sessions this request reads. A batch
   * reads the stored fields asked for until it goes out (always the key, the order, the status and what
   * PlayStats sums); a later load that needs more than its member's sessions were read with reads them again.
   */
  const wanted = new Set<string>(['id', 'member_id', 'status', ...PLAY_STATS_FIELDS]);
  let wholeSessions = false;
  const readWith = new Map<string, { whole: boolean; fields: ReadonlySet<string> }>();
  const sessionsOf = new DataLoader<string, GamingSessionDocument[]>((memberIds) => {
    const snapshot = { whole: wholeSessions, fields: new Set(wanted) };
    for (const id of memberIds) readWith.set(id, snapshot);
    return stores.sessions.sessionsOfMembers(memberIds, snapshot.whole ? null : [...snapshot.fields]);
  }, BATCH_OPTIONS);
  const loadSessions = (memberId: string, reads: Record<string, 1> | null) => {
    const fields = reads ? Object.keys(reads) : [];
    if (!reads) wholeSessions = true;
    for (const field of fields) wanted.add(field);
    const held = readWith.get(memberId);
    if (held && !held.whole && (!reads || fields.some((field) => !held.fields.has(field)))) {
      readWith.delete(memberId);
      sessionsOf.clear(memberId);
    }
    return sessionsOf.load(memberId);
  };
  const sessionsRead = new Set<string>();
  const now = new Date();
  const packageLoaders = {
    valid: stores.purchases.byMemberLoader(now),
    all: stores.purchases.byMemberLoader(null),
  };
  return {
    session: stores.sessions.byIdLoader(),
    gameType: stores.gameTypes.byIdLoader(),
    gamingPackage: stores.packages.byIdLoader(),
    memberSessions(first, status, reads) {
      if (!Number.isInteger(first) || first < 0 || first > paging.maxSize) {
        throw badUserInput('first', `must be an integer between 0 and ${paging.maxSize}`);
      }
      return {
        load: async (memberId) => {
          sessionsRead.add(memberId);
          const sessions = await loadSessions(memberId, reads);
          return (status ? sessions.filter((s) => s.status === status) : sessions).slice(0, first);
        },
      };
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
        // `days` local calendar days back: across a daylight-saving change a day is 23 or 25 hours
        const since = new LocalTime(settings.timeZone).plusDays(now, -days);
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
