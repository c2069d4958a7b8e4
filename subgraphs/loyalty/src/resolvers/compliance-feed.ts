import type { QueryResolvers } from '../__generated__/resolvers-types';

/** The Query resolvers of the feed (service only, see permissions.ts). */
export const complianceFeedQueries: Pick<
  QueryResolvers,
  'complianceMemberCounts' | 'selfExcludedMemberIds' | 'membersWithExpiringDocuments'
> = {
  complianceMemberCounts: (_, __, ctx) => ctx.services.complianceFeed.memberCounts(),
  selfExcludedMemberIds: (_, __, ctx) => ctx.services.complianceFeed.selfExcludedIds(),
  membersWithExpiringDocuments: (_, { before, first, after }, ctx) =>
    ctx.services.complianceFeed.expiringDocuments(before, first, after),
};
