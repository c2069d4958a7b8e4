import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createStaffMember: (_, { input }, ctx) => ctx.services.staff.create(input),
  // the course is credited to the signed-in admin unless the input names someone
  createTrainingCourse: (_, { input }, ctx) =>
    ctx.services.courses.create({
      ...input,
      createdBy: input.createdBy ?? (ctx.identity.kind === 'admin' ? ctx.identity.userId : null),
    }),
  updateStaffMember: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.staff.update(input);
    ctx.audit.setChanges(before, after);
    return after;
  },
  recordTrainingCompletion: async (_, { input }, ctx) => {
    const { before, after } = await ctx.services.training.recordCompletion(input);
    ctx.loaders.staffMember.clear(after.staff_member_id);
    ctx.audit.setChanges(before, after);
    return after;
  },
  createPerformanceReview: async (_, { input }, ctx) => {
    const { review, staffMember } = await ctx.services.reviews.create(input);
    ctx.loaders.staffMember.clear(staffMember.id).prime(staffMember.id, staffMember);
    return review;
  },
};
