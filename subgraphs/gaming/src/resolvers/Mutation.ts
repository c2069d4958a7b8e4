import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  startGamingSession: (_, { input }, ctx) => ctx.services.sessions.start(input),
};
