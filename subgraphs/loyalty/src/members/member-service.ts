import { z } from 'zod';
import { conflict, validateInput } from '@casino/errors';
import { duplicateKeyField, newId, toMoney } from '@casino/mongo';
import type { MemberDocument, MemberStore } from './member-store';

/** Named rules of enrolment. */
export const MEMBER_RULES = {
  minimumAgeYears: 18,
  memberNumberAttempts: 5,
};

const name = z.string().trim().min(1, 'is required').max(100, 'is too long');

const registerMemberSchema = z.object({
  firstName: name,
  lastName: name,
  email: z.email('is not a valid email address').transform((e) => e.toLowerCase()),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9][0-9 ()-]{5,19}$/, 'is not a valid phone number'),
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

const FIELD_NAMES: Record<string, string> = { nic_passport: 'input.nicPassport', email: 'input.email' };

export class MemberService {
  constructor(private readonly members: MemberStore) {}

  async register(rawInput: RegisterMemberInput, now = new Date()): Promise<MemberDocument> {
    const input = validateInput(registerMemberSchema, rawInput);
    for (let attempt = 1; ; attempt++) {
      const member: MemberDocument = {
        id: newId(),
        member_number: newMemberNumber(),
        first_name: input.firstName,
        last_name: input.lastName,
        email: input.email,
        phone: input.phone,
        date_of_birth: input.dateOfBirth,
        nationality: input.nationality,
        nic_passport: input.nicPassport.toUpperCase(),
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
}
