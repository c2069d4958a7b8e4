import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  staffMember: (_, { id }, ctx) => ctx.loaders.staffMember.load(id),
  staffMembers: (_, { filter, first, after }, ctx) =>
    ctx.stores.staff.page(filter ?? {}, { first, after }, ctx.paging),
  trainingCourse: (_, { id }, ctx) => ctx.loaders.course.load(id),
  trainingCourses: (_, { filter, first, after }, ctx) =>
    ctx.stores.courses.page(filter ?? {}, { first, after }, ctx.paging),
  trainingRecord: (_, { id }, ctx) => ctx.loaders.trainingRecord.load(id),
  trainingRecords: (_, { filter, first, after }, ctx) =>
    ctx.stores.trainingRecords.page(filter ?? {}, { first, after }, ctx.paging),
  performanceReview: (_, { id }, ctx) => ctx.loaders.performanceReview.load(id),
  performanceReviews: (_, { filter, first, after }, ctx) =>
    ctx.stores.reviews.page(filter ?? {}, { first, after }, ctx.paging),
};
