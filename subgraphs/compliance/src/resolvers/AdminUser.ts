import type { AdminUserResolvers } from '../__generated__/resolvers-types';

export const AdminUser: AdminUserResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.adminUser.load(reference.id),
  staffMember: (admin) => (admin.staff_member_id ? { id: admin.staff_member_id } : null),
};
