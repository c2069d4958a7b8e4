import type { Collection, Db, Decimal128, Filter, IndexDescription } from 'mongodb';
import { paginate } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';

export type Tier = 'Ruby' | 'Sapphire' | 'Diamond' | 'VIP';

export interface MemberDocument {
  id: string;
  member_number: string;
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  date_of_birth: Date;
  nationality: string;
  nic_passport: string;
  tier: Tier;
  points_balance: number;
  tier_credits: number;
  total_points_earned: number;
  lifetime_spend: Decimal128;
  registration_date: Date;
  last_visit: Date | null;
  is_active: boolean;
  self_excluded: boolean;
  kyc_verified: boolean;
  marketing_consent: boolean;
  preferences: Record<string, unknown>;
  /** Why self-exclusion was last set or lifted, and when */
  self_exclusion_reason?: string | null;
  self_exclusion_changed_at?: Date | null;
}

export interface MemberFilterInput {
  tier?: Tier | null;
  isActive?: boolean | null;
  selfExcluded?: boolean | null;
  kycVerified?: boolean | null;
  marketingConsent?: boolean | null;
  memberNumber?: string | null;
  email?: string | null;
  lastNamePrefix?: string | null;
  registeredFrom?: Date | null;
  registeredTo?: Date | null;
}

export const MEMBERS = 'members';

export const memberIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { member_number: 1 }, name: 'member_number_1', unique: true },
  { key: { email: 1 }, name: 'email_1' },
  { key: { tier: 1 }, name: 'tier_1' },
  { key: { is_active: 1 }, name: 'is_active_1' },
  { key: { nic_passport: 1 }, name: 'nic_passport_1', unique: true },
  { key: { registration_date: -1, id: -1 }, name: 'registration_date_-1_id_-1' },
  { key: { last_name: 1 }, name: 'last_name_1' },
];

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function memberFilter(input: MemberFilterInput): Filter<MemberDocument> {
  const filter: Filter<MemberDocument> = {};
  if (input.tier) filter.tier = input.tier;
  if (input.isActive != null) filter.is_active = input.isActive;
  if (input.selfExcluded != null) filter.self_excluded = input.selfExcluded;
  if (input.kycVerified != null) filter.kyc_verified = input.kycVerified;
  if (input.marketingConsent != null) filter.marketing_consent = input.marketingConsent;
  if (input.memberNumber) filter.member_number = input.memberNumber;
  if (input.email) filter.email = input.email.toLowerCase();
  if (input.lastNamePrefix) filter.last_name = { $regex: `^${escapeRegex(input.lastNamePrefix)}` };
  if (input.registeredFrom || input.registeredTo) {
    filter.registration_date = {
      ...(input.registeredFrom ? { $gte: input.registeredFrom } : {}),
      ...(input.registeredTo ? { $lt: input.registeredTo } : {}),
    };
  }
  return filter;
}

export class MemberStore {
  readonly collection: Collection<MemberDocument>;

  constructor(db: Db) {
    this.collection = db.collection<MemberDocument>(MEMBERS);
  }

  page(filter: MemberFilterInput, args: PageArgs, paging: PagingConfig) {
    return paginate(
      this.collection,
      memberFilter(filter),
      args,
      { field: 'registration_date', direction: -1 },
      paging,
    );
  }

  async insert(member: MemberDocument): Promise<void> {
    await this.collection.insertOne({ ...member });
  }
}
