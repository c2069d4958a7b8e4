import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createStaffMember: (_, { input }, ctx) => ctx.services.staff.create(input),
  // the course is credited to the signed-in admin unless the input names someone
  createTrainingCourse: (_, { input }, ctx) =>
    ctx.services.courses.create({
      ...input,
      createdBy: input.createdBy ?? (ctx.identity.kind === 'admin' ? ctx.identity.userId : null),
    }),
};
