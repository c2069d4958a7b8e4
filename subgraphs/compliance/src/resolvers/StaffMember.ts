import type { StaffMemberResolvers } from '../__generated__/resolvers-types';

export const StaffMember: StaffMemberResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  adminAccount: (staff, _, ctx) => ctx.loaders.adminUserByStaffMember.load(staff.id),
};
