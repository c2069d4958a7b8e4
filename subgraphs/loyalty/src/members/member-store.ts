import type { Collection, Db, Decimal128, Document, Filter, IndexDescription } from 'mongodb';
import type { FieldProtector } from '@casino/crypto';
import { CollectionStore } from '@casino/mongo';
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
  /** The comp balance in cents (PointsLedger moves it, from `comps` ledger entries); absent means 0 */
  comp_balance_cents?: number;
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
  /**
   * The earliest reinstatement of the current self-exclusion (the latest end of its periods); null for life.
   * Absent for an exclusion set before periods were recorded, which may be lifted at any time.
   */
  self_exclusion_ends_at?: Date | null;
  /** When the identity document expires (not personal data in itself: plaintext); absent when not recorded */
  document_expiry?: Date | null;
  /** The walk-in guest (marketing) this member was registered from; absent for members registered directly */
  walk_in_guest_id?: string;
  /** The member's host: a workforce StaffMember id; absent or null when none is assigned */
  host_staff_id?: string | null;
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
  // a host's portfolio (StaffMember.hostedMembers)
  { key: { host_staff_id: 1 }, name: 'host_staff_id_1', sparse: true },
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

/** A member as the posting path sees it: with the ids of the entries it applied most recently. */
export type PostingMember = MemberDocument & { applied_entries?: string[] };

/** A member as erasure and retention see it: with when it was erased or anonymised. */
type PrivacyMemberDocument = MemberDocument & { erased_at?: Date | null; anonymised_at?: Date | null };

/** One move of a member's balances (see PointsLedger): guarded, once per entry id. */
export interface BalanceMove {
  memberId: string;
  /** Conditions on the member on top of "not listed yet" (the caller's guard, no balance below zero) */
  guard: Filter<PostingMember>;
  inc: Record<string, number>;
  /** Moves the last visit forward to this time in the same update */
  visitedAt?: Date;
  /** The entry ids pushed onto the member's applied list (none of them, nor its void marker, may be there) */
  ids: string[];
  blocked: string[];
  /** How many ids the member keeps */
  keep: number;
}

export interface InactiveMembersQuery {
  cutoff: Date;
  exceptions: string[];
}

/** Members inactive since before the cutoff, never erased nor anonymised (the retention category). */
function inactiveFilter({ cutoff }: InactiveMembersQuery): Filter<Document> {
  return {
    $or: [{ last_visit: { $lt: cutoff } }, { last_visit: null, registration_date: { $lt: cutoff } }],
    erased_at: null,
    anonymised_at: null,
  };
}

export class MemberStore extends CollectionStore<MemberDocument> {
  /** The protector is needed only to look members up by identity document (the blind index). */
  constructor(
    db: Db,
    private readonly protector?: FieldProtector,
  ) {
    super(db, MEMBERS);
  }

  /** A page of members; `projection` names the stored fields the caller reads (whole documents by default). */
  page(filter: MemberFilterInput, args: PageArgs, paging: PagingConfig, projection: Document | null = null) {
    return this.pageWhere(
      memberFilter(filter, this.protector),
      args,
      paging,
      { field: 'registration_date', direction: -1 },
      projection,
    );
  }

  async insert(member: MemberDocument): Promise<void> {
    await this.collection.insertOne({ ...member });
  }

  /** The member holding this identity document, found through its blind index (null when none does). */
  findByIdentityDocument(documentNumber: string): Promise<MemberDocument | null> {
    return this.collection.findOne(memberFilter({ nicPassport: documentNumber }, this.protector), {
      projection: { _id: 0 },
    });
  }

  /** Sets fields and answers with the member as it was before (null when there is no such member). */
  change(id: string, set: Partial<MemberDocument>): Promise<MemberDocument | null> {
    if (Object.keys(set).length === 0) return this.findById(id);
    return this.collection.findOneAndUpdate(
      { id },
      { $set: set },
      { returnDocument: 'before', projection: { _id: 0 } },
    );
  }

