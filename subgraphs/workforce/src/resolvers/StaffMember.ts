import { inDepartmentScope } from '@casino/auth';
import type { StaffMemberResolvers } from '../__generated__/resolvers-types';

export const StaffMember: StaffMemberResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.staffMember.load(reference.id),
  manager: (staffMember, _, ctx) =>
    staffMember.manager_id ? ctx.loaders.staffMember.load(staffMember.manager_id) : null,
  // only the reports the caller may read (a department head's manager has reports in every department), so
  // one report outside a Manager's department does not turn the whole list into a FORBIDDEN error
  directReports: async (staffMember, _, ctx) =>
    (await ctx.loaders.directReports.load(staffMember.id)).filter((report) =>
      inDepartmentScope(ctx.identity, report.department),
    ),
  trainingRecords: (staffMember, { first, after }, ctx) =>
    ctx.stores.trainingRecords.page({ staffMemberId: staffMember.id }, { first, after }, ctx.paging),
  performanceReviews: (staffMember, { first, after }, ctx) =>
    ctx.stores.reviews.page({ staffMemberId: staffMember.id }, { first, after }, ctx.paging),
};
