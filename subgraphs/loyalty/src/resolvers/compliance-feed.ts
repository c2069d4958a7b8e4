import type { QueryResolvers } from '../__generated__/resolvers-types';

/** The Query resolvers of the feed (service only, see permissions.ts). */
export const complianceFeedQueries: Pick<
  QueryResolvers,
  | 'complianceMemberCounts'
  | 'selfExcludedMemberIds'
  | 'selfExclusionsInEffect'
  | 'membersWithExpiringDocuments'
> = {
  complianceMemberCounts: (_, __, ctx) => ctx.services.complianceFeed.memberCounts(),
  selfExcludedMemberIds: (_, __, ctx) => ctx.services.complianceFeed.selfExcludedIds(),
  selfExclusionsInEffect: (_, { from, to }, ctx) => ctx.services.selfExclusions.inEffectDuring(from, to),
  membersWithExpiringDocuments: (_, { before, first, after }, ctx) =>
    ctx.services.complianceFeed.expiringDocuments(before, first, after),
};
