import { creatorOf } from '../departments';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import type { WalkInGuestDocument } from '../guests/guest-store';

/** A guest as the audit trail may keep it: the open-visit key embeds the document number. */
function auditedGuest(guest: WalkInGuestDocument) {
  const { open_visit_key: _openVisitKey, ...audited } = guest;
  return audited;
}

export const Mutation: MutationResolvers = {
  registerWalkInGuest: async (_, { input }, ctx) => {
    const guest = await ctx.services.guests.register(input);
    // the open-visit key embeds the document number, which the audit trail must not keep
    ctx.audit.setChanges(null, auditedGuest(guest));
    return guest;
  },
  createMarketingCampaign: (_, { input }, ctx) =>
    ctx.services.campaigns.create(input, creatorOf(ctx.identity)),
  createNotificationTemplate: (_, { input }, ctx) =>
    ctx.services.templates.create(input, creatorOf(ctx.identity)),

  updateCampaignStatus: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.campaigns.updateStatus(input.id, input.status);
    ctx.audit.setChanges(before, after);
    return after;
  },
  recordGuestExit: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.guests.recordExit(input);
    ctx.audit.setChanges(auditedGuest(before), auditedGuest(after));
    return after;
  },
  convertWalkInGuest: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.guests.convert(input);
    ctx.audit.setChanges(auditedGuest(before), auditedGuest(after));
    return after;
  },

  sendNotification: async (_, { input }, ctx) => {
    const notification = await ctx.services.notifications.send(input);
    ctx.audit.setChanges(null, notification);
    return notification;
  },
  markNotificationRead: async (_, { id }, ctx) => {
    const { before, after } = await ctx.services.notifications.markRead(id);
    ctx.audit.setChanges(before, after);
    return after;
  },
};
