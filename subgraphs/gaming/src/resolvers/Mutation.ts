import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  startGamingSession: (_, { input }, ctx) => ctx.services.sessions.start(input, ctx.log),
  purchaseGamingPackage: (_, { input }, ctx) => ctx.services.purchases.purchase(input, ctx.log),
  endGamingSession: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.sessions.end(input);
    ctx.audit.setChanges(before, after);
    return after;
  },
  applyGamingRetention: async (_, { input }, ctx) => {
    const counts = await ctx.privacy.applyRetention(input);
    ctx.audit.setChanges(null, counts);
    return counts;
  },
  eraseGamingMemberData: async (_, { memberId }, ctx) => {
    const result = await ctx.privacy.eraseMember(memberId);
    ctx.audit.setChanges(null, { erased: true, ...result });
    return result;
  },
};
