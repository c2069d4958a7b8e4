import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { badUserInput, ErrorCode, validateInput } from '@casino/errors';
import type { Logger } from '@casino/logger';
import { newId, toCents } from '@casino/mongo';
import type { PageArgs, PagingConfig } from '@casino/mongo';
import type { LoyaltyMembers } from '../members/loyalty-members';
import type { GamingPackageFilterInput, GamingPackageStore } from './package-store';
import type { PackagePurchaseDocument, PackagePurchaseStore } from './purchase-store';

export type PackagePurchaseStatus = 'active' | 'used' | 'expired';

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
  constructor(
    private readonly purchases: PackagePurchaseStore,
    private readonly packages: GamingPackageStore,
    private readonly members: LoyaltyMembers,
  ) {}

  /** A page of the packages on offer (or withdrawn), newest first. */
  packagePage(filter: GamingPackageFilterInput, args: PageArgs, paging: PagingConfig) {
    return this.packages.page(filter, args, paging);
  }

  /**
   * Sells an active package to a member whose tier (as loyalty has it now) the package allows. One insert;
   * every refusal writes nothing.
   */
  async purchase(
    rawInput: PurchaseGamingPackageInput,
    log?: Logger,
    now = new Date(),
  ): Promise<PackagePurchaseDocument> {
    const input = validateInput(purchaseSchema, rawInput);
    const pkg = await this.packages.findById(input.packageId);
    if (!pkg) throw badUserInput('input.packageId', `no gaming package has the id ${input.packageId}`);
    if (!pkg.is_active) throw badUserInput('input.packageId', `${pkg.name} is no longer on sale`);
    const member = await this.members.find(input.memberId, log);
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
    await this.purchases.insert(purchase);
    return purchase;
  }
}
