import { scalarResolvers } from '@casino/graphql';
import type { Resolvers } from '../__generated__/resolvers-types';
import { Member } from './Member';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { deadLetterMutation, deadLetterQuery } from './dead-letters';
import { HostedMember, hostMutations, StaffMember } from './hosts';
import {
  Comp,
  CompChange,
  compMutations,
  compQueries,
  LedgerCheck,
  LoyaltyDashboard,
  TierReinvestment,
} from './comps';
import {
  VipExperience,
  VipExperienceChange,
  vipExperienceMutations,
  vipExperienceQueries,
} from './vip-experiences';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...Query, ...deadLetterQuery, ...compQueries, ...vipExperienceQueries },
  Mutation: {
    ...Mutation,
    ...deadLetterMutation,
    ...compMutations,
    ...vipExperienceMutations,
    ...hostMutations,
  },
  Member,
  Comp,
  CompChange,
  LedgerCheck,
  LoyaltyDashboard,
  TierReinvestment,
  VipExperience,
  VipExperienceChange,
  StaffMember,
  HostedMember,
  Reward: {
    __resolveReference: (reference, ctx) => ctx.loaders.reward.load(reference.id),
  },
  RewardRedemption: {
    __resolveReference: (reference, ctx) => ctx.loaders.redemption.load(reference.id),
    member: async (redemption, _, ctx) => (await ctx.loaders.member.load(redemption.member_id))!,
    reward: async (redemption, _, ctx) => (await ctx.loaders.reward.load(redemption.reward_id))!,
  },
  SelfExclusion: {
    member: async (period, _, ctx) => (await ctx.loaders.member.load(period.member_id))!,
  },
  TopReward: {
    reward: async (top, _, ctx) => (await ctx.loaders.reward.load(top.rewardId))!,
  },
  PointsLedgerEntry: {
    __resolveReference: (reference, ctx) => ctx.services.points.ledgerEntry(reference.id),
    member: async (entry, _, ctx) => (await ctx.loaders.member.load(entry.member_id))!,
  },
};
