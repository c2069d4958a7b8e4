import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Identity, Role } from '@casino/auth';
import { testIdentity } from '@casino/testing';
import type { FieldProtector } from '@casino/crypto';
import { toMoney } from '@casino/mongo';
import { protectIdentityDocument } from '../members/member-store';
import type { MemberDocument } from '../members/member-store';
import type { LedgerBalance, PointsLedgerDocument } from '../points/ledger-store';
import { ledgerEntry } from '../points/points-ledger';
import type { RewardDocument } from '../rewards/reward-store';
import type { SelfExclusionDocument } from '../exclusions/self-exclusion-store';
export { SELF_EXCLUSIONS } from '../exclusions/self-exclusion-store';

export const admin = (role: string, department: string | null = 'Gaming'): Identity =>
  testIdentity(role as Role, { department });

/** Gaming's service identity: it reads members before seating them and credits finished sessions. */
export const SERVICE: Identity = { kind: 'service', service: 'gaming' };
/** Compliance's service identity: its feeds, key rotation, erasure and retention steps. */
export const COMPLIANCE_SERVICE: Identity = { kind: 'service', service: 'compliance' };

let sequence = 0;

/**
 * A member document with empty balances unless overridden. With a protector (`harness.protector`) it carries
 * a sealed identity document (`documentNumber`, or a unique one) and its blind index, as the service stores
 * them; without one it has no identity document at all, never a plaintext one.
 */
export function memberDocument(
  overrides: Partial<MemberDocument> = {},
  protector?: FieldProtector,
  documentNumber?: string,
): MemberDocument {
  sequence += 1;
  const unique = `${process.pid}${sequence}${Math.floor(Math.random() * 1e6)}`;
  const id = overrides.id ?? randomUUID();
  return {
    id,
    member_number: `M${unique}`,
    first_name: 'Kasun',
    last_name: `Silva${sequence}`,
    email: `kasun.${unique}@example.com`,
    phone: '+94 77 000 0000',
    date_of_birth: new Date('1980-05-05T00:00:00Z'),
    nationality: 'Sri Lanka',
    ...(protector ? protectIdentityDocument(protector, id, documentNumber ?? `N${unique}`) : {}),
    tier: 'Ruby',
    points_balance: 0,
    tier_credits: 0,
    total_points_earned: 0,
    lifetime_spend: toMoney('0.00'),
    registration_date: new Date('2025-01-01T00:00:00Z'),
    last_visit: null,
    is_active: true,
    self_excluded: false,
    kyc_verified: true,
    marketing_consent: false,
    preferences: {},
    ...overrides,
  };
}

export function rewardDocument(overrides: Partial<RewardDocument> = {}): RewardDocument {
  return {
    id: randomUUID(),
    name: 'Dinner for two',
    description: 'At the harbour restaurant',
    category: 'dining',
    points_required: 100,
    cash_value: toMoney('40.00'),
    tier_access: ['Ruby', 'Sapphire', 'Diamond', 'VIP'],
    stock_quantity: null,
    is_active: true,
    created_at: new Date('2025-01-01T00:00:00Z'),
    ...overrides,
  };
}

/**
 * A self-exclusion period of a member as loyalty stores it: in effect from `startedAt` until `reinstatedAt`
 * (null: still in effect), of six months unless overridden.
 */
export function selfExclusionDocument(
  memberId: string,
  startedAt: Date,
  reinstatedAt: Date | null = null,
  overrides: Partial<SelfExclusionDocument> = {},
): SelfExclusionDocument {
  const endsAt = new Date(startedAt.getTime());
  endsAt.setUTCMonth(endsAt.getUTCMonth() + 6);
  return {
    id: randomUUID(),
    member_id: memberId,
    length: 'SIX_MONTHS',
    started_at: startedAt,
    ends_at: endsAt,
    reason: 'asked at the desk',
    recorded_by: randomUUID(),
    reinstated_at: reinstatedAt,
    reinstated_by: reinstatedAt ? randomUUID() : null,
    ...overrides,
  };
}

/** Stores a member (memberDocument with `overrides`): no balances, so no ledger entries to back them. */
export async function insertMember(db: Db, overrides: Partial<MemberDocument> = {}): Promise<MemberDocument> {
  const member = memberDocument(overrides);
  await db.collection<MemberDocument>('members').insertOne({ ...member });
  return member;
}

/** Stores a member holding `points`, backed by the earn entry in the ledger every balance must have. */
export async function insertMemberWithPoints(
  db: Db,
  points: number,
  overrides: Partial<MemberDocument> = {},
): Promise<MemberDocument> {
  const member = await insertMember(db, {
    points_balance: points,
    total_points_earned: points,
    ...overrides,
  });
  await db
    .collection<PointsLedgerDocument>('points_ledger')
    .insertOne(openingEntry(member, 'points', points, `test:${member.id}`));
  return member;
}

/** Stores a member holding `cents` of comp balance, backed by the comp earn entry every balance must have. */
export async function insertMemberWithComps(
  db: Db,
  cents: number,
  overrides: Partial<MemberDocument> = {},
): Promise<MemberDocument> {
  const member = await insertMember(db, { comp_balance_cents: cents, ...overrides });
  await db.collection<PointsLedgerDocument>('points_ledger').insertOne({
    ...openingEntry(member, 'comps', cents, `test:comps:${member.id}`),
    tier: member.tier,
    theo_cents: cents * 10,
  });
  return member;
}

/** The earn entry, written in one step, that backs a fixture member's opening balance. */
const openingEntry = (member: MemberDocument, balance: LedgerBalance, amount: number, key: string) =>
  ledgerEntry({ memberId: member.id, balance, type: 'earn', amount, source: 'test', key, at: new Date() });

/** Stores a reward (rewardDocument with `overrides`). */
export async function insertReward(db: Db, overrides: Partial<RewardDocument> = {}): Promise<RewardDocument> {
  const reward = rewardDocument(overrides);
  await db.collection<RewardDocument>('rewards').insertOne({ ...reward });
  return reward;
}
