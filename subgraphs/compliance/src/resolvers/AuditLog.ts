import type { AuditLogResolvers } from '../__generated__/resolvers-types';

export const AuditLog: AuditLogResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.auditLog.load(reference.id),
  actor: (entry, _, ctx) => (entry.admin_user_id ? ctx.loaders.adminUser.load(entry.admin_user_id) : null),
};
