import type { Collection, Db, IndexDescription } from 'mongodb';

/**
 * Members erased on request (PDPA right to erasure), one document per member. Anything that derives
 * per-member data (the customer analytics job) must skip the members listed here: loyalty still answers for
 * them (inactive, without consent) and gaming keeps their sessions, so they would otherwise be recreated.
 */
export const ERASED_MEMBERS = 'erased_members';

export interface ErasedMemberDocument {
  member_id: string;
  erased_at: Date;
}

export const erasedMemberIndexes: IndexDescription[] = [
  { key: { member_id: 1 }, name: 'member_id_1', unique: true },
];

/** What replaces erased free text (notification titles and contents, delivery errors). */
export const ERASED_TEXT = '[erased]';
/** What an erased member's converted walk-in guest records are called instead of their names. */
export const ERASED_GUEST = { firstName: 'Erased', lastName: 'Guest', nationality: '[erased]' } as const;

export class ErasedMemberStore {
  private readonly collection: Collection<ErasedMemberDocument>;

  constructor(db: Db) {
    this.collection = db.collection<ErasedMemberDocument>(ERASED_MEMBERS);
  }

  /** Lists the member as erased (the first erasure's time is kept). */
  async record(memberId: string, at: Date): Promise<void> {
    await this.collection.updateOne(
      { member_id: memberId },
      { $setOnInsert: { member_id: memberId, erased_at: at } },
      { upsert: true },
    );
  }

  /** Members among `ids` erased on request (one find). */
  async erasedAmong(ids: string[]): Promise<Set<string>> {
    const rows = await this.collection
      .find({ member_id: { $in: ids } }, { projection: { _id: 0, member_id: 1 } })
      .toArray();
    return new Set(rows.map((row) => row.member_id));
  }
}
