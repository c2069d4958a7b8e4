import type { ServiceClient } from '@casino/auth';
import { serviceUnavailable } from '@casino/errors';
import { MemberMarketingStatusDocument } from '@casino/loyalty/operations';
import type { MemberMarketingStatusQuery } from '@casino/loyalty/operations';

/** What marketing must know about a member before sending them marketing. */
export type MemberMarketingStatus = NonNullable<MemberMarketingStatusQuery['member']>;

/** Looks a member up; null when loyalty has no such member. */
export type MemberMarketingLookup = (memberId: string) => Promise<MemberMarketingStatus | null>;

/**
 * Asks loyalty, which owns members, as marketing's service identity. Without an answer nothing is sent:
 * SERVICE_UNAVAILABLE (fail closed), the caller may retry.
 */
export function loyaltyMemberLookup(loyalty: ServiceClient): MemberMarketingLookup {
  return async (memberId) => {
    try {
      const data = await loyalty.request(MemberMarketingStatusDocument, { id: memberId });
      return data.member;
    } catch (error) {
      throw serviceUnavailable('Loyalty could not be reached to check marketing consent; try again shortly', {
        cause: error,
      });
    }
  };
}
