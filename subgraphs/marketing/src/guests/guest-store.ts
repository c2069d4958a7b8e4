import type DataLoader from 'dataloader';
import type { Db, Decimal128, Filter, IndexDescription } from 'mongodb';
import { resealProtectedFields } from '@casino/crypto';
import type { FieldProtector, ProtectedField, ProtectedFieldRotation } from '@casino/crypto';
import { applyRetentionBatch, CollectionStore, createManyByKeyLoader, equalityFilter } from '@casino/mongo';
import type {
  PageArgs,
  PagingConfig,
  RetentionBatchInput,
  RetentionCounts,
  RetentionTarget,
} from '@casino/mongo';
import { ERASED_GUEST } from '../privacy/erased-members-store';

export interface WalkInGuestDocument {
  id: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  email: string | null;
  nationality: string;
  /** The identity document as given, sealed by the FieldProtector (never plaintext) */
  id_document: string;
  /** Blind index of the document (`protector.lookupKey`), for look-ups; a guest may come several times */
  id_document_index: string;
  visit_date: Date;
  entry_time: Date;
  exit_time: Date | null;
  spend_amount: Decimal128;
  games_played: string[];
  services_used: string[];
  converted_to_member: boolean;
  /** The loyalty member this guest became */
  converted_member_id: string | null;
  /** When the guest was linked to a member (absent until then) */
  converted_at?: Date;
  follow_up_required: boolean;
  notes: string | null;
  marketing_consent: boolean;
  /**
   * Present only while the visit is open (no exit time): the document's blind index + visit day. Its unique sparse index lets
   * the database refuse a second open visit of the same document on the same day, even under concurrency.
   * It must be removed ($unset, not set to null) when the guest leaves.
   */
  open_visit_key?: string;
}

export interface GuestFilterInput {
  visitFrom?: Date | null;
  visitTo?: Date | null;
  convertedToMember?: boolean | null;
  followUpRequired?: boolean | null;
  /** Exact identity document, found through its blind index (never a plaintext filter) */
  idDocument?: string | null;
}

export const WALK_IN_GUESTS = 'walk_in_guests';
/** Where a guest's identity document lives: its sealed value and the blind index beside it. */
export const ID_DOCUMENT = {
  collection: WALK_IN_GUESTS,
  field: 'id_document',
  index: 'id_document_index',
} as const;

/** Seals a guest's identity document and computes its blind index (both bound to the guest's id). */
export function protectIdDocument(
  protector: FieldProtector,
  guestId: string,
  documentNumber: string,
): Pick<WalkInGuestDocument, 'id_document' | 'id_document_index'> {
  return {
    id_document: protector.seal(documentNumber, {
      collection: ID_DOCUMENT.collection,
      field: ID_DOCUMENT.field,
      documentId: guestId,
    }),
    id_document_index: protector.lookupKey(documentNumber),
  };
}

export const guestIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  { key: { open_visit_key: 1 }, name: 'open_visit_key_1', unique: true, sparse: true },
  { key: { visit_date: -1, id: -1 }, name: 'visit_date_-1_id_-1' },
  { key: { converted_to_member: 1, visit_date: -1 }, name: 'converted_to_member_1_visit_date_-1' },
  { key: { follow_up_required: 1, visit_date: -1 }, name: 'follow_up_required_1_visit_date_-1' },
  { key: { converted_member_id: 1 }, name: 'converted_member_id_1' },
  { key: { id_document_index: 1 }, name: 'id_document_index_1' },
];

/** The document field each key of the list filter matches (see equalityFilter). */
const WALK_IN_GUEST_FILTER_FIELDS = {
  convertedToMember: 'converted_to_member',
  followUpRequired: 'follow_up_required',
} as const;

export function guestFilter(
  input: GuestFilterInput,
  protector?: FieldProtector,
): Filter<WalkInGuestDocument> {
  const filter: Filter<WalkInGuestDocument> = equalityFilter(input, WALK_IN_GUEST_FILTER_FIELDS);
  // an empty document number matches nothing (it is not "no filter")
  if (input.idDocument != null) {
    if (!protector) throw new Error('looking guests up by identity document needs the field protector');
    filter.id_document_index = protector.lookupKey(input.idDocument);
  }
  if (input.visitFrom || input.visitTo) {
    filter.visit_date = {
      ...(input.visitFrom ? { $gte: input.visitFrom } : {}),
      ...(input.visitTo ? { $lt: input.visitTo } : {}),
    };
  }
  return filter;
}

/**
 * Every field marketing stores sealed: what a key rotation has to re-seal, including guests moved to the
 * archive by retention (they keep their sealed document until the retention period anonymises them).
 */
export const MARKETING_PROTECTED_FIELDS: readonly ProtectedField[] = [
  { collection: ID_DOCUMENT.collection, field: ID_DOCUMENT.field, lookupField: ID_DOCUMENT.index },
  { collection: `${ID_DOCUMENT.collection}_archive`, field: ID_DOCUMENT.field },
];

