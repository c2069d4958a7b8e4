import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { ServiceClient } from '@casino/auth';
import { loyaltySubgraph } from '@casino/loyalty';
import { toMoney } from '@casino/mongo';
import type { RunningSubgraph } from '@casino/server';
import { startServedSubgraph } from '../../../../tests/support/subgraph-harness';

export interface TestMember {
  id?: string;
  tier?: 'Ruby' | 'Sapphire' | 'Diamond' | 'VIP';
  is_active?: boolean;
  self_excluded?: boolean;
}

/** The real loyalty subgraph on a free port with its own database, for gaming's cross-subgraph tests. */
export interface TestLoyalty {
  running: RunningSubgraph;
  db: Db;
  /** Calls loyalty as the gaming service, signed with the same secret loyalty checks. */
  client: ServiceClient;
  /** Inserts a member straight into loyalty's database and returns its id. */
  addMember(member?: TestMember): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestLoyalty(): Promise<TestLoyalty> {
  const served = await startServedSubgraph(loyaltySubgraph);
  const running = served.running;
  const client = served.clientAs('gaming');
  // the same keys as the running loyalty: members are stored as loyalty stores them (document sealed)
  const protector = served.protector!;
  let sequence = 0;
  return {
    running,
    db: running.mongo.db,
    client,
    async addMember(member = {}) {
      const id = member.id ?? randomUUID();
      sequence += 1;
      await running.mongo.db.collection('members').insertOne({
        id,
        member_number: `G${String(sequence).padStart(7, '0')}${id.slice(0, 4)}`,
        first_name: 'Test',
        last_name: `Player${sequence}`,
        email: `player-${id}@example.test`,
        phone: '+94770000000',
        date_of_birth: new Date('1980-01-01T00:00:00Z'),
        nationality: 'LK',
        nic_passport: protector.seal(`TEST-${id}`, {
          collection: 'members',
          field: 'nic_passport',
          documentId: id,
        }),
        nic_passport_index: protector.lookupKey(`TEST-${id}`),
        tier: member.tier ?? 'Ruby',
        points_balance: 0,
        tier_credits: 0,
        total_points_earned: 0,
        lifetime_spend: toMoney('0.00'),
        registration_date: new Date('2024-01-01T00:00:00Z'),
        last_visit: null,
        is_active: member.is_active ?? true,
        self_excluded: member.self_excluded ?? false,
        kyc_verified: true,
        marketing_consent: false,
        preferences: {},
      });
      return id;
    },
    stop: () => served.stop(),
  };
}
