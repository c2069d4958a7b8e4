import type { MutationResolvers } from '../__generated__/resolvers-types';

export const Mutation: MutationResolvers = {
  createStaffMember: (_, { input }, ctx) => ctx.services.staff.create(input),
  createTrainingCourse: (_, { input }, ctx) => ctx.services.courses.create(input),
};
