import type { PerformanceReviewResolvers } from '../__generated__/resolvers-types';

export const PerformanceReview: PerformanceReviewResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.performanceReview.load(reference.id),
  staffMember: async (review, _, ctx) => (await ctx.loaders.staffMember.load(review.staff_member_id))!,
  reviewer: async (review, _, ctx) => (await ctx.loaders.staffMember.load(review.reviewer_id))!,
};
