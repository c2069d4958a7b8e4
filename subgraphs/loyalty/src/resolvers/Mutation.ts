import { hasRoleOrPermission } from '@casino/auth';
import { auditedMember } from '../members/member-service';
import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  registerMember: (_, { input }, ctx) => ctx.services.members.register(input),
  creditGamingSession: (_, { input }, ctx) => ctx.services.points.creditGamingSession(input),
  redeemReward: (_, { input }, ctx) => ctx.services.points.redeem(input),
  cancelRedemption: (_, { id }, ctx) => ctx.services.points.cancelRedemption(id),
  adjustPoints: async (_, { input }, ctx) => {
    const { entry, before, after } = await ctx.services.points.adjust(input, ctx.identity);
    ctx.audit.setChanges(
      { memberId: entry.member_id, pointsBalance: before },
      { memberId: entry.member_id, pointsBalance: after, entry },
    );
    return entry;
  },
  createReward: (_, { input }, ctx) => ctx.services.rewards.create(input),
  updateReward: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.rewards.update(input);
    ctx.audit.setChanges(before, after);
    return after;
  },
  updateMember: async (_, { input }, ctx) => {
    const mayVerifyKyc = hasRoleOrPermission(ctx.identity, 'GeneralAdmin');
    const { before, after } = await ctx.services.memberAdmin.update(input, mayVerifyKyc);
    ctx.audit.setChanges(auditedMember(before), auditedMember(after));
    return after;
  },
  setSelfExclusion: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.memberAdmin.setSelfExclusion(input);
    ctx.audit.setChanges(auditedMember(before), auditedMember(after));
    return after;
  },
  runLoyaltyJobs: async (_, { now }, ctx) => {
    const { expiry, tierPeriod } = await ctx.services.jobs.run(now ?? new Date());
    return {
      ...expiry,
      tierPeriodEnd: tierPeriod.periodEnd,
      membersTierEvaluated: tierPeriod.membersEvaluated,
    };
  },
};
