import type { QueryResolvers } from '../__generated__/resolvers-types';
import type { MemberStore } from '../members/member-store';

/** Member figures compliance reads for its KYC rate and responsible-gaming checks. */
export interface ComplianceMemberCountsResult {
  memberCount: number;
  kycVerifiedCount: number;
  selfExcludedCount: number;
}

/** Service-only aggregates for compliance: counted in MongoDB, only figures (or the few ids asked for) leave. */
export class LoyaltyComplianceFeed {
  constructor(private readonly members: MemberStore) {}

  /** Three counts side by side (on mongo-java-server cheaper than one $group with conditional sums). */
  async memberCounts(): Promise<ComplianceMemberCountsResult> {
    const members = this.members.collection;
    const [memberCount, kycVerifiedCount, selfExcludedCount] = await Promise.all([
      members.countDocuments({}),
      members.countDocuments({ kyc_verified: true }),
      members.countDocuments({ self_excluded: true }),
    ]);
    return { memberCount, kycVerifiedCount, selfExcludedCount };
  }

  /** Ids of the self-excluded members, ordered. */
  async selfExcludedIds(): Promise<string[]> {
    const rows = await this.members.collection
      .find({ self_excluded: true }, { projection: { _id: 0, id: 1 } })
      .sort({ id: 1 })
      .toArray();
    return rows.map((r) => r.id);
  }
}

/** The Query resolvers of the feed (service only, see permissions.ts). */
export const complianceFeedQueries: Pick<QueryResolvers, 'complianceMemberCounts' | 'selfExcludedMemberIds'> =
  {
    complianceMemberCounts: (_, __, ctx) => new LoyaltyComplianceFeed(ctx.stores.members).memberCounts(),
    selfExcludedMemberIds: (_, __, ctx) => new LoyaltyComplianceFeed(ctx.stores.members).selfExcludedIds(),
  };
