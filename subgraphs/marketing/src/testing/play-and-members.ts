import type { BaseContext } from '@apollo/server';
import type { Db } from 'mongodb';
import type { ServiceClient } from '@casino/auth';
import { loyaltySubgraph } from '@casino/loyalty';
import { toMoney } from '@casino/mongo';
import type { RequestBase, RunningSubgraph, SubgraphDefinition } from '@casino/server';
// the real gaming subgraph and its own fixtures: marketing's analytics are tested against gaming's real query
// (gaming's package has no export for its test fixtures; its package.json has no `exports`, so the path works)
import { gamingSubgraph } from '@casino/gaming';
import { insertGameTypes, insertSessions, sessionFixture, standardGameTypes } from '@casino/gaming/testing';
import { startServedSubgraph } from '@casino/testing';

export interface TestLoyaltyMember {
  id: string;
  tier: 'Ruby' | 'Sapphire' | 'Diamond' | 'VIP';
  pointsBalance?: number;
  registrationDate: string;
  dateOfBirth: string;
  marketingConsent?: boolean;
  selfExcluded?: boolean;
  isActive?: boolean;
}

export interface TestSession {
  memberId: string;
  game: 'baccarat' | 'blackjack' | 'slots';
  start: string;
  minutes: number;
  buyIn: string;
  net: string;
  theo: string;
}

/** A real loyalty subgraph on a free port, with its own database on the test server. */
export interface Members {
  loyalty: ServiceClient;
  /** Loyalty's own database, to see what it stored */
  loyaltyDb: Db;
  addMembers(members: TestLoyaltyMember[]): Promise<void>;
  stop(): Promise<void>;
}

/** Real gaming and loyalty subgraphs on free ports, each with its own database on the test server. */
export interface PlayAndMembers extends Members {
  gaming: ServiceClient;
  addSessions(sessions: TestSession[]): Promise<void>;
}

async function start<C extends BaseContext & RequestBase, S>(
  definition: SubgraphDefinition<C, S>,
): Promise<{ running: RunningSubgraph; client: ServiceClient }> {
  const served = await startServedSubgraph(definition);
  return { running: served.running, client: served.clientAs('marketing') };
}

/** Only loyalty, the owner of members. */
export async function startMembers(): Promise<Members> {
  const loyalty = await start(loyaltySubgraph);
  let sequence = 0;
  return {
    loyalty: loyalty.client,
    loyaltyDb: loyalty.running.mongo.db,
    async addMembers(members) {
      await loyalty.running.mongo.db.collection('members').insertMany(
        members.map((m) => {
          sequence += 1;
          return {
            id: m.id,
            member_number: `A${String(sequence).padStart(7, '0')}`,
            first_name: 'Test',
            last_name: `Member${sequence}`,
            email: `member-${m.id}@example.test`,
            phone: '+94770000000',
            date_of_birth: new Date(m.dateOfBirth),
            nationality: 'LK',
            tier: m.tier,
            points_balance: m.pointsBalance ?? 0,
            tier_credits: 0,
            total_points_earned: m.pointsBalance ?? 0,
            lifetime_spend: toMoney('0.00'),
            registration_date: new Date(m.registrationDate),
            last_visit: null,
            is_active: m.isActive ?? true,
            self_excluded: m.selfExcluded ?? false,
            kyc_verified: true,
            marketing_consent: m.marketingConsent ?? true,
            preferences: {},
          };
        }),
      );
    },
    async stop() {
      await loyalty.running.mongo.db.dropDatabase();
      await loyalty.running.stop();
    },
  };
}

export async function startPlayAndMembers(): Promise<PlayAndMembers> {
  const gaming = await start(gamingSubgraph);
  const members = await startMembers();
  const gamingDb: Db = gaming.running.mongo.db;
  const types = standardGameTypes();
  await insertGameTypes(gamingDb, Object.values(types));
  return {
    gaming: gaming.client,
    loyalty: members.loyalty,
    loyaltyDb: members.loyaltyDb,
    addMembers: (list) => members.addMembers(list),
    async addSessions(sessions) {
      await insertSessions(
        gamingDb,
        sessions.map((s) => {
          const start = new Date(s.start);
          return sessionFixture(types[s.game], {
            member_id: s.memberId,
            session_start: start,
            session_end: new Date(start.getTime() + s.minutes * 60_000),
            duration_minutes: s.minutes,
            buy_in_amount: toMoney(s.buyIn),
            cash_out_amount: toMoney((Number(s.buyIn) + Number(s.net)).toFixed(2)),
            net_result: toMoney(s.net),
            theo: toMoney(s.theo),
          });
        }),
      );
    },
    async stop() {
      await gamingDb.dropDatabase();
      await gaming.running.stop();
      await members.stop();
    },
  };
}
