import type { Db } from 'mongodb';
import type { ServiceClient } from '@casino/auth';
import { toMoney } from '@casino/mongo';
import type { GameTypeDocument } from '../game-types/game-type-store';
import { gamingSubgraph } from '../index';
import type { GamingSessionDocument } from '../sessions/session-store';
import { startServedSubgraph } from '@casino/testing';
import { gameTypeFixture, insertGameTypes, insertSessions, sessionFixture } from './fixtures';

export interface TestSession {
  memberId: string;
  /** The session's theo, e.g. "38.16" */
  theo?: string;
  /** The points rate of the session's game type */
  pointsRate?: number;
  /** Still being played: no end, no theo yet */
  active?: boolean;
  endedAt?: Date;
}

/** The real gaming subgraph on a free port with its own database, for loyalty's cross-subgraph tests. */
export interface TestGaming {
  db: Db;
  /** Its GraphQL endpoint, for a served loyalty's GAMING_URL */
  url: string;
  /** Calls gaming as the loyalty service, as loyalty's own client does. */
  client: ServiceClient;
  /** Stores a session as gaming's fixtures do (settled unless `active`), on a game type with the rate asked. */
  addSession(session: TestSession): Promise<GamingSessionDocument>;
  stop(): Promise<void>;
}

export async function startTestGaming(): Promise<TestGaming> {
  const served = await startServedSubgraph(gamingSubgraph);
  const gameTypes = new Map<number, GameTypeDocument>();
  const gameTypeWithRate = async (pointsRate: number) => {
    let gameType = gameTypes.get(pointsRate);
    if (!gameType) {
      gameType = gameTypeFixture({ code: `baccarat_${gameTypes.size + 1}`, points_rate: pointsRate });
      await insertGameTypes(served.db, [gameType]);
      gameTypes.set(pointsRate, gameType);
    }
    return gameType;
  };
  return {
    db: served.db,
    url: served.running.url,
    client: served.clientAs('loyalty'),
    async addSession({ memberId, theo = '100.00', pointsRate = 1, active = false, endedAt }) {
      const gameType = await gameTypeWithRate(pointsRate);
      const session = sessionFixture(gameType, {
        member_id: memberId,
        ...(active
          ? { status: 'active', session_end: null, theo: null, cash_out_amount: null, net_result: null }
          : { theo: toMoney(theo), ...(endedAt ? { session_end: endedAt } : {}) }),
      });
      await insertSessions(served.db, [session]);
      return session;
    },
    stop: () => served.stop(),
  };
}
