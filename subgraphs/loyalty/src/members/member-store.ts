import type { Collection, Db, Decimal128, Filter, IndexDescription } from 'mongodb';
import type { FieldProtector } from '@casino/crypto';
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
  /** NIC or passport number, sealed by the FieldProtector (never plaintext); absent for members without one */
  nic_passport?: string | null;
  /**
   * Blind index of the document number (`protector.lookupKey`) for exact look-ups and uniqueness. Omitted (not
   * null) when there is no document, so the sparse unique index skips the member.
   */
  nic_passport_index?: string;
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
  /** When the identity document expires (not personal data in itself: plaintext); absent when not recorded */
  document_expiry?: Date | null;
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
  /** Exact identity document, found through its blind index (never a plaintext filter) */
  nicPassport?: string | null;
  registeredFrom?: Date | null;
  registeredTo?: Date | null;
}

export const MEMBERS = 'members';
/** Where the identity document lives: its sealed value and the blind index beside it. */
export const NIC_PASSPORT = {
  collection: 'members',
  field: 'nic_passport',
  index: 'nic_passport_index',
} as const;

export const memberIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { member_number: 1 }, name: 'member_number_1', unique: true },
  { key: { email: 1 }, name: 'email_1' },
  { key: { tier: 1 }, name: 'tier_1' },
  { key: { is_active: 1 }, name: 'is_active_1' },
  { key: { nic_passport_index: 1 }, name: 'nic_passport_index_1', unique: true, sparse: true },
  { key: { registration_date: -1, id: -1 }, name: 'registration_date_-1_id_-1' },
  { key: { last_name: 1 }, name: 'last_name_1' },
  // compliance's expiring-documents feed walks members by expiry (then id)
  { key: { document_expiry: 1 }, name: 'document_expiry_1' },
];

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Seals a member's identity document and computes its blind index (both bound to the member's id). */
export function protectIdentityDocument(
  protector: FieldProtector,
  memberId: string,
  documentNumber: string,
): Pick<MemberDocument, 'nic_passport' | 'nic_passport_index'> {
  return {
    nic_passport: protector.seal(documentNumber, {
      collection: NIC_PASSPORT.collection,
      field: NIC_PASSPORT.field,
      documentId: memberId,
    }),
    nic_passport_index: protector.lookupKey(documentNumber),
  };
}

export function memberFilter(input: MemberFilterInput, protector?: FieldProtector): Filter<MemberDocument> {
  const filter: Filter<MemberDocument> = {};
  // an empty document number matches nothing (it is not "no filter")
  if (input.nicPassport != null) {
    if (!protector) throw new Error('looking members up by identity document needs the field protector');
    filter.nic_passport_index = protector.lookupKey(input.nicPassport);
  }
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

  /** The protector is needed only to look members up by identity document (the blind index). */
  constructor(
    db: Db,
    private readonly protector?: FieldProtector,
  ) {
    this.collection = db.collection<MemberDocument>(MEMBERS);
  }

  page(filter: MemberFilterInput, args: PageArgs, paging: PagingConfig) {
    return paginate(
      this.collection,
      memberFilter(filter, this.protector),
      args,
      { field: 'registration_date', direction: -1 },
      paging,
    );
  }

  async insert(member: MemberDocument): Promise<void> {
    await this.collection.insertOne({ ...member });
  }
}
