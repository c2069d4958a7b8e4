import { GraphQLError } from 'graphql';
import type { Document } from 'mongodb';
import { z } from 'zod';
import { forbiddenError } from '@casino/auth';
import { badUserInput, conflict, emailAddress, phoneNumber, validateInput } from '@casino/errors';
import { duplicateKeyField, newId, toMoney } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { FieldProtector } from '@casino/crypto';
import { protectIdentityDocument } from './member-store';
import type { MemberDocument, MemberFilterInput, MemberStore } from './member-store';
import { MEMBER_RULES } from '../settings';

const name = z.string().trim().min(1, 'is required').max(100, 'is too long');

const registerMemberSchema = z.object({
  firstName: name,
  lastName: name,
  email: emailAddress,
  phone: phoneNumber,
  dateOfBirth: z
    .date()
    .refine((d) => d.getTime() < Date.now(), 'must be in the past')
    .refine(
      (d) => yearsBetween(d, new Date()) >= MEMBER_RULES.minimumAgeYears,
      `member must be at least ${MEMBER_RULES.minimumAgeYears} years old`,
    ),
  nationality: z.string().trim().min(2, 'is required').max(60, 'is too long'),
  nicPassport: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{5,20}$/, 'must be 5 to 20 letters, digits or dashes'),
  marketingConsent: z.boolean().nullish(),
  preferences: z.record(z.string(), z.unknown()).nullish(),
  /** When the identity document expires; checked to be in the future by `register` (against its `now`) */
  documentExpiry: z.date().nullish(),
});

export type RegisterMemberInput = z.input<typeof registerMemberSchema>;

function yearsBetween(from: Date, to: Date): number {
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const beforeBirthday =
    to.getUTCMonth() < from.getUTCMonth() ||
    (to.getUTCMonth() === from.getUTCMonth() && to.getUTCDate() < from.getUTCDate());
  if (beforeBirthday) years -= 1;
  return years;
}

export function newMemberNumber(): string {
  return `M${Math.floor(100_000_000 + Math.random() * 900_000_000)}`;
}

const FIELD_NAMES: Record<string, string> = {
  nic_passport_index: 'input.nicPassport',
  email: 'input.email',
};

export class MemberService {
  constructor(
    private readonly members: MemberStore,
    private readonly protector: FieldProtector,
  ) {}

  /** A page of members, most recently registered first, with only the stored fields in `projection` if given. */
  page(filter: MemberFilterInput, args: PageArgs, paging: PagingConfig, projection: Document | null = null) {
    return this.members.page(filter, args, paging, projection);
  }

  /** `origin`: where the member came from (the walk-in guest they were), stored with them. */
  async register(
    rawInput: RegisterMemberInput,
    now = new Date(),
    origin: Pick<MemberDocument, 'walk_in_guest_id'> = {},
  ): Promise<MemberDocument> {
    const input = validateInput(registerMemberSchema, rawInput);
    if (input.documentExpiry && input.documentExpiry.getTime() <= now.getTime()) {
      throw badUserInput('input.documentExpiry', 'must be in the future');
    }
    for (let attempt = 1; ; attempt++) {
      const id = newId();
      const member: MemberDocument = {
        id,
        member_number: newMemberNumber(),
        first_name: input.firstName,
        last_name: input.lastName,
        email: input.email,
        phone: input.phone,
        date_of_birth: input.dateOfBirth,
        nationality: input.nationality,
        // sealed with its blind index beside it: a second member with the same document (however typed) is a
        // duplicate key on the unique index, and the plaintext is never stored nor a query filter
        ...protectIdentityDocument(this.protector, id, input.nicPassport.toUpperCase()),
        tier: 'Ruby',
        points_balance: 0,
        tier_credits: 0,
        total_points_earned: 0,
        lifetime_spend: toMoney('0.00'),
        registration_date: now,
        last_visit: null,
        is_active: true,
        self_excluded: false,
        kyc_verified: false,
        marketing_consent: input.marketingConsent ?? false,
        preferences: input.preferences ?? {},
        document_expiry: input.documentExpiry ?? null,
        ...origin,
      };
      try {
        await this.members.insert(member);
        return member;
      } catch (error) {
        const field = duplicateKeyField(error);
        if (field === null) throw error;
        // a clashing generated member number is retried; anything else is the caller's duplicate
        if (field === 'member_number' && attempt < MEMBER_RULES.memberNumberAttempts) continue;
        const named = FIELD_NAMES[field] ?? field;
        throw conflict(`a member with this ${named.replace('input.', '')} already exists`, named);
      }
    }
  }

