import type { QueryResolvers } from '../__generated__/resolvers-types';
import { staffDepartmentScope } from '../staff/scope';

export const Query: QueryResolvers = {
  staffMember: (_, { id }, ctx) => ctx.loaders.staffMember.load(id),
  staffMembers: (_, { filter, first, after }, ctx) =>
    ctx.services.staff.page(filter ?? {}, ctx.identity, { first, after }, ctx.paging),
  trainingCourse: (_, { id }, ctx) => ctx.loaders.course.load(id),
  trainingCourses: (_, { filter, first, after }, ctx) =>
    ctx.services.courses.page(filter ?? {}, { first, after }, ctx.paging),
  trainingRecord: (_, { id }, ctx) => ctx.loaders.trainingRecord.load(id),
  trainingRecords: (_, { filter, first, after }, ctx) =>
    ctx.services.training.recordPage(filter ?? {}, ctx.identity, { first, after }, ctx.paging),
  overdueTraining: (_, { department }, ctx) => ctx.services.training.overdue(department),
  workforceDashboard: (_, { range }, ctx) =>
    ctx.services.dashboard.dashboard(range, staffDepartmentScope(ctx.identity)),
  hostCandidate: async (_, { id }, ctx) => {
    const staff = await ctx.loaders.staffMember.load(id);
    return staff
      ? { id: staff.id, active: staff.employment_status === 'active', department: staff.department }
      : null;
  },
  performanceReview: (_, { id }, ctx) => ctx.loaders.performanceReview.load(id),
  performanceReviews: (_, { filter, first, after }, ctx) =>
    ctx.services.reviews.page(filter ?? {}, ctx.identity, { first, after }, ctx.paging),
};
