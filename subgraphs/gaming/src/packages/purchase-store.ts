import type DataLoader from 'dataloader';
import type { Collection, Db, Decimal128, IndexDescription } from 'mongodb';
import { createManyByKeyLoader } from '@casino/mongo';

/** A package a member bought: prepaid credits usable until `expires_at`. */
export interface PackagePurchaseDocument {
  id: string;
  member_id: string;
  package_id: string;
  /** The package's name when it was bought */
  package_name: string;
  price: Decimal128;
  credits_total: Decimal128;
  credits_remaining: Decimal128;
  purchased_at: Date;
  expires_at: Date;
}

export const PACKAGE_PURCHASES = 'package_purchases';

export const packagePurchaseIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  // a member's purchases still valid, newest expiry first (Member.gamingPackages)
  { key: { member_id: 1, expires_at: -1 }, name: 'member_id_1_expires_at_-1' },
];

export class PackagePurchaseStore {
  private readonly collection: Collection<PackagePurchaseDocument>;

  constructor(db: Db) {
    this.collection = db.collection<PackagePurchaseDocument>(PACKAGE_PURCHASES);
  }

  async insert(purchase: PackagePurchaseDocument): Promise<void> {
    await this.collection.insertOne({ ...purchase });
  }

  countByMember(memberId: string): Promise<number> {
    return this.collection.countDocuments({ member_id: memberId });
  }

  /**
   * Each member's purchases, soonest expiry first, one `find` per batch: those still valid at `validAt`, or
   * all of them when it is null.
   */
  byMemberLoader(validAt: Date | null): DataLoader<string, PackagePurchaseDocument[]> {
    return createManyByKeyLoader(this.collection, 'member_id', {
      ...(validAt ? { filter: { expires_at: { $gt: validAt } } } : {}),
      sort: { member_id: 1, expires_at: 1, id: 1 },
    });
  }
}
