import type { ServiceClient } from '@casino/auth';
import { serviceUnavailable } from '@casino/errors';

/** What marketing must know about a member before sending them marketing. */
export interface MemberMarketingStatus {
  marketingConsent: boolean;
  selfExcluded: boolean;
}

/** Looks a member up; null when loyalty has no such member. */
export type MemberMarketingLookup = (memberId: string) => Promise<MemberMarketingStatus | null>;

const MEMBER_STATUS = /* GraphQL */ `
  query MemberMarketingStatus($id: ID!) {
    member(id: $id) {
      marketingConsent
      selfExcluded
    }
  }
`;

/**
 * Asks loyalty, which owns members, as marketing's service identity. Without an answer nothing is sent:
 * SERVICE_UNAVAILABLE (fail closed), the caller may retry.
 */
export function loyaltyMemberLookup(loyalty: ServiceClient): MemberMarketingLookup {
  return async (memberId) => {
    try {
      const data = await loyalty.request<{ member: MemberMarketingStatus | null }>(MEMBER_STATUS, {
        id: memberId,
      });
      return data.member;
    } catch (error) {
      throw serviceUnavailable('Loyalty could not be reached to check marketing consent; try again shortly', {
        cause: error,
      });
    }
  };
}
