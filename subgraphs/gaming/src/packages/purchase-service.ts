import { GraphQLError } from 'graphql';
import type { Collection, Db, Decimal128, IndexDescription } from 'mongodb';
import { z } from 'zod';
import { badUserInput, ErrorCode, validateInput } from '@casino/errors';
import { newId } from '@casino/mongo';
import type { LoyaltyMembers } from '../members/loyalty-members';
import { toCents } from '../money';
import type { GamingPackageStore } from './package-store';

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

export type PackagePurchaseStatus = 'active' | 'used' | 'expired';

export const PACKAGE_PURCHASES = 'package_purchases';

export const packagePurchaseIndexes: IndexDescription[] = [
  { key: { id: 1 }, name: 'id_1', unique: true },
  // a member's purchases still valid, newest expiry first (Member.gamingPackages)
  { key: { member_id: 1, expires_at: -1 }, name: 'member_id_1_expires_at_-1' },
];

/** Expired once the validity has run out (whatever credits are left), used up once nothing is left. */
export function purchaseStatus(purchase: PackagePurchaseDocument, now = new Date()): PackagePurchaseStatus {
  if (purchase.expires_at.getTime() <= now.getTime()) return 'expired';
  return toCents(purchase.credits_remaining) > 0n ? 'active' : 'used';
}

const purchaseSchema = z.object({
  memberId: z.uuid('is not a member id'),
  packageId: z.uuid('is not a package id'),
});

export type PurchaseGamingPackageInput = z.input<typeof purchaseSchema>;

const forbidden = (message: string, field: string) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden, field } });

export class PackagePurchaseService {
  readonly collection: Collection<PackagePurchaseDocument>;

  constructor(
    db: Db,
    private readonly packages: GamingPackageStore,
    private readonly members: LoyaltyMembers,
  ) {
    this.collection = db.collection<PackagePurchaseDocument>(PACKAGE_PURCHASES);
  }

  /**
   * Sells an active package to a member whose tier (as loyalty has it now) the package allows. One insert;
   * every refusal writes nothing.
   */
  async purchase(rawInput: PurchaseGamingPackageInput, now = new Date()): Promise<PackagePurchaseDocument> {
    const input = validateInput(purchaseSchema, rawInput);
    const pkg = await this.packages.collection.findOne({ id: input.packageId }, { projection: { _id: 0 } });
    if (!pkg) throw badUserInput('input.packageId', `no gaming package has the id ${input.packageId}`);
    if (!pkg.is_active) throw badUserInput('input.packageId', `${pkg.name} is no longer on sale`);
    const member = await this.members.find(input.memberId);
    if (!member) throw badUserInput('input.memberId', `no member has the id ${input.memberId}`);
    if (member.selfExcluded) {
      throw forbidden('The member is self-excluded and cannot buy gaming packages', 'input.memberId');
    }
    if (!member.isActive) {
      throw forbidden('The member is inactive and cannot buy gaming packages', 'input.memberId');
    }
    if (!pkg.tier_access.includes(member.tier)) {
      throw forbidden(
        `${pkg.name} is for ${pkg.tier_access.join(', ')} members; this member is ${member.tier}`,
        'input.packageId',
      );
    }
    const purchase: PackagePurchaseDocument = {
      id: newId(),
      member_id: member.id,
      package_id: pkg.id,
      package_name: pkg.name,
      price: pkg.price,
      credits_total: pkg.credits,
      credits_remaining: pkg.credits,
      purchased_at: now,
      expires_at: new Date(now.getTime() + pkg.validity_hours * 3_600_000),
    };
    await this.collection.insertOne({ ...purchase });
    return purchase;
  }
}
