import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { memberDocument } from '@casino/loyalty/testing';
import type { ServiceClient } from '@casino/auth';
import { gamingSubgraph } from '@casino/gaming';
import { loyaltySubgraph } from '@casino/loyalty';
import { toMoney } from '@casino/mongo';
import type { AnySubgraphDefinition, RunningSubgraph } from '@casino/server';
import { startServedSubgraph } from '@casino/testing';

/** A real other subgraph on a free port with its own database, and a client calling it as compliance. */
export interface TestUpstream {
  running: RunningSubgraph;
  db: Db;
  client: ServiceClient;
  stop(): Promise<void>;
}

async function startUpstream(definition: AnySubgraphDefinition): Promise<TestUpstream> {
  const served = await startServedSubgraph(definition);
  return { running: served.running, db: served.db, client: served.clientAs('compliance'), stop: served.stop };
}

export const startTestGaming = () => startUpstream(gamingSubgraph);
export const startTestLoyalty = () => startUpstream(loyaltySubgraph);

export interface TestSession {
  member_id: string;
  session_start: Date;
  session_end?: Date | null;
  buy_in: string;
  /** null while the session is active */
  cash_out?: string | null;
}

/** Stores settled (or, without a cash-out, active) sessions straight into gaming's database. */
export async function insertTestSessions(gaming: Db, sessions: TestSession[]): Promise<string[]> {
  const docs = sessions.map((s) => {
    const settled = s.cash_out !== null && s.cash_out !== undefined;
    const net = settled ? (Number(s.cash_out) - Number(s.buy_in)).toFixed(2) : null;
    return {
      id: randomUUID(),
      member_id: s.member_id,
      session_start: s.session_start,
      session_end: settled ? (s.session_end ?? null) : null,
      game_type: 'baccarat',
      game_type_id: randomUUID(),
      table_number: 'BAC-01',
      seat_number: null,
      machine_number: null,
      buy_in_amount: toMoney(s.buy_in),
      cash_out_amount: settled ? toMoney(s.cash_out!) : null,
      net_result: net === null ? null : toMoney(net),
      average_bet: null,
      coin_in: null,
      theo: null,
      duration_minutes: null,
      points_earned: 0,
      status: settled ? 'completed' : 'active',
    };
  });
  if (docs.length > 0) await gaming.collection('gaming_sessions').insertMany(docs);
  return docs.map((d) => d.id);
}

export interface TestMember {
  id?: string;
  kyc_verified?: boolean;
  self_excluded?: boolean;
  is_active?: boolean;
  /** The identity document's expiry; none recorded when absent */
  document_expiry?: Date;
}

/** Stores members straight into loyalty's database. */
export async function insertTestMembers(loyalty: Db, members: TestMember[]): Promise<string[]> {
  const docs = members.map((m) =>
    // loyalty's own fixture (no identity document: compliance never reads one)
    memberDocument({
      ...(m.id ? { id: m.id } : {}),
      is_active: m.is_active ?? true,
      self_excluded: m.self_excluded ?? false,
      kyc_verified: m.kyc_verified ?? true,
      ...(m.document_expiry ? { document_expiry: m.document_expiry } : {}),
    }),
  );
  if (docs.length > 0) await loyalty.collection('members').insertMany(docs);
  return docs.map((d) => d.id);
}
