import type { QueryResolvers } from '../__generated__/resolvers-types';
import type { WorkforceContext } from '../context';
import { scopedStaffFilter, staffDepartmentScope } from '../staff/scope';

/** For Managers and Supervisors, the staff whose training records and reviews they may list. */
async function staffInScope(ctx: WorkforceContext): Promise<string[] | undefined> {
  const department = staffDepartmentScope(ctx.identity);
  return department === null ? undefined : ctx.stores.staff.idsInDepartment(department);
}

export const Query: QueryResolvers = {
  staffMember: (_, { id }, ctx) => ctx.loaders.staffMember.load(id),
  staffMembers: (_, { filter, first, after }, ctx) =>
    ctx.stores.staff.page(scopedStaffFilter(filter ?? {}, ctx.identity), { first, after }, ctx.paging),
  trainingCourse: (_, { id }, ctx) => ctx.loaders.course.load(id),
  trainingCourses: (_, { filter, first, after }, ctx) =>
    ctx.stores.courses.page(filter ?? {}, { first, after }, ctx.paging),
  trainingRecord: (_, { id }, ctx) => ctx.loaders.trainingRecord.load(id),
  trainingRecords: async (_, { filter, first, after }, ctx) =>
    ctx.stores.trainingRecords.page(
      { ...filter, staffMemberIds: await staffInScope(ctx) },
      { first, after },
      ctx.paging,
    ),
  overdueTraining: (_, { department }, ctx) => ctx.services.training.overdue(department),
  workforceDashboard: (_, { range }, ctx) =>
    ctx.services.dashboard.dashboard(range, staffDepartmentScope(ctx.identity)),
  performanceReview: (_, { id }, ctx) => ctx.loaders.performanceReview.load(id),
  performanceReviews: async (_, { filter, first, after }, ctx) =>
    ctx.stores.reviews.page(
      { ...filter, staffMemberIds: await staffInScope(ctx) },
      { first, after },
      ctx.paging,
    ),
};
