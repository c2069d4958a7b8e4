import type { ServiceClient } from '@casino/auth';
import { serviceUnavailable } from '@casino/errors';
import type { Logger } from '@casino/logger';
import { GamingMemberCheckDocument } from '@casino/loyalty/operations';
import type { GamingMemberCheckQuery } from '@casino/loyalty/operations';

/** What gaming needs to know about a member before seating them or selling them a package. */
export type LoyaltyMember = NonNullable<GamingMemberCheckQuery['member']>;

/** Members as loyalty knows them. Any failure to get an answer fails closed with SERVICE_UNAVAILABLE. */
export class LoyaltyMembers {
  constructor(private readonly loyalty: ServiceClient) {}

  /** `log` is the asking request's logger, where a failed check is reported. */
  async find(id: string, log?: Logger): Promise<LoyaltyMember | null> {
    try {
      const data = await this.loyalty.request(GamingMemberCheckDocument, { id });
      return data.member;
    } catch (error) {
      log?.warn({ err: error, memberId: id }, 'loyalty member check failed');
      throw serviceUnavailable('Loyalty could not be reached to check the member; try again shortly', {
        cause: error,
      });
    }
  }
}
