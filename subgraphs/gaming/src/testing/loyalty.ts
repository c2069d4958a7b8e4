import type { Db } from 'mongodb';
import { memberDocument } from '@casino/loyalty/testing';
import type { ServiceClient } from '@casino/auth';
import { loyaltySubgraph } from '@casino/loyalty';
import type { RunningSubgraph } from '@casino/server';
import { startServedSubgraph } from '@casino/testing';

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

/** `gamingUrl`: where loyalty checks the sessions it is asked to credit (gaming served over HTTP). */
export async function startTestLoyalty(options: { gamingUrl?: string } = {}): Promise<TestLoyalty> {
  const served = await startServedSubgraph(loyaltySubgraph, {
    env: options.gamingUrl ? { GAMING_URL: options.gamingUrl } : {},
  });
  const running = served.running;
  const client = served.clientAs('gaming');
  // the same keys as the running loyalty: members are stored as loyalty stores them (document sealed)
  const protector = served.protector!;
  return {
    running,
    db: running.mongo.db,
    client,
    async addMember(member = {}) {
      const document = memberDocument(
        {
          ...(member.id ? { id: member.id } : {}),
          tier: member.tier ?? 'Ruby',
          is_active: member.is_active ?? true,
          self_excluded: member.self_excluded ?? false,
        },
        protector,
      );
      const id = document.id;
      await running.mongo.db.collection('members').insertOne(document);
      return id;
    },
    stop: () => served.stop(),
  };
}
