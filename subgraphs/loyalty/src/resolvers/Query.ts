import type { QueryResolvers } from '../__generated__/resolvers-types';
import { complianceFeedQueries } from './compliance-feed';
import { memberPageProjection } from './Member';

export const Query: QueryResolvers = {
  ...complianceFeedQueries,
  member: (_, { id }, ctx) => ctx.loaders.member.load(id),
  members: (_, { filter, first, after }, ctx, info) =>
    ctx.services.members.page(filter ?? {}, { first, after }, ctx.paging, memberPageProjection(info)),
  reward: (_, { id }, ctx) => ctx.loaders.reward.load(id),
  rewards: (_, { filter, first, after }, ctx) =>
    ctx.services.rewards.page(filter ?? {}, { first, after }, ctx.paging),
  rewardRedemption: (_, { id }, ctx) => ctx.loaders.redemption.load(id),
  rewardRedemptions: (_, { filter, first, after }, ctx) =>
    ctx.services.points.redemptionPage(filter ?? {}, { first, after }, ctx.paging),
  pointsLedgerEntry: (_, { id }, ctx) => ctx.services.points.ledgerEntry(id),
  pointsLedgerEntries: (_, { filter, first, after }, ctx) =>
    ctx.services.points.ledgerPage(filter ?? {}, { first, after }, ctx.paging),
  loyaltyDashboard: (_, { range }, ctx) => ctx.services.dashboard.dashboard(range),
  memberLedgerCheck: (_, { memberId }, ctx) => ctx.services.points.check(memberId),
};
