import { camelCaseKeys } from '@casino/audit';
import type { AuditLogResolvers } from '../__generated__/resolvers-types';

export const AuditLog: AuditLogResolvers = {
  __resolveReference: (reference, ctx) => ctx.loaders.auditLog.load(reference.id),
  actor: (entry, _, ctx) => (entry.admin_user_id ? ctx.loaders.adminUser.load(entry.admin_user_id) : null),
  // entries stored before changes were kept with the API's key names still hold the documents' snake_case
  // keys: they read like the newer ones (a copy walked once per entry; free-form JSON keeps its keys)
  changes: (entry) => camelCaseKeys(entry.changes) as typeof entry.changes,
};
