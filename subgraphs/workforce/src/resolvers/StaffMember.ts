import type { StaffMemberResolvers } from '../__generated__/resolvers-types';

export const StaffMember: StaffMemberResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.staffMember.load(reference.id),
  manager: (staffMember, _, ctx) =>
    staffMember.manager_id ? ctx.loaders.staffMember.load(staffMember.manager_id) : null,
  directReports: (staffMember, _, ctx) => ctx.loaders.directReports.load(staffMember.id),
  trainingRecords: (staffMember, { first, after }, ctx) =>
    ctx.stores.trainingRecords.page({ staffMemberId: staffMember.id }, { first, after }, ctx.paging),
  performanceReviews: (staffMember, { first, after }, ctx) =>
    ctx.stores.reviews.page({ staffMemberId: staffMember.id }, { first, after }, ctx.paging),
};
