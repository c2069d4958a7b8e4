import type { Filter } from 'mongodb';
import { badUserInput } from '@casino/errors';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import type { MemberDocument, MemberStore } from '../members/member-store';

/** The most members one page of `membersWithExpiringDocuments` may ask for. */
export const EXPIRING_DOCUMENTS_MAX_PAGE = 1_000;

export interface ExpiringDocumentMemberResult {
  memberId: string;
  documentExpiry: Date;
  kycVerified: boolean;
}

export interface ExpiringDocumentPageResult {
  members: ExpiringDocumentMemberResult[];
  endCursor: string | null;
  hasNextPage: boolean;
}

/** The position after a member in (document_expiry, id) order, opaque to the caller. */
function expiryCursor(expiry: Date, id: string): string {
  return Buffer.from(JSON.stringify([expiry.toISOString(), id])).toString('base64url');
}

function parseExpiryCursor(cursor: string): { expiry: Date; id: string } {
  try {
    const [iso, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const expiry = new Date(String(iso));
    if (typeof iso === 'string' && typeof id === 'string' && !Number.isNaN(expiry.getTime()))
      return { expiry, id };
  } catch {
    // falls through to the error below
  }
  throw badUserInput('after', 'is not a cursor of this query');
}

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

  /**
   * Active members whose identity document expires before `before` (expired ones included), by expiry then id,
   * one bounded page per call (one query: a row more than asked tells whether another page follows).
   */
  async expiringDocuments(
    before: Date,
    first: number,
    after?: string | null,
  ): Promise<ExpiringDocumentPageResult> {
    if (!Number.isInteger(first) || first < 1 || first > EXPIRING_DOCUMENTS_MAX_PAGE) {
      throw badUserInput('first', `must be between 1 and ${EXPIRING_DOCUMENTS_MAX_PAGE}`);
    }
    const filter: Filter<MemberDocument> = { is_active: true, document_expiry: { $lt: before } };
    if (after != null) {
      const position = parseExpiryCursor(after);
      filter.$or = [
        { document_expiry: { $gt: position.expiry, $lt: before } },
        { document_expiry: position.expiry, id: { $gt: position.id } },
      ];
    }
    const rows = await this.members.collection
      .find(filter, { projection: { _id: 0, id: 1, document_expiry: 1, kyc_verified: 1 } })
      .sort({ document_expiry: 1, id: 1 })
      .limit(first + 1)
      .toArray();
    const page = rows.slice(0, first);
    const last = page.at(-1);
    return {
      members: page.map((m) => ({
        memberId: m.id,
        documentExpiry: m.document_expiry!,
        kycVerified: m.kyc_verified,
      })),
      endCursor: last ? expiryCursor(last.document_expiry!, last.id) : null,
      hasNextPage: rows.length > first,
    };
  }
}

/** The Query resolvers of the feed (service only, see permissions.ts). */
export const complianceFeedQueries: Pick<
  QueryResolvers,
  'complianceMemberCounts' | 'selfExcludedMemberIds' | 'membersWithExpiringDocuments'
> = {
  complianceMemberCounts: (_, __, ctx) => new LoyaltyComplianceFeed(ctx.stores.members).memberCounts(),
  selfExcludedMemberIds: (_, __, ctx) => new LoyaltyComplianceFeed(ctx.stores.members).selfExcludedIds(),
  membersWithExpiringDocuments: (_, { before, first, after }, ctx) =>
    new LoyaltyComplianceFeed(ctx.stores.members).expiringDocuments(before, first, after),
};