  /** The members a staff member hosts, at most `limit` (the portfolio's fields only). */
  hostedBy(
    staffId: string,
    limit: number,
  ): Promise<Pick<MemberDocument, 'id' | 'last_visit' | 'tier' | 'is_active'>[]> {
    return this.collection
      .find(
        { host_staff_id: staffId },
        { projection: { _id: 0, id: 1, last_visit: 1, tier: 1, is_active: 1 }, sort: { id: 1 }, limit },
      )
      .toArray();
  }

  /** Moves the member up to `tier` if it holds one of the `lower` tiers. */
  async promote(id: string, lower: Tier[], tier: Tier): Promise<void> {
    await this.collection.updateOne({ id, tier: { $in: lower } }, { $set: { tier } });
  }

  async setTier(id: string, tier: Tier): Promise<void> {
    await this.collection.updateOne({ id }, { $set: { tier } });
  }

  tierCreditsOf(id: string): Promise<Pick<MemberDocument, 'tier_credits'> | null> {
    return this.collection.findOne({ id }, { projection: { _id: 0, tier_credits: 1 } });
  }

  /** Members with a positive balance who have not visited since the cutoff (points expiry candidates). */
  withPointsNotVisitedSince(cutoff: Date): AsyncIterable<MemberDocument> {
    return this.collection.find(
      { points_balance: { $gt: 0 }, $or: [{ last_visit: null }, { last_visit: { $lt: cutoff } }] },
      { projection: { _id: 0, id: 1, last_visit: 1, registration_date: 1, points_balance: 1 } },
    ) as AsyncIterable<MemberDocument>;
  }

  /** The ids of the given members and of every member above Ruby (tier period candidates). */
  idsOfTheseOrAboveRuby(ids: string[]): AsyncIterable<Pick<MemberDocument, 'id'>> {
    return this.collection.find(
      { $or: [{ id: { $in: ids } }, { tier: { $ne: 'Ruby' } }] },
      { projection: { _id: 0, id: 1 } },
    );
  }

  // --- the posting path (PointsLedger) ---

  /**
   * THE atomic step of a posting: moves the balances only while the guard holds and none of the blocked ids
   * is listed, and lists the ids in the same update. The member as it was before, or null when nothing matched.
   */
  async moveBalances(move: BalanceMove): Promise<PostingMember | null> {
    const members = this.collection as unknown as Collection<PostingMember>;
    const moved = await members.findOneAndUpdate(
      { ...move.guard, id: move.memberId, applied_entries: { $nin: move.blocked } },
      {
        $inc: move.inc,
        ...(move.visitedAt ? { $max: { last_visit: move.visitedAt } } : {}),
        $push: { applied_entries: { $each: move.ids, $slice: -move.keep } },
      },
      { returnDocument: 'before', projection: { _id: 0 } },
    );
    return moved as PostingMember | null;
  }

  /** The ids of the entries the member lists as applied (and void markers); null without such a member. */
  async appliedEntriesOf(memberId: string): Promise<Pick<PostingMember, 'applied_entries'> | null> {
    return (await this.collection.findOne(
      { id: memberId },
      { projection: { _id: 0, applied_entries: 1 } },
    )) as Pick<PostingMember, 'applied_entries'> | null;
  }

  /** Lists `markers` unless one of `blocked` is listed; the list as it was before, or null when refused. */
  async pushMarkers(
    memberId: string,
    markers: string[],
    blocked: string[],
    keep: number,
  ): Promise<Pick<PostingMember, 'applied_entries'> | null> {
    const members = this.collection as unknown as Collection<PostingMember>;
    return (await members.findOneAndUpdate(
      { id: memberId, applied_entries: { $nin: blocked } },
      { $push: { applied_entries: { $each: markers, $slice: -keep } } },
      { returnDocument: 'before', projection: { _id: 0, applied_entries: 1 } },
    )) as Pick<PostingMember, 'applied_entries'> | null;
  }

