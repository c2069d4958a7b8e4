import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  marketingCampaign: (_, { id }, ctx) => ctx.loaders.campaign.load(id),
  marketingCampaigns: (_, { filter, first, after }, ctx) =>
    ctx.services.campaigns.page(filter ?? {}, { first, after }, ctx.paging),
  marketingDashboard: (_, { range }, ctx) => ctx.services.dashboard.dashboard(range),
  previewCampaignAudience: (_, { id }, ctx) => ctx.services.previewCampaignAudience(id),
  customerAnalytics: (_, { memberId }, ctx) => ctx.loaders.analyticsByMember.load(memberId),
  walkInGuest: (_, { id }, ctx) => ctx.loaders.guest.load(id),
  walkInGuests: (_, { filter, first, after }, ctx) =>
    ctx.services.guests.page(filter ?? {}, { first, after }, ctx.paging),
  notification: (_, { id }, ctx) => ctx.loaders.notification.load(id),
  notifications: (_, { filter, first, after }, ctx) =>
    ctx.services.notifications.page(filter ?? {}, { first, after }, ctx.paging),
  notificationTemplate: (_, { id }, ctx) => ctx.loaders.template.load(id),
  notificationTemplates: (_, { filter, first, after }, ctx) =>
    ctx.services.templates.page(filter ?? {}, { first, after }, ctx.paging),
};
