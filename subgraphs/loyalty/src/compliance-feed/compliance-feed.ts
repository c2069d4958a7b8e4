import { badUserInput } from '@casino/errors';
import type { MemberStore } from '../members/member-store';

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

  memberCounts(): Promise<ComplianceMemberCountsResult> {
    return this.members.complianceCounts();
  }

  /** Ids of the self-excluded members, ordered. */
  selfExcludedIds(): Promise<string[]> {
    return this.members.selfExcludedIds();
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
    const position = after != null ? parseExpiryCursor(after) : null;
    const rows = await this.members.expiringDocuments(before, position, first + 1);
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
