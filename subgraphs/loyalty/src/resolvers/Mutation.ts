import { hasRoleOrPermission, isAdmin } from '@casino/auth';
import type { Identity } from '@casino/auth';
import { auditedMember, auditedNewMember } from '../members/member-service';
import { auditedSelfExclusion } from '../exclusions/self-exclusion-service';
import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  registerMember: async (_, { input }, ctx) => {
    const member = await ctx.services.members.register(input);
    // neither the sealed document nor its blind index goes into the audit trail
    ctx.audit.setChanges(null, auditedNewMember(member));
    return member;
  },
  registerMemberFromWalkIn: async (_, { walkInGuestId, input }, ctx) => {
    const member = await ctx.services.members.registerFromWalkIn(walkInGuestId, input);
    ctx.audit.setChanges(null, auditedNewMember(member));
    return member;
  },
  creditGamingSession: (_, { input }, ctx) => ctx.services.sessionCredits.credit(input, ctx.log),
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
    const { before, after, period } = await ctx.services.selfExclusions.setSelfExclusion(
      input,
      actorOf(ctx.identity),
    );
    ctx.audit.setChanges(auditedMember(before), {
      ...auditedMember(after),
      ...(period ? { period: auditedSelfExclusion(period) } : {}),
    });
    return after;
  },
  recordSelfExclusion: async (_, { input }, ctx) => {
    const { before, after, period } = await ctx.services.selfExclusions.record(input, actorOf(ctx.identity));
    // names the member: the mutation returns the period, and the member's history must hold it
    ctx.audit.setChanges(auditedMember(before), {
      memberId: after.id,
      ...auditedMember(after),
      period: auditedSelfExclusion(period),
    });
    return period;
  },
  reinstateMember: async (_, { memberId }, ctx) => {
    const { before, after } = await ctx.services.selfExclusions.reinstate(memberId, actorOf(ctx.identity));
    ctx.audit.setChanges(auditedMember(before), auditedMember(after));
    return after;
  },
  runLoyaltyJobs: async (_, { now }, ctx) => {
    const { expiry, tierPeriod, selfExclusionsFinished } = await ctx.services.jobs.run(now ?? new Date());
    return {
      selfExclusionsFinished,
      ...expiry,
      tierPeriodEnd: tierPeriod.periodEnd,
      membersTierEvaluated: tierPeriod.membersEvaluated,
    };
  },
  resealLoyaltyProtectedFields: (_, { batchSize }, ctx) => ctx.privacy.resealProtectedFields(batchSize),
  eraseLoyaltyMemberData: async (_, { memberId }, ctx) => {
    const result = await ctx.privacy.eraseMember(memberId);
    // counts only: neither the old nor the new personal values go into the audit trail
    ctx.audit.setChanges(null, { erased: true, ...result });
    return result;
  },
  applyLoyaltyRetention: async (_, { input }, ctx) => {
    const counts = await ctx.privacy.applyRetention(input);
    ctx.audit.setChanges(null, counts);
    return counts;
  },
};

/** Who made a change, as the self-exclusion history records it: the admin's user id. */
function actorOf(identity: Identity): string {
  return isAdmin(identity)
    ? identity.userId
    : `service:${identity.kind === 'service' ? identity.service : 'anonymous'}`;
}
