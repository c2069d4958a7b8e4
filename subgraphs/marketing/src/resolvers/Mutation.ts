import { recomputeOnDemand } from '../analytics/recompute-job';
import { creatorOf } from '../departments';
import type { MutationResolvers } from '../__generated__/resolvers-types';
import type { WalkInGuestDocument } from '../guests/guest-store';

/**
 * A guest as the audit trail may keep it: neither the sealed document, nor its blind index, nor the
 * open-visit key built from that index.
 */
function auditedGuest(guest: WalkInGuestDocument) {
  const {
    open_visit_key: _openVisitKey,
    id_document: _sealed,
    id_document_index: _index,
    ...audited
  } = guest;
  return { ...audited, idDocument: '[protected]' };
}

export const Mutation: MutationResolvers = {
  registerWalkInGuest: async (_, { input }, ctx) => {
    const guest = await ctx.services.guests.register(input);
    // the identity document (sealed, indexed, or in the open-visit key) stays out of the audit trail
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
    // names the member, so the conversion is in the member's audit history too
    ctx.audit.setChanges(auditedGuest(before), {
      ...auditedGuest(after),
      memberId: after.converted_member_id,
    });
    return after;
  },

  sendNotification: async (_, { input }, ctx) => {
    const notification = await ctx.services.notifications.send(input);
    ctx.audit.setChanges(null, notification);
    return notification;
  },
  // audited like every mutation; the run itself is the record of what changed
  recomputeCustomerAnalytics: async (_, __, ctx) => {
    const run = await recomputeOnDemand(ctx.services.analytics);
    ctx.audit.setChanges(null, run);
    return run;
  },
  markNotificationRead: async (_, { id }, ctx) => {
    const { before, after } = await ctx.services.notifications.markRead(id);
    ctx.audit.setChanges(before, after);
    return after;
  },
  resealMarketingProtectedFields: (_, { batchSize }, ctx) => ctx.privacy.resealProtectedFields(batchSize),
  eraseMarketingMemberData: async (_, { memberId }, ctx) => {
    const result = await ctx.privacy.eraseMember(memberId);
    // counts only: no erased value goes into the audit trail
    ctx.audit.setChanges(null, { erased: true, ...result });
    return result;
  },
  applyMarketingRetention: async (_, { input }, ctx) => {
    const counts = await ctx.privacy.applyRetention(input);
    ctx.audit.setChanges(null, counts);
    return counts;
  },
};