  async findPostingMember(memberId: string): Promise<PostingMember | null> {
    return (await this.collection.findOne(
      { id: memberId },
      { projection: { _id: 0 } },
    )) as PostingMember | null;
  }

  // --- erasure and retention ---

  /** What erasing a member needs to know of it (null without such a member). */
  async findForErasure(
    id: string,
  ): Promise<Pick<
    PrivacyMemberDocument,
    'id' | 'date_of_birth' | 'erased_at' | 'self_exclusion_reason'
  > | null> {
    const members = this.collection as unknown as Collection<PrivacyMemberDocument>;
    return members.findOne(
      { id },
      { projection: { _id: 0, id: 1, date_of_birth: 1, erased_at: 1, self_exclusion_reason: 1 } },
    );
  }

  /** Replaces a member's personal fields (`set`) and removes the `unset` ones. */
  async anonymise(id: string, set: Record<string, unknown>, unset: string[]): Promise<void> {
    await this.collection.updateOne(
      { id },
      { $set: set, $unset: Object.fromEntries(unset.map((field) => [field, ''])) },
    );
  }

  /** Up to `limit` ids of inactive members not excepted, oldest registrations first. */
  async inactiveIds(query: InactiveMembersQuery, limit: number): Promise<string[]> {
    const members = this.collection as unknown as Collection<Document>;
    const rows = await members
      .find(this.dueFilter(query), { projection: { _id: 0, id: 1 } })
      .sort({ registration_date: 1, id: 1 })
      .limit(limit)
      .toArray();
    return rows.map((row) => row.id as string);
  }

  async markAnonymised(id: string, at: Date): Promise<void> {
    const members = this.collection as unknown as Collection<PrivacyMemberDocument>;
    await members.updateOne({ id, anonymised_at: null }, { $set: { anonymised_at: at } });
  }

  /** Inactive members held by an exception, and those still due. */
  async countInactive(query: InactiveMembersQuery): Promise<{ skipped: number; remaining: number }> {
    const members = this.collection as unknown as Collection<Document>;
    const [skipped, remaining] = await Promise.all([
      query.exceptions.length > 0
        ? members.countDocuments({ ...inactiveFilter(query), id: { $in: query.exceptions } })
        : 0,
      members.countDocuments(this.dueFilter(query)),
    ]);
    return { skipped, remaining };
  }

  private dueFilter(query: InactiveMembersQuery): Filter<Document> {
    const inactive = inactiveFilter(query);
    return query.exceptions.length > 0 ? { ...inactive, id: { $nin: query.exceptions } } : inactive;
  }

  // --- compliance's feed ---

  /** Three counts side by side (on mongo-java-server cheaper than one $group with conditional sums). */
  async complianceCounts() {
    const [memberCount, kycVerifiedCount, selfExcludedCount] = await Promise.all([
      this.collection.countDocuments({}),
      this.collection.countDocuments({ kyc_verified: true }),
      this.collection.countDocuments({ self_excluded: true }),
    ]);
    return { memberCount, kycVerifiedCount, selfExcludedCount };
  }

  /** Ids of the self-excluded members, ordered. */
  async selfExcludedIds(): Promise<string[]> {
    const rows = await this.collection
      .find({ self_excluded: true }, { projection: { _id: 0, id: 1 } })
      .sort({ id: 1 })
      .toArray();
    return rows.map((r) => r.id);
  }

  /** Self-excluded members and since when (the last change), ordered by id. */
  excludedMembers(): Promise<Pick<MemberDocument, 'id' | 'self_exclusion_changed_at'>[]> {
    return this.collection
      .find({ self_excluded: true }, { projection: { _id: 0, id: 1, self_exclusion_changed_at: 1 } })
      .sort({ id: 1 })
      .toArray();
  }

  // --- self-exclusion (the periods themselves live in self_exclusions) ---