/**
 * Walk-in guests never converted into members (a converted visit belongs to the member's history and goes
 * with the member_data policy and erasure), aged from `visit_date`. An exception id holds the guest record
 * with that id. Anonymising clears names, contact details, notes and the identity document (sealed value and
 * blind index); the visit, spend and games stay.
 */
export const WALK_IN_GUESTS_RETENTION: RetentionTarget = {
  collection: WALK_IN_GUESTS,
  ageField: 'visit_date',
  inScope: { converted_to_member: false },
  heldBy: ['id'],
  anonymise: {
    first_name: ERASED_GUEST.firstName,
    last_name: ERASED_GUEST.lastName,
    nationality: ERASED_GUEST.nationality,
    phone: null,
    email: null,
    id_document: null,
    id_document_index: null,
    notes: null,
    open_visit_key: null,
  },
};

/** The dashboard's walk-in figures over a range. */
export interface GuestTotals {
  visits: number;
  converted: number;
  spend: Decimal128;
}

export class GuestStore extends CollectionStore<WalkInGuestDocument> {
  /** The protector is needed only to look guests up by identity document (the blind index) and to re-seal. */
  constructor(
    private readonly db: Db,
    private readonly protector?: FieldProtector,
  ) {
    super(db, WALK_IN_GUESTS);
  }

  /** The visits of the guests converted into each member, most recent first, batched per request. */
  byConvertedMemberLoader(): DataLoader<string, WalkInGuestDocument[]> {
    return createManyByKeyLoader(this.collection, 'converted_member_id', {
      sort: { visit_date: -1, id: -1 },
    });
  }

  /** Visits in [from, to), how many converted into members, and their spend. */
  async visitTotals(range: { from: Date; to: Date }): Promise<GuestTotals | undefined> {
    const [totals] = await this.collection
      .aggregate<GuestTotals>([
        { $match: { visit_date: { $gte: range.from, $lt: range.to } } },
        {
          $group: {
            _id: null,
            visits: { $sum: 1 },
            converted: { $sum: { $cond: ['$converted_to_member', 1, 0] } },
            spend: { $sum: '$spend_amount' },
          },
        },
      ])
      .toArray();
    return totals;
  }

  /**
   * Erasure: the visits converted into the member lose names, contact details, notes and the identity
   * document (sealed value and blind index removed); visits and spend stay. Returns the ids of those visits
   * and how many now carry the placeholders.
   */
  async eraseConvertedInto(memberId: string): Promise<{ ids: string[]; anonymised: number }> {
    const ids = (
      await this.collection
        .find({ converted_member_id: memberId }, { projection: { _id: 0, id: 1 } })
        .toArray()
    ).map((guest) => guest.id);
    const result = await this.collection.updateMany(
      { converted_member_id: memberId },
      {
        $set: {
          first_name: ERASED_GUEST.firstName,
          last_name: ERASED_GUEST.lastName,
          nationality: ERASED_GUEST.nationality,
          phone: null,
          email: null,
          notes: null,
          marketing_consent: false,
        },
        $unset: { id_document: '', id_document_index: '', open_visit_key: '' },
      },
    );
    return { ids, anonymised: result.matchedCount };
  }

  /** One bounded batch of the marketing_data retention policy over walk-in guests. */
  applyRetention(input: RetentionBatchInput): Promise<RetentionCounts> {
    return applyRetentionBatch(this.db, WALK_IN_GUESTS_RETENTION, input);
  }

  /** Re-seals one batch of identity documents (live and archived) under the current key. */
  resealIdentityDocuments(batchSize: number): Promise<ProtectedFieldRotation[]> {
    if (!this.protector) throw new Error('re-sealing identity documents needs the field protector');
    return resealProtectedFields(this.db, this.protector, MARKETING_PROTECTED_FIELDS, batchSize);
  }

  /** Most recent visits first. */
  page(filter: GuestFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.pageWhere(guestFilter(filter, this.protector), args, paging, {
      field: 'visit_date',
      direction: -1,
    });
  }

  /** Ends an open visit (no exit time yet) in one atomic update, freeing its open-visit key; null if none. */
  recordExit(
    id: string,
    exit: Pick<WalkInGuestDocument, 'exit_time' | 'spend_amount' | 'games_played' | 'services_used'> & {
      notes?: string | null;
    },
  ) {
    const set: Partial<WalkInGuestDocument> = {
      exit_time: exit.exit_time,
      spend_amount: exit.spend_amount,
      games_played: exit.games_played,
      services_used: exit.services_used,
    };
    if (exit.notes !== undefined) set.notes = exit.notes;
    return this.collection.findOneAndUpdate(
      { id, exit_time: null },
      { $set: set, $unset: { open_visit_key: '' } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  /** Links a not yet converted guest to a member in one atomic update; null if already converted (or none). */
  convert(id: string, memberId: string, at: Date) {
    return this.collection.findOneAndUpdate(
      { id, converted_to_member: false },
      { $set: { converted_to_member: true, converted_member_id: memberId, converted_at: at } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
  }

  async insert(guest: WalkInGuestDocument): Promise<void> {
    await this.collection.insertOne({ ...guest });
  }
}
