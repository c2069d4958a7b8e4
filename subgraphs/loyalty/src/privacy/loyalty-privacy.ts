import type { Db } from 'mongodb';
import { notFound } from '@casino/errors';
import { resealProtectedFields } from '@casino/crypto';
import type { FieldProtector } from '@casino/crypto';
import { validateRetentionInput } from '@casino/mongo';
import type { RetentionCounts } from '@casino/mongo';
import type { PrivacyParticipant, ResealReport } from '@casino/server';
import { LOYALTY_PROTECTED_FIELDS } from '../members/protected-fields';
import type { LoyaltyStores } from '../stores';
import { DAY_MS } from '@casino/config';

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
  compsKept: number;
  erasedAt: Date;
}

/**
 * Loyalty's part in the member-data duties compliance coordinates: erasing a member, the `member_data`
 * retention category and re-sealing members' identity documents under the current key. Each operation
 * answers with what it did; the resolvers record that in the audit trail.
 */
export class LoyaltyPrivacy implements PrivacyParticipant<unknown, RetentionCounts, LoyaltyMemberErasure> {
  constructor(
    private readonly stores: Pick<
      LoyaltyStores,
      'members' | 'ledger' | 'redemptions' | 'selfExclusions' | 'comps' | 'vipExperiences'
    >,
    private readonly db: Db,
    private readonly protector: FieldProtector,
  ) {}

  /**
   * Anonymises a member's personal data in place: names and contact details replaced by placeholders, the
   * date of birth reduced to its year, the identity document and its blind index removed, preferences and the
   * self-exclusion reasons (on the member and its periods) cleared, marketing consent withdrawn and the member deactivated. Idempotent: a
   * repeated call writes the same values and keeps the first `erased_at`. NOT_FOUND for an unknown member.
   */
  async eraseMember(memberId: string, now: Date = new Date()): Promise<LoyaltyMemberErasure> {
    const member = await this.stores.members.findForErasure(memberId);
    if (!member) throw notFound('Member', memberId);
    const erasedAt = member.erased_at ?? now;
    await this.stores.members.anonymise(
      memberId,
      {
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
      ['nic_passport', 'nic_passport_index', 'address'],
    );
    // the periods' dates stay (a compliance record, not personal detail); their reasons go
    await this.stores.selfExclusions.eraseReasons(memberId, '[erased]');
    // comps are financial records (amounts, outlets, who issued them): kept; their free-text notes go
    await this.stores.comps.eraseNotes(memberId, '[erased]');
    // VIP experiences likewise (kinds, costs, dates kept); what was booked and why it was cancelled go
    await this.stores.vipExperiences.eraseDescriptions(memberId, '[erased]');
    const [ledgerEntriesKept, redemptionsKept, compsKept] = await Promise.all([
      this.stores.ledger.countByMember(memberId),
      this.stores.redemptions.countByMember(memberId),
      this.stores.comps.countByMember(memberId),
    ]);
    return { memberId, membersAnonymised: 1, ledgerEntriesKept, redemptionsKept, compsKept, erasedAt };
  }

  /**
   * The `member_data` retention category: members inactive for longer than the policy's periods. A member's
   * activity is their `last_visit`, or their `registration_date` when they never visited. Members are never
   * deleted and never moved (their points ledger and redemptions reference them and must stay):
   * - the archive step copies nothing (`archived` is always 0);
   * - past `retentionPeriodDays`, the profile is anonymised exactly like an erasure on request (names, contact
   *   details, identity document, preferences cleared, year of birth kept, deactivated), whether the policy
   *   says delete (`autoDelete`) or anonymise; the member gets `anonymised_at` and is never selected again.
   * An exception id is a member id.
   */
  async applyRetention(raw: unknown): Promise<RetentionCounts> {
    const input = validateRetentionInput(raw);
    const query = {
      cutoff: new Date(input.now.getTime() - input.retentionPeriodDays * DAY_MS),
      exceptions: input.exceptions,
    };
    const counts: RetentionCounts = { archived: 0, deleted: 0, anonymised: 0, skipped: 0, remaining: 0 };
    for (const id of await this.stores.members.inactiveIds(query, input.batchSize)) {
      await this.eraseMember(id, input.now);
      await this.stores.members.markAnonymised(id, input.now);
      counts.anonymised += 1;
    }
    const { skipped, remaining } = await this.stores.members.countInactive(query);
    counts.skipped = skipped;
    counts.remaining = remaining;
    return counts;
  }

  /** Re-seals members' identity documents under the current key, one batch per protected field. */
  resealProtectedFields(batchSize: number): Promise<ResealReport> {
    return resealProtectedFields(this.db, this.protector, LOYALTY_PROTECTED_FIELDS, batchSize);
  }
}
