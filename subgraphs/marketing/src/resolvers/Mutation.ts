import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  registerWalkInGuest: (_, { input }, ctx) => ctx.services.guests.register(input),
  createMarketingCampaign: (_, { input }, ctx) => ctx.services.campaigns.create(input),
  createNotificationTemplate: (_, { input }, ctx) => ctx.services.templates.create(input),
};
