import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  registerMember: (_, { input }, ctx) => ctx.services.members.register(input),
};
