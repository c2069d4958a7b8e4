import { creatorOf } from '../departments';
import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  registerWalkInGuest: async (_, { input }, ctx) => {
    const guest = await ctx.services.guests.register(input);
    // the open-visit key embeds the document number, which the audit trail must not keep
    const { open_visit_key: _openVisitKey, ...audited } = guest;
    ctx.audit.setChanges(null, audited);
    return guest;
  },
  createMarketingCampaign: (_, { input }, ctx) =>
    ctx.services.campaigns.create(input, creatorOf(ctx.identity)),
  createNotificationTemplate: (_, { input }, ctx) =>
    ctx.services.templates.create(input, creatorOf(ctx.identity)),
};
