import type { MemberResolvers } from '../__generated__/resolvers-types';
import type { MemberReference } from '../members/member-compliance';

export const Member: MemberResolvers = {
  // the router sends the @requires fields (kycVerified, selfExcluded) along with the key
  __resolveReference: (reference) => {
    const { id, kycVerified, selfExcluded } = reference as typeof reference & MemberReference;
    return { id, kycVerified, selfExcluded };
  },
  complianceStatus: async (member, _, ctx) => {
    const stats = await ctx.loaders.memberViolations.load(member.id);
    return {
      kycVerified: member.kycVerified,
      selfExcluded: member.selfExcluded,
      amlFlagged: stats.amlFlagged,
      openViolations: stats.openViolations,
      lastReportedAt: stats.lastReportedAt,
    };
  },
};
