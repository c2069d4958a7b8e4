import type { MemberResolvers } from '../__generated__/resolvers-types';

/** Loyalty's Member, extended with marketing's analytics; both fields share one batched load. */
export const Member: MemberResolvers = {
  __resolveReference: (reference) => ({ __typename: 'Member', id: reference.id }),
  analytics: (member, _, ctx) => ctx.loaders.analyticsByMember.load(member.id),
  segments: async (member, _, ctx) =>
    (await ctx.loaders.analyticsByMember.load(member.id))?.marketing_segments ?? [],
  walkInVisits: (member, _, ctx) => ctx.loaders.guestsByMember.load(member.id),
};