  /**
   * Registers the member a walk-in guest becomes (marketing's one-step conversion), once per guest. The member
   * keeps the guest's id, so a second call for the same guest (a retry after a lost answer, or after marketing
   * failed to link the visit) answers with the member it made. A member registered otherwise with the same
   * identity document is a CONFLICT, and nothing is written.
   */
  async registerFromWalkIn(
    walkInGuestId: string,
    rawInput: RegisterMemberInput,
    now = new Date(),
  ): Promise<MemberDocument> {
    const guestId = validateInput(walkInGuestIdSchema, walkInGuestId, 'walkInGuestId');
    try {
      return await this.register(rawInput, now, { walk_in_guest_id: guestId });
    } catch (error) {
      if (!(error instanceof GraphQLError) || error.extensions.code !== 'CONFLICT') throw error;
      const input = validateInput(registerMemberSchema, rawInput);
      const earlier = await this.members.findByIdentityDocument(input.nicPassport.toUpperCase());
      if (earlier?.walk_in_guest_id === guestId) return earlier;
      throw error;
    }
  }
}

const walkInGuestIdSchema = z.string().trim().min(1, 'is required').max(100, 'is too long');

const updateMemberSchema = z.object({
  id: z.string().trim().min(1, 'is required'),
  email: emailAddress.optional(),
  phone: phoneNumber.optional(),
  preferences: z.record(z.string(), z.unknown()).optional(),
  marketingConsent: z.boolean().optional(),
  kycVerified: z.boolean().optional(),
  /** A renewed identity document's expiry (GeneralAdmin+, like kycVerified) */
  documentExpiry: z.date().optional(),
});

/** Drops the keys whose value is null (GraphQL's way of saying "leave unchanged" for non-null fields). */
function present<T extends Record<string, unknown>>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined)) as T;
}

/** What the audit trail keeps of a newly registered member: no identity document, sealed or hashed. */
export function auditedNewMember(member: MemberDocument) {
  const { nic_passport: _sealed, nic_passport_index: _index, ...rest } = member;
  return { ...rest, nicPassport: member.nic_passport ? '[protected]' : null };
}

/** What the audit trail keeps of a member: the fields these mutations change. */
export function auditedMember(member: MemberDocument) {
  return {
    id: member.id,
    email: member.email,
    phone: member.phone,
    preferences: member.preferences,
    marketing_consent: member.marketing_consent,
    kyc_verified: member.kyc_verified,
    self_excluded: member.self_excluded,
    self_exclusion_reason: member.self_exclusion_reason ?? null,
    document_expiry: member.document_expiry ?? null,
  };
}

export class MemberAdminService {
  constructor(private readonly members: MemberStore) {}

  /**
   * Changes a member's contact details, preferences and consent; `kycVerified` and `documentExpiry` (a renewed
   * identity document) only for GeneralAdmin+.
   */
  async update(
    raw: object,
    mayVerifyKyc: boolean,
  ): Promise<{ before: MemberDocument; after: MemberDocument }> {
    const input = validateInput(updateMemberSchema, present(raw as Record<string, unknown>));
    if (input.kycVerified !== undefined && !mayVerifyKyc) {
      throw forbiddenError('Only a GeneralAdmin or SuperAdmin may change kycVerified');
    }
    if (input.documentExpiry !== undefined && !mayVerifyKyc) {
      throw forbiddenError('Only a GeneralAdmin or SuperAdmin may change documentExpiry');
    }
    const set: Partial<MemberDocument> = {};
    if (input.email !== undefined) set.email = input.email;
    if (input.phone !== undefined) set.phone = input.phone;
    if (input.preferences !== undefined) set.preferences = input.preferences;
    if (input.marketingConsent !== undefined) set.marketing_consent = input.marketingConsent;
    if (input.kycVerified !== undefined) set.kyc_verified = input.kycVerified;
    if (input.documentExpiry !== undefined) set.document_expiry = input.documentExpiry;
    return this.change(input.id, 'input.id', set);
  }

  private async change(id: string, field: string, set: Partial<MemberDocument>) {
    const before = await this.members.change(id, set);
    if (!before) throw badUserInput(field, 'no member with this id');
    return { before, after: { ...before, ...set } };
  }
}
