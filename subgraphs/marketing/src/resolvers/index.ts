import { scalarResolvers } from '@casino/graphql';
import type { Resolvers } from '../__generated__/resolvers-types';
import { adminUserReference, memberReference } from '../references';
import { Member } from './Member';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { WalkInGuest } from './WalkInGuest';
import { deadLetterMutation, deadLetterQuery } from './dead-letters';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...Query, ...deadLetterQuery },
  Mutation: { ...Mutation, ...deadLetterMutation },
  Member,
  WalkInGuest,
  MarketingCampaign: {
    __resolveReference: (reference, ctx) => ctx.loaders.campaign.load(reference.id),
    createdBy: (campaign) => adminUserReference(campaign.created_by),
  },
  CampaignAudiencePreview: {
    estimatedReach: (preview) => preview.campaign.estimated_reach,
    excludedSelfExcluded: (preview) => preview.excluded.selfExcluded,
    sample: (preview) => preview.sampleMemberIds.map((id) => memberReference(id)!),
  },
  CustomerAnalytics: {
    __resolveReference: (reference, ctx) => ctx.loaders.analytics.load(reference.id),
    member: (analytics) => memberReference(analytics.member_id)!,
  },
  Notification: {
    __resolveReference: (reference, ctx) => ctx.loaders.notification.load(reference.id),
    template: (notification, _, ctx) =>
      notification.template_id ? ctx.loaders.template.load(notification.template_id) : null,
    statusHistory: (notification) =>
      (notification.status_history ?? []).map((change) => ({ ...change, reason: change.reason ?? null })),
    deliveries: (notification) => notification.deliveries ?? [],
  },
  NotificationTemplate: {
    __resolveReference: (reference, ctx) => ctx.loaders.template.load(reference.id),
    createdBy: (template) => adminUserReference(template.created_by),
  },
};
