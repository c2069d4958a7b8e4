import type { Collection } from 'mongodb';
import { notFound } from '@casino/errors';
import type { LoyaltyStores } from '../context';
import type { MemberDocument } from '../members/member-store';

/**
 * What an erased member's personal fields become (PDPA right to erasure). The member's id, number, tier,
 * balances, ledger and redemptions stay: they are financial records under a pseudonymous id.
 */
export const ERASED_MEMBER = {
  firstName: 'Erased',
  lastName: 'Member',
  phone: '[erased]',
  nationality: '[erased]',
  /** Unique per member, so the email index keeps one value per member and no real address remains */
  email: (memberId: string) => `erased-${memberId}@erased.invalid`,
  /** Only the year of birth is kept (as 1 January of it): the schema needs a date and age checks need a year */
  dateOfBirth: (dateOfBirth: Date | null | undefined) =>
    new Date(Date.UTC(dateOfBirth ? dateOfBirth.getUTCFullYear() : 1900, 0, 1)),
} as const;

/** What an erasure changed: one member anonymised, its financial records counted and kept. */
export interface LoyaltyMemberErasure {
  memberId: string;
  membersAnonymised: number;
  ledgerEntriesKept: number;
  redemptionsKept: number;
  erasedAt: Date;
}

type ErasedMemberDocument = MemberDocument & { erased_at?: Date | null };

/**
 * Anonymises a member's personal data in place: names and contact details replaced by placeholders, the
 * date of birth reduced to its year, the identity document and its blind index removed, preferences and the
 * self-exclusion reason cleared, marketing consent withdrawn and the member deactivated. Idempotent: a
 * repeated call writes the same values and keeps the first `erased_at`. NOT_FOUND for an unknown member.
 */
export async function eraseLoyaltyMember(
  stores: Pick<LoyaltyStores, 'members' | 'ledger' | 'redemptions'>,
  memberId: string,
  now: Date = new Date(),
): Promise<LoyaltyMemberErasure> {
  const members = stores.members.collection as unknown as Collection<ErasedMemberDocument>;
  const member = await members.findOne(
    { id: memberId },
    { projection: { _id: 0, id: 1, date_of_birth: 1, erased_at: 1, self_exclusion_reason: 1 } },
  );
  if (!member) throw notFound('Member', memberId);
  const erasedAt = member.erased_at ?? now;
  await members.updateOne(
    { id: memberId },
    {
      $set: {
        first_name: ERASED_MEMBER.firstName,
        last_name: ERASED_MEMBER.lastName,
        email: ERASED_MEMBER.email(memberId),
        phone: ERASED_MEMBER.phone,
        nationality: ERASED_MEMBER.nationality,
        date_of_birth: ERASED_MEMBER.dateOfBirth(member.date_of_birth),
        preferences: {},
        marketing_consent: false,
        is_active: false,
        ...(member.self_exclusion_reason ? { self_exclusion_reason: '[erased]' } : {}),
        erased_at: erasedAt,
      },
      $unset: { nic_passport: '', nic_passport_index: '', address: '' },
    },
  );
  const [ledgerEntriesKept, redemptionsKept] = await Promise.all([
    stores.ledger.collection.countDocuments({ member_id: memberId }),
    stores.redemptions.collection.countDocuments({ member_id: memberId }),
  ]);
  return { memberId, membersAnonymised: 1, ledgerEntriesKept, redemptionsKept, erasedAt };
}
