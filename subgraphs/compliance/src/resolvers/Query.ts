import type { QueryResolvers } from '../__generated__/resolvers-types';
import { erasureQueries } from '../erasure/resolvers';

export const Query: QueryResolvers = {
  me: (_, __, ctx) =>
    ctx.identity.kind === 'admin' ? ctx.loaders.adminUser.load(ctx.identity.userId) : null,
  adminUser: (_, { id }, ctx) => ctx.loaders.adminUser.load(id),
  adminUsers: (_, { filter, first, after }, ctx) =>
    ctx.services.adminUsers.page(filter ?? {}, { first, after }, ctx.paging),
  auditLog: (_, { id }, ctx) => ctx.loaders.auditLog.load(id),
  auditLogs: (_, { filter, first, after }, ctx) =>
    ctx.services.auditEvents.page(filter ?? {}, { first, after }, ctx.paging),
  complianceReport: (_, { id }, ctx) => ctx.loaders.report.load(id),
  complianceReports: (_, { filter, first, after }, ctx) =>
    ctx.services.reports.page(filter ?? {}, { first, after }, ctx.paging),
  dataRetentionPolicy: (_, { id }, ctx) => ctx.loaders.retentionPolicy.load(id),
  dataRetentionPolicies: (_, { filter, first, after }, ctx) =>
    ctx.services.retentionPolicies.page(filter ?? {}, { first, after }, ctx.paging),
  complianceDashboard: (_, { range }, ctx) => ctx.services.dashboard.dashboard(range, ctx.log),
  keyRotationRuns: (_, { first, after }, ctx) =>
    ctx.services.keyRotation.runPage({ first, after }, ctx.paging),
  revokedSessions: (_, { since }, ctx) => ctx.revocations.since(since),
  ...erasureQueries,
};