  /**
   * Self-excludes the member at once, until at least `endsAt` (null: for life): an exclusion already in effect
   * keeps the later end, and the later change time (a period whose flag is finished late never moves it back).
   * One guarded update each way; the member as it was before, null when unknown.
   */
  async recordExclusion(
    id: string,
    change: { reason: string; at: Date; endsAt: Date | null },
  ): Promise<MemberDocument | null> {
    const set = { self_excluded: true, self_exclusion_reason: change.reason };
    const changedAt = { self_exclusion_changed_at: change.at };
    const options = { returnDocument: 'before', projection: { _id: 0 } } as const;
    if (change.endsAt === null) {
      return this.collection.findOneAndUpdate(
        { id },
        { $set: { ...set, self_exclusion_ends_at: null }, $max: changedAt },
        options,
      );
    }
    // not excluded, or until a date (or a legacy exclusion without one): the later end wins
    const dated = await this.collection.findOneAndUpdate(
      {
        id,
        $or: [
          { self_excluded: { $ne: true } },
          { self_exclusion_ends_at: { $type: 'date' } },
          { self_exclusion_ends_at: { $exists: false } },
        ],
      },
      { $set: set, $max: { ...changedAt, self_exclusion_ends_at: change.endsAt } },
      options,
    );
    // otherwise excluded for life already: that end stays
    return dated ?? this.collection.findOneAndUpdate({ id }, { $set: set, $max: changedAt }, options);
  }

  /** Lifts a self-exclusion whose end has come (or that has none recorded); the member before, or null. */
  reinstateIf(id: string, at: Date): Promise<MemberDocument | null> {
    return this.collection.findOneAndUpdate(
      {
        id,
        self_excluded: true,
        $or: [{ self_exclusion_ends_at: { $lte: at } }, { self_exclusion_ends_at: { $exists: false } }],
      },
      { $set: { self_excluded: false, self_exclusion_changed_at: at } },
      { returnDocument: 'before', projection: { _id: 0 } },
    );
  }

  /** Active members whose document expires before `before`, after a position, by expiry then id. */
  expiringDocuments(
    before: Date,
    after: { expiry: Date; id: string } | null,
    limit: number,
  ): Promise<Pick<MemberDocument, 'id' | 'document_expiry' | 'kyc_verified'>[]> {
    const filter: Filter<MemberDocument> = { is_active: true, document_expiry: { $lt: before } };
    if (after) {
      filter.$or = [
        { document_expiry: { $gt: after.expiry, $lt: before } },
        { document_expiry: after.expiry, id: { $gt: after.id } },
      ];
    }
    return this.collection
      .find(filter, { projection: { _id: 0, id: 1, document_expiry: 1, kyc_verified: 1 } })
      .sort({ document_expiry: 1, id: 1 })
      .limit(limit)
      .toArray();
  }

  // --- the dashboard ---

  /** Members by tier, registered and visiting in the range, and the points outstanding now. */
  async dashboardFigures(range: { from: Date; to: Date }): Promise<MemberFigures> {
    const inRange = { $gte: range.from, $lt: range.to };
    const [facets] = await this.collection
      .aggregate<MemberFigures>([
        {
          $facet: {
            byTier: [{ $group: { _id: '$tier', n: { $sum: 1 } } }],
            newMembers: [{ $match: { registration_date: inRange } }, { $count: 'n' }],
            activeMembers: [{ $match: { last_visit: inRange } }, { $count: 'n' }],
            outstanding: [
              {
                $group: {
                  _id: null,
                  points: { $sum: '$points_balance' },
                  compCents: { $sum: '$comp_balance_cents' },
                },
              },
            ],
          },
        },
      ])
      .toArray();
    return facets!;
  }
}

export interface MemberFigures {
  byTier: { _id: Tier; n: number }[];
  newMembers: { n: number }[];
  activeMembers: { n: number }[];
  outstanding: { points: number; compCents: number }[];
}
